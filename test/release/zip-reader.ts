// Reads a ZIP the way an extractor does: end record → central directory → each local
// header, inflating and checking CRC and size. Written apart from scripts/zip.mjs so the
// specs check the writer instead of trusting it.
import zlib from 'node:zlib';

export interface ZipEntry {
  name: string;
  data: Buffer;
  /** 0 stored, 8 deflate. */
  method: number;
  /** Unix mode from the external attributes (0 when made on a non-Unix system). */
  mode: number;
  dosDate: number;
  dosTime: number;
}

function fail(message: string): never {
  throw new Error(`ZIP 无效 / bad zip: ${message}`);
}

export function readZip(zip: Buffer): ZipEntry[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0 || end + 22 > zip.length) fail('no end-of-central-directory record');
  const count = zip.readUInt16LE(end + 10);
  const dirSize = zip.readUInt32LE(end + 12);
  let at = zip.readUInt32LE(end + 16);
  if (at + dirSize !== end) fail(`central directory ${at}+${dirSize} does not end at ${end}`);

  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) fail(`central header ${i} signature`);
    const method = zip.readUInt16LE(at + 10);
    const dosTime = zip.readUInt16LE(at + 12);
    const dosDate = zip.readUInt16LE(at + 14);
    const crc = zip.readUInt32LE(at + 16);
    const packed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const madeBy = zip.readUInt16LE(at + 4) >> 8;
    const mode = madeBy === 3 ? zip.readUInt32LE(at + 38) >>> 16 : 0;
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;

    if (zip.readUInt32LE(local) !== 0x04034b50) fail(`local header of ${name}`);
    const localName = zip.toString('utf8', local + 30, local + 30 + zip.readUInt16LE(local + 26));
    if (localName !== name) fail(`local name ${localName} ≠ central name ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const body = zip.subarray(start, start + packed);
    let data: Buffer;
    if (method === 0) data = Buffer.from(body);
    else if (method === 8) data = zlib.inflateRawSync(body);
    else fail(`${name}: method ${method}`);
    if (data.length !== size) fail(`${name}: ${data.length} bytes, header says ${size}`);
    if (zlib.crc32(data) >>> 0 !== crc) fail(`${name}: CRC mismatch`);
    entries.push({ name, data, method, mode, dosDate, dosTime });
  }
  return entries;
}
