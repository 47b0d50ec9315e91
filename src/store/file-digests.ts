// The digest of a file a caller names (a bot's `file://` or bare path), hashed once per
// (device, inode, size, mtime): a broadcast of one file reads it once, and a file changed on
// disk is hashed again. Concurrent asks for one file share one read. A file that changed while
// it was read is answered but not remembered, so no identity is ever tied to bytes it did not
// hold. Used by the plugin (content-addressed local files) and by the proxy (lane keys).
import { stat } from 'node:fs/promises';
import { LRUCache } from 'lru-cache';
import { tooLargeError } from './errors';
import { digestFile } from './file-digest';
import type { FileDigest } from './incoming';

const MAX_REMEMBERED = 10_000;

/** A regular file's identity and size, or undefined when there is none (missing, a folder, no access). */
async function identify(path: string): Promise<{ key: string; size: number } | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? { key: `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`, size: info.size } : undefined;
  } catch {
    return undefined;
  }
}

export class FileDigests {
  readonly #known = new LRUCache<string, FileDigest>({ max: MAX_REMEMBERED });
  readonly #reading = new Map<string, Promise<FileDigest>>();
  /** Files actually read (the stats and the specs count them). */
  reads = 0;

  /**
   * The digest of a regular file, or undefined when it is not one. A file larger than
   * `maxBytes` is not read: TooLargeError, with its size.
   */
  async of(path: string, maxBytes = Infinity): Promise<FileDigest | undefined> {
    const found = await identify(path);
    if (!found) return undefined;
    if (found.size > maxBytes) throw tooLargeError(found.size, maxBytes);
    const known = this.#known.get(found.key);
    if (known) return known;
    let reading = this.#reading.get(found.key);
    if (!reading) {
      reading = this.#read(path, found.key).finally(() => this.#reading.delete(found.key));
      this.#reading.set(found.key, reading);
    }
    return reading;
  }

  async #read(path: string, key: string): Promise<FileDigest> {
    this.reads++;
    const digest = await digestFile(path);
    if ((await identify(path))?.key === key) this.#known.set(key, digest);
    return digest;
  }
}
