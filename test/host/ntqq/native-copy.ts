// QQ's native util.copyFile as the model assumes it (§2.3: atomicity unknown, so the
// harsh reading): open the source, truncate or create the destination, then write
// 64 KiB per event-loop turn. A reader of the destination meanwhile sees a short or
// half-old file. The writes take disk time (`diskBandwidth`). Errors are returned,
// never thrown: NapCat ignores the result. With `onOpened` (a copy that answers early) the
// caller is answered once the destination is created or truncated, and the bytes are
// written only after the time the whole copy takes, as a copy queued behind other disk
// work would be: a reader meanwhile finds an empty file, not one it can follow.
import fs from 'node:fs';
import type { ModelClock } from '../clock';
import type { Counters } from '../counters';
import { DiskPacer } from './disk';
import type { FileHandle, FileTable } from './files';

export const COPY_CHUNK = 64 * 1024;

export interface NativeCopyResult {
  result: number;
  errMsg: string;
}

export async function nativeCopy(
  files: FileTable,
  counters: Counters,
  clock: ModelClock,
  diskBandwidth: number,
  src: string,
  dst: string,
  /** Told once both files are open, before any byte is written. */
  onOpened?: () => void,
): Promise<NativeCopyResult> {
  const disk = new DiskPacer(clock, diskBandwidth);
  counters.nativeCopies++;
  if (files.handles(dst).some((h) => h.kind === 'native-write')) counters.overlappingCopies++;
  let from: FileHandle | undefined;
  let to: FileHandle | undefined;
  try {
    from = files.openRead(src, 'native-read');
    to = files.openWrite(dst);
    if (onOpened) {
      onOpened();
      await clock.sleep((fs.fstatSync(from.fd).size / diskBandwidth) * 1000);
    }
    const buf = Buffer.allocUnsafe(COPY_CHUNK);
    for (let pos = 0; !clock.closed; ) {
      const n = fs.readSync(from.fd, buf, 0, COPY_CHUNK, pos);
      if (n === 0) break;
      fs.writeSync(to.fd, buf, 0, n, pos);
      pos += n;
      counters.bytesCopied += n;
      await disk.pace(n);
    }
    return { result: 0, errMsg: '' };
  } catch (err) {
    counters.nativeCopyFailures++;
    return { result: -1, errMsg: (err as Error).message };
  } finally {
    from?.close();
    to?.close();
  }
}
