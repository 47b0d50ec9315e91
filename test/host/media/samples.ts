// Valid sample media for tests: real PNG/JPEG structure (dimensions parse, the PNG
// decodes) with filler that does not compress (§9 item 6), APNG/AVIF/HEIC as file-type
// names them, and tiny mp4/silk/amr.
// The same seed gives the same bytes; a different seed, different bytes (and md5).
import zlib from 'node:zlib';
import { seededRandom } from '../random';

function noise(bytes: number, seed: number): Buffer {
  const random = seededRandom(seed);
  const buf = Buffer.allocUnsafe(bytes);
  for (let i = 0; i + 4 <= bytes; i += 4) buf.writeUInt32LE((random() * 0x100000000) >>> 0, i);
  for (let i = bytes - (bytes % 4); i < bytes; i++) buf[i] = (random() * 256) | 0;
  return buf;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export interface ImageOptions {
  /** Total file size in bytes (approximately for JPEG if smaller than its headers). Default 1 MB. */
  bytes?: number;
  width?: number;
  /** Default: whatever fills `bytes` at `width`. */
  height?: number;
  seed?: number;
}

/** A decodable RGB PNG of random pixels, stored (level 0) so it does not compress, padded to exactly `bytes`. */
export function makePng(options: ImageOptions = {}): Buffer {
  return pngWith(options, []);
}

/**
 * An animated PNG: a PNG whose `acTL` chunk (one frame, played once) comes before its first
 * IDAT, which is what file-type looks for. Viewers without APNG support show the same picture.
 */
export function makeApng(options: ImageOptions = {}): Buffer {
  const actl = Buffer.alloc(8);
  actl.writeUInt32BE(1, 0);
  actl.writeUInt32BE(1, 4);
  return pngWith(options, [pngChunk('acTL', actl)]);
}

function pngWith(options: ImageOptions, beforeData: Buffer[]): Buffer {
  const bytes = options.bytes ?? 1_000_000;
  const width = options.width ?? 512;
  const row = 1 + width * 3;
  const height = options.height ?? Math.max(1, Math.floor((bytes - 200) / (row * 1.0002)));
  const raw = noise(row * height, options.seed ?? 1);
  for (let y = 0; y < height; y++) raw[y * row] = 0;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const body = [signature, pngChunk('IHDR', ihdr), ...beforeData, pngChunk('IDAT', zlib.deflateSync(raw, { level: 0 }))];
  const end = pngChunk('IEND', Buffer.alloc(0));
  const used = body.reduce((n, b) => n + b.length, 0) + end.length;
  const pad = bytes - used - 12;
  if (pad >= 8) body.push(pngChunk('tEXt', Buffer.concat([Buffer.from('Comment\0'), noise(pad - 8, (options.seed ?? 1) + 7).map((b) => 0x20 + (b % 95))])));
  return Buffer.concat([...body, end]);
}

/** A baseline JPEG: JFIF, DQT, SOF0 (the dimensions), DHT, SOS, stuffed entropy filler, EOI. */
export function makeJpeg(options: ImageOptions = {}): Buffer {
  const bytes = options.bytes ?? 1_000_000;
  const width = options.width ?? 1200;
  const height = options.height ?? 900;
  const segment = (marker: number, data: Buffer): Buffer => {
    const head = Buffer.from([0xff, marker, 0, 0]);
    head.writeUInt16BE(data.length + 2, 2);
    return Buffer.concat([head, data]);
  };
  const sof = Buffer.alloc(15);
  sof.writeUInt8(8, 0);
  sof.writeUInt16BE(height, 1);
  sof.writeUInt16BE(width, 3);
  sof.set([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1], 5);
  const dht = Buffer.concat([Buffer.from([0x00]), Buffer.from([0, 1, ...new Array<number>(14).fill(0)]), Buffer.from([0])]);
  const head = Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
    segment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)])),
    segment(0xdb, Buffer.concat([Buffer.from([1]), Buffer.alloc(64, 1)])),
    segment(0xc0, sof),
    segment(0xc4, dht),
    segment(0xda, Buffer.from([3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0])),
  ]);
  const fill = noise(Math.max(16, bytes - head.length - 2), options.seed ?? 1);
  for (let i = 0; i < fill.length; i++) if (fill[i] === 0xff) fill[i] = 0xfe;
  return Buffer.concat([head, fill, Buffer.from([0xff, 0xd9])]);
}

function box(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length + 8, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, data]);
}

/** An ISO BMFF file: an ftyp box (major brand, then compatible brands) and an mdat of filler. */
function isoMedia(brands: string, options: { bytes?: number; seed?: number }, seed: number): Buffer {
  const ftyp = box('ftyp', Buffer.from(`${brands.slice(0, 4)}\0\0\x02\0${brands}`, 'latin1'));
  const size = Math.max(64, (options.bytes ?? 64 * 1024) - ftyp.length - 8);
  return Buffer.concat([ftyp, box('mdat', noise(size, options.seed ?? seed))]);
}

/** An `isom` ISO BMFF file: what file-type calls mp4. */
export function makeMp4(options: { bytes?: number; seed?: number } = {}): Buffer {
  return isoMedia('isomiso2avc1mp41', options, 3);
}

/** An AVIF still image (major brand `avif`): file-type says avif; a hand sniffer reading `ftyp` says mp4. */
export function makeAvif(options: { bytes?: number; seed?: number } = {}): Buffer {
  return isoMedia('avifmif1miafMA1B', options, 11);
}

/** A HEIC image (major brand `heic`), as iPhones send them: file-type says heic. */
export function makeHeic(options: { bytes?: number; seed?: number } = {}): Buffer {
  return isoMedia('heicmif1', options, 13);
}

function frames(header: string, frameBytes: number, count: number, seed: number, trailer: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from(header, 'latin1')];
  for (let i = 0; i < count; i++) {
    const len = Buffer.alloc(2);
    len.writeUInt16LE(frameBytes, 0);
    parts.push(len, noise(frameBytes, seed + i));
  }
  parts.push(trailer);
  return Buffer.concat(parts);
}

/** Tencent silk v3: `\x02#!SILK_V3`, length-prefixed frames (20 ms each), end marker. */
export function makeSilk(options: { frames?: number; seed?: number } = {}): Buffer {
  return frames('\x02#!SILK_V3', 40, options.frames ?? 100, options.seed ?? 5, Buffer.from([0xff, 0xff]));
}

/** AMR-NB: `#!AMR\n` then frames; enough for the sniff and the ptt conversion path. */
export function makeAmr(options: { frames?: number; seed?: number } = {}): Buffer {
  const random = seededRandom(options.seed ?? 9);
  const body = Buffer.alloc((options.frames ?? 100) * 32);
  for (let i = 0; i < body.length; i++) body[i] = i % 32 === 0 ? 0x3c : (random() * 256) | 0;
  return Buffer.concat([Buffer.from('#!AMR\n', 'latin1'), body]);
}
