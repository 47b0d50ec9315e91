// Where everything lives under the store root, and what the store's own names look like.
// Names come only from the content hash, the sniffed extension and process identities, never
// from anything a client sent. The sweep deletes only names of these shapes: `cacheDir` may
// point at a folder that holds other files too.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

export const LAYOUT_DIRS = ['content', 'meta', 'tmp', 'leases', 'locks'] as const;

/** The file that says a folder is a store: one without it that holds anything is not ours. */
export const STORE_MARK = 'media-store.json';

const TAG = '[0-9a-f]{8}-\\d+-\\d+';
const HASH = '[0-9a-f]{64}';
/**
 * An extension as npm file-type names content (sniff.ts): one or two dotted parts, mixed case
 * (`.png`, `.parquet`, `.Z`, `.tar.gz`). A content or meta name must fit every one it can give,
 * or the sweep would neither count nor trim that content.
 */
const EXT_PART = '(?:\\.[A-Za-z0-9]{1,8}){1,2}';
/** An extension sniffed from magic bytes ('' when unknown), as meta.ts accepts it. */
export const EXT = new RegExp(`^(${EXT_PART})?$`);
const TEMP_NAME = new RegExp(`^${TAG}\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.tmp$`);
const MARKER_NAME = new RegExp(`^${TAG}\\.[0-9a-f]{8}$`);
const CONTENT_NAME = new RegExp(`^(${HASH})(${EXT_PART})?$`);
const META_NAME = new RegExp(`^(${HASH})\\.json$`);
const SHARD = /^[0-9a-f]{2}$/;
const HASH_ONLY = new RegExp(`^${HASH}$`);

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

  mark(): string {
    return join(this.root, STORE_MARK);
  }

  dir(name: (typeof LAYOUT_DIRS)[number]): string {
    return join(this.root, name);
  }
}

/** The instance name of a lease marker: `<owner tag>.<8 hex>`. */
export function markerName(ownerTag: string): string {
  return `${ownerTag}.${randomUUID().slice(0, 8)}`;
}

export const isTempName = (name: string): boolean => TEMP_NAME.test(name);
export const isMarkerName = (name: string): boolean => MARKER_NAME.test(name);
export const isShard = (name: string): boolean => SHARD.test(name);
export const isContentHash = (name: string): boolean => HASH_ONLY.test(name);

/** The hash a `content/<shard>/` name is published under, or undefined when the name is not one of ours. */
export function contentHashOf(name: string): string | undefined {
  return CONTENT_NAME.exec(name)?.[1];
}

/** The hash a `meta/<shard>/` name records, or undefined when the name is not one of ours. */
export function metaHashOf(name: string): string | undefined {
  return META_NAME.exec(name)?.[1];
}
