// What a put hands the store: bytes in memory, or a file on disk the store may take over.
// Both say their size, extension and md5, and how to put themselves under a final name the
// caller (holding the content's lock) has checked is free. A caller's file moves only once
// its meta and lease marker are down, so a put that fails never leaves it inside the store;
// bytes (our own copy) take their name beside those writes, and the caller removes the file
// again if one of them fails.
import { changedError, ioError } from './errors';
import { digestFile } from './file-digest';
import { moveIntoPlace, writeTemp } from './publish';
import { digestInSlices } from './slices';
import { type StoreFileHandle, type StoreFs, unlinkIfExists } from './store-fs';
import { sniffExtension, sniffFileExtension } from './sniff';

/** How a content reached its final name: its bytes written by us, or an existing file renamed. */
export type Placement = 'written' | 'moved';

export interface Incoming {
  readonly size: number;
  /** The sniffed extension; detection starts when the Incoming is made and never rejects. */
  readonly ext: Promise<string>;
  /** md5 of the bytes, computed once (in slices when large). */
  md5(): Promise<string>;
  /**
   * Puts the content at `final` once `steps.folder` (its folder) resolves. `steps.ready` is
   * called once, as soon as the md5 is known (for bytes, while the write runs), and starts
   * the writes that must succeed for the put to stand (meta, marker). A caller's file waits
   * for them before it moves, and does not move when they fail.
   */
  place(final: string, steps: PlaceSteps): Promise<Placement>;
  /** Starts what `place` will need first (creating the temp file) while the caller waits for the lock. */
  prepare(): void;
  /** Undoes `prepare` if `place` did not use it (the content was there, or the put failed before). */
  discard(): Promise<void>;
}

export interface PlaceSteps {
  folder: Promise<unknown>;
  ready: (md5: string) => Promise<unknown>;
}

/** Bytes in memory: written to an exclusive temp file, md5 computed while the write runs. */
export function incomingBytes(fs: StoreFs, tmpName: () => string, bytes: Uint8Array, sliceBytes: number): Incoming {
  let md5: Promise<string> | undefined;
  const md5Of = () => (md5 ??= digestInSlices('md5', bytes, sliceBytes));
  let early: { tmp: string; opening: Promise<StoreFileHandle> } | undefined;
  const open = () => {
    const tmp = tmpName();
    const opening = fs.open(tmp, 'wx');
    opening.catch(() => undefined); // reported by place, or dropped by discard
    return { tmp, opening };
  };
  return {
    size: bytes.length,
    ext: sniffExtension(bytes),
    md5: md5Of,
    async place(final, { folder, ready }) {
      const { tmp, opening } = early ?? open();
      early = undefined; // a second place (a retry) starts afresh
      // md5 on the main thread while the threadpool writes the bytes; the meta goes down beside.
      await writeTemp(fs, tmp, bytes, async () => void ready(await md5Of()).catch(() => undefined), opening);
      await moveIntoPlace(fs, tmp, final, folder);
      return 'written';
    },
    prepare() {
      early ??= open();
    },
    async discard() {
      const unused = early;
      early = undefined;
      const handle = await unused?.opening.catch(() => undefined);
      if (!unused || !handle) return;
      await handle.close().catch(() => undefined);
      await unlinkIfExists(fs, unused.tmp).catch(() => undefined);
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
 * filesystem), or copied when the rename crosses filesystems (`EXDEV`); without, always copied,
 * and the copy hashed again: the caller's file may have changed since `found` was taken, and
 * bytes that are not `found.hash` must never be published under it (CHANGED).
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
    md5: async () => found.md5,
    get moved() {
      return moved;
    },
    async place(final, { folder, ready }) {
      // Everything that can fail happens before the caller's file moves.
      await Promise.all([folder, ready(found.md5)]);
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
        if (!consume && (await digestFile(tmp)).hash !== found.hash) throw changedError(source);
      } catch (err) {
        await unlinkIfExists(fs, tmp).catch(() => undefined);
        throw ioError('write', tmp, err);
      }
      await moveIntoPlace(fs, tmp, final, Promise.resolve());
      return 'written';
    },
    // Mostly renamed into place, not written: nothing worth starting early.
    prepare: () => undefined,
    discard: async () => undefined,
  };
}
