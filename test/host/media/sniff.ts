// Real header reads, standing in for NapCat's `file-type` and `napcat-image-size`:
// the extension and the picture size come from the bytes (§9 item 6), and every call
// reads the file again, as NapCat does around the copy (§9 item 4).
import fs from 'node:fs';

export interface FileType {
  ext: string;
  mime: string;
}

const ascii = (buf: Buffer, start: number, end: number): string => buf.toString('latin1', start, end);

/** Magic-byte detection of the formats NapCat's media paths meet; silk is unknown to file-type, as there. */
export function fileTypeFromBuffer(buf: Buffer): FileType | undefined {
  if (buf.length >= 8 && buf.readUInt32BE(0) === 0x89504e47 && buf.readUInt32BE(4) === 0x0d0a1a0a) return { ext: 'png', mime: 'image/png' };
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return { ext: 'jpg', mime: 'image/jpeg' };
  if (ascii(buf, 0, 4) === 'GIF8') return { ext: 'gif', mime: 'image/gif' };
  if (ascii(buf, 0, 4) === 'RIFF' && ascii(buf, 8, 12) === 'WEBP') return { ext: 'webp', mime: 'image/webp' };
  if (ascii(buf, 0, 4) === 'RIFF' && ascii(buf, 8, 12) === 'WAVE') return { ext: 'wav', mime: 'audio/wav' };
  if (ascii(buf, 0, 2) === 'BM' && buf.length >= 26) return { ext: 'bmp', mime: 'image/bmp' };
  if (ascii(buf, 0, 4) === 'OggS') return { ext: 'ogg', mime: 'audio/ogg' };
  if (ascii(buf, 0, 6) === '#!AMR\n') return { ext: 'amr', mime: 'audio/amr' };
  if (ascii(buf, 0, 3) === 'ID3' || (buf[0] === 0xff && buf.length > 1 && (buf[1] & 0xe0) === 0xe0)) return { ext: 'mp3', mime: 'audio/mpeg' };
  if (ascii(buf, 4, 8) === 'ftyp') {
    const brand = ascii(buf, 8, 12);
    if (brand === 'qt  ') return { ext: 'mov', mime: 'video/quicktime' };
    if (brand === 'M4A ') return { ext: 'm4a', mime: 'audio/x-m4a' };
    return { ext: 'mp4', mime: 'video/mp4' };
  }
  return undefined;
}

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

export async function fileTypeFromFile(filePath: string): Promise<FileType | undefined> {
  return fileTypeFromBuffer(await readHead(filePath, 4100));
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

export function imageSizeFromBuffer(buf: Buffer): ImageSize | undefined {
  const type = fileTypeFromBuffer(buf)?.ext;
  if (type === 'png' && ascii(buf, 12, 16) === 'IHDR') return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  if (type === 'jpg') return jpegSize(buf);
  if (type === 'gif') return { width: buf.readUInt16LE(6), height: buf.readUInt16LE(8) };
  if (type === 'bmp') return { width: buf.readInt32LE(18), height: Math.abs(buf.readInt32LE(22)) };
  return undefined;
}

/** Like imageSizeFallBack: a header read of the file; undefined if it is no picture it knows. */
export async function imageSizeFromFile(filePath: string): Promise<ImageSize | undefined> {
  const head = await readHead(filePath, 64 * 1024);
  return imageSizeFromBuffer(head) ?? (fileTypeFromBuffer(head)?.ext === 'jpg' ? jpegSize(await fs.promises.readFile(filePath)) : undefined);
}
