// md5 of a file a bot names (`file://` or a bare path), hashed once per (device, inode,
// size, mtime): a broadcast of one file reads it once, and a file changed in place is
// hashed again. Concurrent asks for one file share one read.
import { stat } from 'node:fs/promises';
import { LRUCache } from 'lru-cache';
import { SingleFlight } from '../flight/single-flight';
import { digestFile } from '../store/file-digest';

export interface FileDigest {
  md5: string;
  size: number;
}

const MAX_REMEMBERED = 10_000;

export class FileDigests {
  readonly #known = new LRUCache<string, FileDigest>({ max: MAX_REMEMBERED });
  readonly #flights = new SingleFlight<string, FileDigest>();
  /** Files actually read (a test and the stats count them). */
  reads = 0;

  /** The digest of a regular file, or undefined when it is not one (missing, a folder). */
  async of(path: string): Promise<FileDigest | undefined> {
    let info;
    try {
      info = await stat(path);
    } catch {
      return undefined;
    }
    if (!info.isFile()) return undefined;
    const identity = `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
    const known = this.#known.get(identity);
    if (known) return known;
    return this.#flights.run(identity, async () => {
      this.reads++;
      const digest = await digestFile(path);
      const result = { md5: digest.md5, size: digest.size };
      this.#known.set(identity, result);
      return result;
    });
  }
}
