// Big puts in slices. NapCat's WebSocket and HTTP servers run on the thread that decodes and
// hashes a put: done at once, a 100 MiB payload stalled them for a second on this machine.
// Work longer than one slice is cut into slices with a turn of the event loop between them;
// anything up to one slice runs at once, exactly as before (small puts pay nothing).
import { createHash, hash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { decodeBase64 } from './base64';
import { tooLargeError } from './errors';

const BEYOND_ONE_BYTE = /[^\x00-\xff]/;

/** sha-256 or md5 hex of `bytes`, a slice of `sliceBytes` at a time. */
export async function digestInSlices(algorithm: 'sha256' | 'md5', bytes: Uint8Array, sliceBytes: number): Promise<string> {
  if (bytes.length <= sliceBytes) return hash(algorithm, bytes);
  const digest = createHash(algorithm);
  for (let at = 0; at < bytes.length; at += sliceBytes) {
    if (at > 0) await nextTurn();
    digest.update(bytes.subarray(at, at + sliceBytes));
  }
  return digest.digest('hex');
}

/**
 * `decodeBase64` (the bytes `Buffer.from(text, 'base64')` gives), a slice at a time, straight
 * into one buffer. Node's decoder skips characters it does not know and stops at "=", so a
 * slice of whole base64 quanta that decodes to exactly 3 bytes per 4 characters held nothing
 * but the alphabet (when every character fits in one byte: Node reads the others by their low
 * byte), and decoding it apart from the rest gives the same bytes as decoding it in place.
 * The last slice is decoded on its own. Any other input is decoded whole, at once.
 *
 * Text whose length alone says it decodes to more than `maxBytes` is decoded into one slice's
 * room and only counted: it fails TOO_LARGE with the size `Buffer.from` would give, and its
 * request goes to NapCat, which decodes it itself, so holding it here would only double the
 * peak. (Where it decodes to less after all, it is decoded whole, as before.)
 */
export async function decodeBase64InSlices(text: string, maxBytes: number, sliceBytes: number): Promise<Buffer> {
  const sliceChars = Math.max(4, Math.floor(sliceBytes / 3) * 4);
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bound = Math.floor(((text.length - padding) * 3) / 4);
  if (bound <= sliceBytes) return decodeBase64(text, maxBytes);
  const counting = bound > maxBytes;
  const out = Buffer.allocUnsafe(counting ? (sliceChars / 4) * 3 : bound);
  let written = 0;
  let at = 0;
  for (; at + sliceChars < text.length; at += sliceChars) {
    if (at > 0) await nextTurn();
    const part = text.slice(at, at + sliceChars);
    const got = BEYOND_ONE_BYTE.test(part) ? -1 : out.write(part, counting ? 0 : written, 'base64');
    if (got !== (sliceChars / 4) * 3) return decodeBase64(text, maxBytes);
    written += got;
  }
  await nextTurn();
  let tail: Buffer;
  try {
    tail = decodeBase64(text.slice(at), maxBytes);
  } catch {
    return decodeBase64(text, maxBytes);
  }
  if (counting) {
    if (written + tail.length > maxBytes) throw tooLargeError(written + tail.length, maxBytes);
    return decodeBase64(text, maxBytes);
  }
  written += tail.copy(out, written);
  return out.subarray(0, written);
}
