// Where everything lives under the store root. Names come only from the content hash, the
// sniffed extension and process identities, never from anything a client sent.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

export const LAYOUT_DIRS = ['content', 'meta', 'tmp', 'leases', 'locks'] as const;

export class StoreLayout {
  constructor(readonly root: string) {}

  /** The published file: `content/<hash[0:2]>/<hash><ext>`. */
  content(hash: string, ext: string): string {
    return join(this.root, 'content', hash.slice(0, 2), hash + ext);
  }

  /** md5, size and ext of a published file, so no process hashes it twice. */
  meta(hash: string): string {
    return join(this.root, 'meta', hash.slice(0, 2), `${hash}.json`);
  }

  /** A fresh temp name carrying its writer's identity, so a sweep can tell a live writer's file from a dead one's. */
  tmp(ownerTag: string): string {
    return join(this.root, 'tmp', `${ownerTag}.${randomUUID()}.tmp`);
  }

  /** One empty marker file per store instance holding the content: `leases/<hash>/<owner>.<instance>`. */
  leaseDir(hash: string): string {
    return join(this.root, 'leases', hash);
  }

  /** Target of the cross-process lock for one content; proper-lockfile makes `<target>.lock`. */
  lockTarget(hash: string): string {
    return join(this.root, 'locks', hash);
  }

  dir(name: (typeof LAYOUT_DIRS)[number]): string {
    return join(this.root, name);
  }
}
