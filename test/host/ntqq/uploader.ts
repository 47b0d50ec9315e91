// The kernel's rich-media upload, run inside the native sendMsg (§4.1). It opens the
// element's file and hashes it (even when the server already knows the md5), asks the
// server, and otherwise streams the file in chunks over the shared link, checking
// size and md5 at the end. Any miss is a transfer failure: result -1.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { ModelClock } from '../clock';
import type { Counters, UploadFailure } from '../counters';
import type { Random } from '../random';
import { DiskPacer } from './disk';
import type { FileHandle, FileTable } from './files';
import type { SharedLink } from './link';
import type { ServerMemory } from './server-memory';

export const UPLOAD_CHUNK = 64 * 1024;

export interface MediaRef {
  path: string;
  /** Expected size in bytes (what NapCat put in the element). */
  size: number;
  /** Expected md5 hex, when the element carries one. */
  md5?: string;
}

export type UploadOutcome = { ok: true; instant: boolean } | { ok: false; reason: UploadFailure; detail: string };

export interface UploaderDeps {
  files: FileTable;
  counters: Counters;
  clock: ModelClock;
  link: SharedLink;
  server: ServerMemory;
  random: Random;
  latencyMs: number;
  /** Bytes per model second the native side reads or writes a file at. */
  diskBandwidth: number;
}

function reasonOf(err: unknown): UploadFailure {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'missing';
  if (code === 'EBUSY') return 'busy';
  if (code === 'EPERM' || code === 'EACCES') return 'denied';
  return 'io';
}

/** One round trip to the server, jittered ±50 % by the seeded PRNG. */
function roundTrip(deps: UploaderDeps): Promise<void> {
  return deps.clock.sleep(deps.latencyMs * (0.5 + deps.random()));
}

async function hashWhole(deps: UploaderDeps, handle: FileHandle): Promise<{ md5: string; size: number }> {
  const hash = crypto.createHash('md5');
  const buf = Buffer.allocUnsafe(UPLOAD_CHUNK);
  const disk = new DiskPacer(deps.clock, deps.diskBandwidth);
  let size = 0;
  for (;;) {
    const n = fs.readSync(handle.fd, buf, 0, UPLOAD_CHUNK, size);
    if (n === 0) break;
    hash.update(buf.subarray(0, n));
    size += n;
    deps.counters.bytesRead += n;
    await disk.pace(n);
  }
  return { md5: hash.digest('hex'), size };
}

function verdict(expected: MediaRef, size: number, md5: string, stage: string): UploadOutcome | undefined {
  if (size < expected.size) return { ok: false, reason: 'short', detail: `${stage}: ${size}/${expected.size} bytes` };
  if (size !== expected.size || (expected.md5 !== undefined && md5 !== expected.md5)) {
    return { ok: false, reason: 'changed', detail: `${stage}: md5 ${md5} size ${size}` };
  }
  return undefined;
}

export async function uploadMedia(deps: UploaderDeps, ref: MediaRef): Promise<UploadOutcome> {
  const { counters } = deps;
  counters.uploadsStarted++;
  const outcome = await runUpload(deps, ref);
  if (outcome.ok) counters.uploadsOk++;
  else counters.uploadFailures[outcome.reason]++;
  return outcome;
}

async function runUpload(deps: UploaderDeps, ref: MediaRef): Promise<UploadOutcome> {
  let handle: FileHandle;
  try {
    handle = deps.files.openRead(ref.path, 'native-read');
  } catch (err) {
    return { ok: false, reason: reasonOf(err), detail: (err as Error).message };
  }
  try {
    const local = await hashWhole(deps, handle);
    const bad = verdict(ref, local.size, local.md5, 'hash');
    if (bad) return bad;
    await roundTrip(deps);
    if (deps.server.has(local.md5)) {
      deps.counters.instantUploads++;
      return { ok: true, instant: true };
    }
    deps.counters.uploadsTransferred++;
    const hash = crypto.createHash('md5');
    const received: Buffer[] = [];
    let sent = 0;
    while (sent < ref.size) {
      const buf = Buffer.allocUnsafe(Math.min(UPLOAD_CHUNK, ref.size - sent));
      const n = fs.readSync(handle.fd, buf, 0, buf.length, sent);
      if (n === 0) break;
      deps.counters.bytesRead += n;
      hash.update(buf.subarray(0, n));
      received.push(buf.subarray(0, n));
      await deps.link.transmit(n);
      deps.counters.bytesTransferred += n;
      sent += n;
    }
    await roundTrip(deps);
    const wrong = verdict(ref, sent, hash.digest('hex'), 'transfer');
    if (wrong) return wrong;
    deps.server.complete(local.md5, Buffer.concat(received));
    return { ok: true, instant: false };
  } catch (err) {
    return { ok: false, reason: reasonOf(err), detail: (err as Error).message };
  } finally {
    handle.close();
  }
}
