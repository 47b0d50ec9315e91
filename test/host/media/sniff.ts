// NapCat's readers of a media file: npm `file-type` itself (the version NapCat v4.14–v4.18.5
// locks, 21.1.0) for the extension, and a header read standing in for `napcat-image-size`
// for the picture size. Every call reads the file again, as NapCat does around the copy
// (§9 item 4), and bytes file-type does not know give no extension (§9 item 6).
import fs from 'node:fs';
import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';

export { fileTypeFromBuffer, fileTypeFromFile };

const ascii = (buf: Buffer, start: number, end: number): string => buf.toString('latin1', start, end);

async function readHead(filePath: string, bytes: number): Promise<Buffer> {
  const handle = await fs.promises.open(filePath, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export interface ImageSize {
  width: number;
  height: number;
}

function jpegSize(buf: Buffer): ImageSize | undefined {
  let pos = 2;
  while (pos + 9 < buf.length) {
    if (buf[pos] !== 0xff) return undefined;
    const marker = buf[pos + 1];
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return { height: buf.readUInt16BE(pos + 5), width: buf.readUInt16BE(pos + 7) };
    pos += 2 + buf.readUInt16BE(pos + 2);
  }
  return undefined;
}

const isJpeg = (buf: Buffer): boolean => buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff;

/** The picture size from its header (PNG/APNG, JPEG, GIF, BMP), or undefined. */
export function imageSizeFromBuffer(buf: Buffer): ImageSize | undefined {
  if (buf.length >= 24 && buf.readUInt32BE(0) === 0x89504e47 && ascii(buf, 12, 16) === 'IHDR') {
    return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  }
  if (isJpeg(buf)) return jpegSize(buf);
  if (buf.length >= 10 && ascii(buf, 0, 4) === 'GIF8') return { width: buf.readUInt16LE(6), height: buf.readUInt16LE(8) };
  if (buf.length >= 26 && ascii(buf, 0, 2) === 'BM') return { width: buf.readInt32LE(18), height: Math.abs(buf.readInt32LE(22)) };
  return undefined;
}

/** Like imageSizeFallBack: a header read of the file; undefined if it is no picture it knows. */
export async function imageSizeFromFile(filePath: string): Promise<ImageSize | undefined> {
  const head = await readHead(filePath, 64 * 1024);
  return imageSizeFromBuffer(head) ?? (isJpeg(head) ? jpegSize(await fs.promises.readFile(filePath)) : undefined);
}
