import { existsSync } from 'node:fs';
import path from 'node:path';
import { StoreError } from '../store/errors';
import { FileDigests } from '../store/file-digests';
import type { Lease } from '../store/types';
import type { HookDeps } from './hook-deps';
import { handOverOversize } from './oversize';

/**
 * The local file NapCat reads for `uri`, found as its `checkUriType` finds it (common/src/file.ts,
 * v4.18.5): the whole URI as a path that exists (`existsSync(path.normalize(uri))`), else a
 * `file:` URI with its first 7 characters cut (8 for `file:///` on Windows) and percent-decoded.
 * Undefined when NapCat would read no local file (or cannot decode the URI: its own path says so).
 */
export function localPathOf(uri: string): string | undefined {
  const asPath = path.normalize(uri);
  if (existsSync(asPath)) return asPath;
  if (!uri.startsWith('file:')) return undefined;
  try {
    return decodeURIComponent(uri.startsWith('file:///') && process.platform === 'win32' ? uri.slice(8) : uri.slice(7));
  } catch {
    return undefined;
  }
}

/**
 * `file://` URIs and local paths, content-addressed like base64 (docs/hooks.md, "Send the bytes
 * once"): each file is hashed once per (device, inode, size, mtime) and stored once per content,
 * so repeated sends of one file are a stat and a lease, and skip NapCat's md5 pass and copy as a
 * repeated base64 does. What is sent never changes: a file changed on disk is a new identity and
 * is hashed again, a file changed while it is stored is refused by the store (NapCat's own path
 * sends it as it then is), and a path that is no regular file, an empty file or one over
 * `maxPayloadBytes` goes down NapCat's own path, which fails (or sends) it as NapCat does.
 */
export class LocalFiles {
  readonly #deps: HookDeps;
  readonly #digests = new FileDigests();

  constructor(deps: HookDeps) {
    this.#deps = deps;
  }

  /**
   * Resolves `uri` when it names a local file; `handOver` gets the lease and the name NapCat
   * would give the file (`basename`). Anything else is `napcat()`.
   */
  async resolve(uri: string, handOver: (lease: Lease, name: string) => unknown, napcat: () => Promise<unknown>): Promise<unknown> {
    const file = localPathOf(uri);
    if (file === undefined) return napcat();
    const started = performance.now();
    const lease = await this.#lease(file).catch((error: unknown) => this.#failed(error, file));
    if (!lease) return napcat();
    this.#deps.latency.resolved(lease.media.path, performance.now() - started);
    const name = path.basename(file);
    this.#deps.names.remember(lease.media.path, name);
    return handOver(lease, name);
  }

  /** A lease on the file's content, or undefined when NapCat's own path must take it. */
  async #lease(file: string): Promise<Lease | undefined> {
    const { store, stats, config } = this.#deps;
    const digest = await this.#digests.of(file, config().maxPayloadBytes);
    // Missing, a folder, empty: NapCat's own path fails (or sends) it as it does without us.
    if (!digest || digest.size === 0) return undefined;
    const known = store.acquire(digest.hash);
    if (known) {
      stats.add('storeHits');
      stats.add('bytesNotWritten', digest.size);
      return known;
    }
    return store.putFile(file, { consume: false, digest });
  }

  #failed(error: unknown, file: string): undefined {
    if (handOverOversize(this.#deps, error, `本地文件 / local file ${path.basename(file)}`)) return undefined;
    if (error instanceof StoreError && error.code === 'CHANGED') {
      // Rewritten while we stored it: not a fault, and NapCat reads it as it now is.
      this.#deps.stats.fallback('CHANGED');
      return undefined;
    }
    this.#deps.failOpen.fault('local-file', error, file);
    return undefined;
  }
}
