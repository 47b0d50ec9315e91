// Base64 decoded exactly as a host that calls `Buffer.from(text, 'base64')` decodes it (NapCat
// does): the same bytes for every input, whatever characters it carries. Node's decoder skips
// what it does not know and stops at the first '='; a stricter check here would refuse text the
// host sends fine, and a looser one would store bytes it never sends. The one refusal is input
// that decodes to nothing: there is no picture to send.
import { StoreError, tooLargeError } from './errors';

/** Decodes `input` as `Buffer.from(input, 'base64')` does; throws EMPTY for no bytes, TOO_LARGE over `maxBytes`. */
export function decodeBase64(input: string, maxBytes: number): Buffer {
  const decoded = Buffer.from(input, 'base64');
  if (decoded.length === 0) {
    throw new StoreError(
      'EMPTY',
      `base64 解码后为空（${input.length} 个字符，0 字节），没有可发送的内容 / base64 decodes to nothing (${input.length} characters, 0 bytes): nothing to send`,
    );
  }
  if (decoded.length > maxBytes) throw tooLargeError(decoded.length, maxBytes);
  return decoded;
}
