// Atomic publication: the bytes go to an exclusive ('wx') temp file, then one rename gives them
// their final name. A reader never sees a partial file under a final name, even if the writer
// is killed. The caller holds the content's lock and has checked that the final name is free,
// so the rename never replaces a file.
import { dirname } from 'node:path';
import type { StoreFileHandle, StoreFs } from './store-fs';
import { unlinkIfExists } from './store-fs';
import { ioError } from './errors';

/**
 * Writes all of `bytes` to a new file at `tmp` (or to `opening`, the exclusive open of `tmp`
 * when the caller started it early); on failure removes what was written.
 * `alongside` starts on the main thread once the first write is in the threadpool's hands, and
 * is awaited before this resolves. It must not start before: the open's callback needs the
 * main thread, so work started while the open is pending delays the write instead of
 * overlapping it.
 */
export async function writeTemp(
  fs: StoreFs,
  tmp: string,
  bytes: Uint8Array,
  alongside?: () => Promise<void> | void,
  opening: Promise<StoreFileHandle> = fs.open(tmp, 'wx'),
): Promise<void> {
  let handle;
  try {
    handle = await opening;
  } catch (err) {
    throw ioError('write', tmp, err);
  }
  try {
    let writing = handle.write(bytes, 0, bytes.length);
    let beside: Promise<void> | undefined;
    if (alongside) {
      writing.catch(() => undefined); // awaited just below; not unhandled while alongside runs
      beside = Promise.resolve(alongside());
      beside.catch(() => undefined); // awaited once the write is done
    }
    for (let offset = 0; ; writing = handle.write(bytes, offset, bytes.length - offset)) {
      offset += (await writing).bytesWritten;
      if (offset >= bytes.length) break;
    }
    await handle.close();
    await beside;
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlinkIfExists(fs, tmp).catch(() => undefined);
    throw ioError('write', tmp, err);
  }
}

/** Creates the folder `final` goes in; start it early, it runs beside the temp write. */
export function prepareFolder(fs: StoreFs, final: string): Promise<unknown> {
  const ready = fs.mkdir(dirname(final), { recursive: true }).catch((err: unknown) => {
    throw ioError('prepare', dirname(final), err);
  });
  ready.catch(() => undefined); // reported by moveIntoPlace, which awaits it
  return ready;
}

/** Renames `tmp` to `final` once `ready` resolves; on failure (of either) removes the temp file. */
export async function moveIntoPlace(fs: StoreFs, tmp: string, final: string, ready: Promise<unknown>): Promise<void> {
  try {
    await ready;
    await fs.rename(tmp, final);
  } catch (err) {
    await unlinkIfExists(fs, tmp).catch(() => undefined);
    throw ioError('publish', final, err);
  }
}
