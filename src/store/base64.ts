// Strict base64 decoding. Node's decoder silently skips characters it does not know and stops
// at the first '=', so a bad input decodes to *fewer* bytes than its length implies: comparing
// the two lengths validates a clean input in O(1) after the decode; only a mismatch pays a scan
// to say exactly what was wrong.
import { StoreError, emptyError, tooLargeError } from './errors';

const PAD = 0x3d; // '='
const BEYOND_LATIN1 = /[^\x00-\xff]/;

/** Decodes standard or url-safe base64 (padding optional, ASCII whitespace ignored) or throws a StoreError. */
export function decodeBase64Strict(input: string, maxBytes: number): Buffer {
  if (impliedSize(input.length) > maxBytes) {
    // Whitespace only shrinks the result: count it before refusing a long input.
    const size = impliedSize(cleanLength(input));
    if (size > maxBytes) throw tooLargeError(size, maxBytes);
  }
  // Node 20 reads each UTF-16 unit by its low byte (U+0141 decodes as "A"), so the length test
  // is only sound when every unit fits in one byte; units 0x80-0xFF are skipped, which the
  // length test catches. V8 answers this regexp at once for a string it stores one byte per
  // character (nearly every request body), where a UTF-8 length count reads the whole text.
  const oneByte = !BEYOND_LATIN1.test(input);
  const decoded = oneByte ? Buffer.from(input, 'base64') : undefined;
  if (decoded === undefined || decoded.length !== fastImpliedSize(input)) {
    const size = scan(input); // throws on the first defect it finds
    if (decoded === undefined || decoded.length !== size) throw invalid('解码长度不符', 'decoded length mismatch');
  }
  if (decoded.length === 0) throw emptyError();
  if (decoded.length > maxBytes) throw tooLargeError(decoded.length, maxBytes);
  return decoded;
}

/** Bytes a whitespace-free input must decode to, or -1 when its padding cannot be right. */
function fastImpliedSize(input: string): number {
  const n = input.length;
  let pad = 0;
  while (pad < 3 && pad < n && input.charCodeAt(n - 1 - pad) === PAD) pad++;
  if (pad > 2 || (pad > 0 && n % 4 !== 0) || (pad === 0 && n % 4 === 1)) return -1;
  return impliedSize(n - pad);
}

function impliedSize(dataChars: number): number {
  return Math.floor((dataChars * 3) / 4);
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

function isAlphabet(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x30 && c <= 0x39) || // 0-9
    c === 0x2b || c === 0x2f || // + /
    c === 0x2d || c === 0x5f // - _
  );
}

function cleanLength(input: string): number {
  let n = 0;
  for (let i = 0; i < input.length; i++) if (!isWhitespace(input.charCodeAt(i))) n++;
  return n;
}

/** Full check; returns the decoded size or throws naming the first defect. */
function scan(input: string): number {
  let data = 0;
  let pad = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (isWhitespace(c)) continue;
    if (c === PAD) {
      pad++;
      continue;
    }
    if (!isAlphabet(c)) throw badCharacter(input, i);
    if (pad > 0) throw invalid(`"=" 只能在末尾，但第 ${i} 个字符在它之后`, `"=" may only end the input, but offset ${i} follows it`);
    data++;
  }
  const total = data + pad;
  if (pad > 2) throw invalid(`末尾有 ${pad} 个 "="，最多 2 个`, `${pad} trailing "=", at most 2`);
  if (pad > 0 && total % 4 !== 0) {
    throw invalid(`填充后长度 ${total} 不是 4 的倍数`, `padded length ${total} is not a multiple of 4`);
  }
  if (data % 4 === 1) {
    throw invalid(`有效字符数 ${data} 除以 4 余 1，不可能是完整编码`, `${data} data characters leave remainder 1 mod 4`);
  }
  return impliedSize(data);
}

function badCharacter(input: string, offset: number): StoreError {
  const ch = input[offset];
  const code = `U+${input.charCodeAt(offset).toString(16).toUpperCase().padStart(4, '0')}`;
  return new StoreError(
    'INVALID_BASE64',
    `base64 无效：第 ${offset} 个字符 ${JSON.stringify(ch)}（${code}）不属于标准或 URL 安全字母表 / ` +
      `invalid base64: character ${JSON.stringify(ch)} (${code}) at offset ${offset} is outside the standard and url-safe alphabets`,
  );
}

function invalid(zh: string, en: string): StoreError {
  return new StoreError('INVALID_BASE64', `base64 无效：${zh} / invalid base64: ${en}`);
}
