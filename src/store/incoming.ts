// What a put hands the store: bytes in memory, or a file on disk the store may take over.
// Both say their size, extension and md5, and how to put themselves under a final name the
// caller (holding the content's lock) has checked is free.
import { hash as digest } from 'node:crypto';
import { ioError } from './errors';
import { moveIntoPlace, writeTemp } from './publish';
import { type StoreFileHandle, type StoreFs, unlinkIfExists } from './store-fs';
import { sniffExtension, sniffFileExtension } from './sniff';

/** How a content reached its final name: its bytes written by us, or an existing file renamed. */
export type Placement = 'written' | 'moved';

export interface Incoming {
  readonly size: number;
  /** The sniffed extension; detection starts when the Incoming is made and never rejects. */
  readonly ext: Promise<string>;
  md5(): string;
  /**
   * Puts the content at `final` once `folderReady` resolves. `md5Known` is called once, as soon
   * as the md5 is known (for bytes, while the write runs), so the caller can record it beside.
   */
  place(final: string, folderReady: Promise<unknown>, md5Known: (md5: string) => void): Promise<Placement>;
  /** Undoes `place` (its meta could not be written): nothing may stay under `final`. */
  takeBack(final: string): Promise<void>;
  /** Starts what `place` will need first (creating the temp file) while the caller waits for the lock. */
  prepare(): void;
  /** Undoes `prepare` if `place` was not called after all (the content was there). */
  discard(): Promise<void>;
}

/** Bytes in memory: written to an exclusive temp file, md5 computed while the write runs. */
export function incomingBytes(fs: StoreFs, tmpName: () => string, bytes: Uint8Array): Incoming {
  let md5: string | undefined;
  const md5Of = () => (md5 ??= digest('md5', bytes));
  let early: { tmp: string; opening: Promise<StoreFileHandle> } | undefined;
  let placed = false;
  return {
    size: bytes.length,
    ext: sniffExtension(bytes),
    md5: md5Of,
    async place(final, folderReady, md5Known) {
      placed = true;
      const tmp = early?.tmp ?? tmpName();
      // md5 on the main thread while the threadpool writes the bytes.
      await writeTemp(fs, tmp, bytes, () => md5Known(md5Of()), early?.opening).catch(async (err: unknown) => {
        await folderReady.catch(() => undefined);
        throw err;
      });
      await moveIntoPlace(fs, tmp, final, folderReady);
      return 'written';
    },
    takeBack: (final) => unlinkIfExists(fs, final),
    prepare() {
      if (early || placed) return;
      const tmp = tmpName();
      const opening = fs.open(tmp, 'wx');
      opening.catch(() => undefined); // reported by place, or dropped by discard
      early = { tmp, opening };
    },
    async discard() {
      if (!early || placed) return;
      placed = true; // nothing to place any more
      const handle = await early.opening.catch(() => undefined);
      if (!handle) return;
      await handle.close().catch(() => undefined);
      await unlinkIfExists(fs, early.tmp).catch(() => undefined);
    },
  };
}

/** A hashed file on disk. */
export interface FileDigest {
  hash: string;
  md5: string;
  size: number;
}

/** A file the store may take over. */
export interface IncomingFile extends Incoming {
  /** The source was renamed into the store: it no longer exists under its own name. */
  readonly moved: boolean;
}

/**
 * An existing file. With `consume` it is renamed into place (no bytes written; same
 * filesystem), or copied when the rename crosses filesystems (`EXDEV`); without, always copied.
 */
export function incomingFile(
  fs: StoreFs,
  tmpName: () => string,
  source: string,
  found: FileDigest,
  consume: boolean,
): IncomingFile {
  let moved = false;
  return {
    size: found.size,
    ext: sniffFileExtension(source),
    md5: () => found.md5,
    get moved() {
      return moved;
    },
    async place(final, folderReady, md5Known) {
      md5Known(found.md5);
      try {
        await folderReady;
      } catch (err) {
        throw ioError('prepare', final, err);
      }
      if (consume) {
        try {
          await fs.rename(source, final);
          moved = true;
          return 'moved';
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw ioError('publish', final, err);
        }
      }
      const tmp = tmpName();
      try {
        await fs.copyFile(source, tmp);
      } catch (err) {
        await unlinkIfExists(fs, tmp).catch(() => undefined);
        throw ioError('write', tmp, err);
      }
      await moveIntoPlace(fs, tmp, final, Promise.resolve());
      return 'written';
    },
    async takeBack(final) {
      if (!moved) return unlinkIfExists(fs, final);
      // Give the caller its file back, as if the put had never happened.
      await fs.rename(final, source);
      moved = false;
    },
    // Mostly renamed into place, not written: nothing worth starting early.
    prepare: () => undefined,
    discard: async () => undefined,
  };
}
