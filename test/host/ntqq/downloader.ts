// The kernel's rich-media download (`downloadRichMedia`), as NapCat's `downloadRawMsgMedia`
// asks for it when a packet forward names a sent message by `id` (SendMsg.ts
// uploadForwardedNodesPacket, core/apis/file.ts downloadMedia at v4.18.5): the server's bytes
// written to the element's md5-named media path. Whether NTQQ skips a file already there, or
// writes to a temp name first, is not visible in NapCat's source: the model takes the harsh
// reading, as for the native copy (native-copy.ts): the name is truncated or created, then
// written chunk by chunk at the account's bandwidth. A reader meanwhile sees a short file; on
// Windows a file the kernel reads cannot be opened to write (EBUSY). Errors are returned.
import fs from 'node:fs';
import { DiskPacer } from './disk';
import type { FileHandle } from './files';
import type { NativeCopyResult } from './native-copy';
import type { UploaderDeps } from './uploader';

export const DOWNLOAD_CHUNK = 64 * 1024;

export async function downloadMedia(deps: UploaderDeps, md5: string, dst: string): Promise<NativeCopyResult> {
  const { clock, counters } = deps;
  await clock.sleep(deps.latencyMs * (0.5 + deps.random()));
  const bytes = deps.server.bytes(md5);
  if (!bytes) return { result: -1, errMsg: `not on the server: ${md5}` };
  counters.mediaDownloads++;
  const pace = new DiskPacer(clock, deps.link.bandwidth);
  let to: FileHandle | undefined;
  try {
    to = deps.files.openWrite(dst);
    for (let pos = 0; pos < bytes.length && !clock.closed; pos += DOWNLOAD_CHUNK) {
      const n = Math.min(DOWNLOAD_CHUNK, bytes.length - pos);
      fs.writeSync(to.fd, bytes, pos, n, pos);
      await pace.pace(n);
    }
    return { result: 0, errMsg: '' };
  } catch (err) {
    counters.mediaDownloadFailures++;
    return { result: -1, errMsg: (err as Error).message };
  } finally {
    to?.close();
  }
}
