// File extension from magic bytes. The name NTQQ and clients see should match the content
// (NapCat's own file-type check does the same), and must not come from anything a client says.

type Matcher = (b: Uint8Array) => boolean;

const ascii = (b: Uint8Array, offset: number, text: string): boolean => {
  if (b.length < offset + text.length) return false;
  for (let i = 0; i < text.length; i++) if (b[offset + i] !== text.charCodeAt(i)) return false;
  return true;
};

const bytes = (b: Uint8Array, offset: number, expected: readonly number[]): boolean =>
  b.length >= offset + expected.length && expected.every((v, i) => b[offset + i] === v);

// "BM" alone is too weak: also require a known DIB header size at offset 14.
const DIB_HEADER_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);
const isBmp: Matcher = (b) =>
  ascii(b, 0, 'BM') && b.length >= 18 && DIB_HEADER_SIZES.has(b[14] | (b[15] << 8) | (b[16] << 16) | (b[17] << 24));

// MPEG audio frame header: 11 sync bits, then no reserved version, layer, bitrate or rate.
const isMp3Frame: Matcher = (b) =>
  b.length >= 3 &&
  b[0] === 0xff &&
  (b[1] & 0xe0) === 0xe0 &&
  ((b[1] >> 3) & 3) !== 1 &&
  ((b[1] >> 1) & 3) !== 0 &&
  b[2] >> 4 !== 15 &&
  ((b[2] >> 2) & 3) !== 3;

// Order matters: JPEG (FF D8) must be tried before the MP3 frame sync.
const SIGNATURES: ReadonlyArray<readonly [string, Matcher]> = [
  ['.png', (b) => bytes(b, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
  ['.jpg', (b) => bytes(b, 0, [0xff, 0xd8, 0xff])],
  ['.gif', (b) => ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')],
  ['.webp', (b) => ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')],
  ['.wav', (b) => ascii(b, 0, 'RIFF') && ascii(b, 8, 'WAVE')],
  ['.bmp', isBmp],
  ['.mp4', (b) => ascii(b, 4, 'ftyp')],
  ['.silk', (b) => ascii(b, 0, '#!SILK') || (b[0] === 0x02 && ascii(b, 1, '#!SILK'))],
  ['.amr', (b) => ascii(b, 0, '#!AMR')],
  ['.ogg', (b) => ascii(b, 0, 'OggS')],
  ['.mp3', (b) => ascii(b, 0, 'ID3') || isMp3Frame(b)],
];

/** '.png', '.jpg', '.gif', '.webp', '.bmp', '.mp4', '.silk', '.amr', '.mp3', '.wav', '.ogg', or '' when unknown. */
export function sniffExtension(b: Uint8Array): string {
  for (const [ext, matches] of SIGNATURES) if (matches(b)) return ext;
  return '';
}
