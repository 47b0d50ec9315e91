// NapCat's own highway client, used only by packet-mode forward messages (§1.4 step 5):
// sha1 over the picture's SHARED media path, then a stream of the same path to the
// server. A server that knows the md5 answers "don't need upload" after the hash.
// It runs beside the kernel (its reads are libuv's, off the JS thread).
import crypto from 'node:crypto';
import fs from 'node:fs';
import { DiskPacer } from './disk';
import type { MediaRef, UploaderDeps } from './uploader';

const CHUNK = 64 * 1024;

export async function uploadViaHighway(deps: UploaderDeps, ref: Required<MediaRef>): Promise<void> {
  const { files, counters, link, server } = deps;
  counters.highwayUploads++;
  try {
    const handle = files.openRead(ref.path, 'node-read');
    try {
      const sha1 = crypto.createHash('sha1');
      const buf = Buffer.allocUnsafe(CHUNK);
      const disk = new DiskPacer(deps.clock, deps.diskBandwidth);
      let size = 0;
      for (;;) {
        const n = fs.readSync(handle.fd, buf, 0, CHUNK, size);
        if (n === 0) break;
        sha1.update(buf.subarray(0, n));
        size += n;
        counters.bytesRead += n;
        await disk.pace(n);
      }
      if (server.has(ref.md5)) return;
      const md5 = crypto.createHash('md5');
      const received: Buffer[] = [];
      let sent = 0;
      while (sent < size) {
        const chunk = Buffer.allocUnsafe(Math.min(CHUNK, size - sent));
        const n = fs.readSync(handle.fd, chunk, 0, chunk.length, sent);
        if (n === 0) break;
        md5.update(chunk.subarray(0, n));
        received.push(chunk.subarray(0, n));
        counters.bytesRead += n;
        await link.transmit(n);
        counters.bytesTransferred += n;
        sent += n;
      }
      if (sent !== ref.size || md5.digest('hex') !== ref.md5) {
        throw new Error(`[Highway] http upload failed: ${ref.path} ${sent}/${ref.size} bytes`);
      }
      server.complete(ref.md5, Buffer.concat(received));
    } finally {
      handle.close();
    }
  } catch (err) {
    counters.highwayFailures++;
    throw err;
  }
}
