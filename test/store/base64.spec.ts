import { expect } from 'chai';
import { decodeBase64 } from '../../src/store/base64';
import { StoreError } from '../../src/store/errors';
import { seededRandom } from '../host/random';

const MAX = 1024 * 1024;

/** The outcome NapCat's own decode gives: the bytes, or 'EMPTY' when there is nothing to send. */
function napcat(input: string): Buffer | 'EMPTY' {
  const bytes = Buffer.from(input, 'base64');
  return bytes.length === 0 ? 'EMPTY' : bytes;
}

function ours(input: string, max = MAX): Buffer | string {
  try {
    return decodeBase64(input, max);
  } catch (err) {
    expect(err).to.be.instanceOf(StoreError);
    return (err as StoreError).code;
  }
}

// Pieces a client (or a bug in one) puts into base64 text, weighted towards the edge cases:
// both alphabets, '=' anywhere, whitespace, punctuation Node skips, Latin-1 and wider UTF-16
// units (some whose low byte is a base64 letter or '='), lone surrogates and emoji.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const PIECES: ReadonlyArray<(r: () => number) => string> = [
  (r) => ALPHABET[Math.floor(r() * 64)],
  (r) => ALPHABET[Math.floor(r() * 64)],
  (r) => ALPHABET[Math.floor(r() * 64)],
  (r) => ALPHABET[Math.floor(r() * 64)],
  (r) => '-_'[Math.floor(r() * 2)],
  () => '=',
  (r) => ' \t\r\n\f\v'[Math.floor(r() * 6)],
  (r) => '@*.,:;!#$%&()[]{}<>?~`"\'\\|^\0'[Math.floor(r() * 27)],
  (r) => String.fromCharCode(0x80 + Math.floor(r() * 0x80)),
  (r) => String.fromCharCode(0x100 * (1 + Math.floor(r() * 0xfe)) + ALPHABET.charCodeAt(Math.floor(r() * 64))),
  (r) => String.fromCharCode(0x100 * (1 + Math.floor(r() * 0xfe)) + 0x3d),
  (r) => String.fromCharCode(Math.floor(r() * 0x10000)),
  (r) => String.fromCharCode(0xd800 + Math.floor(r() * 0x800)),
  () => '😀',
];

function fuzzed(r: () => number): string {
  const length = r() < 0.9 ? Math.floor(r() * 40) : Math.floor(r() * 3000);
  const cleanRun = r() < 0.5; // mostly valid text with a few odd characters in it
  let text = '';
  for (let i = 0; i < length; i++) text += (cleanRun && r() < 0.95 ? PIECES[0] : PIECES[Math.floor(r() * PIECES.length)])(r);
  return text;
}

describe('store/base64 decodeBase64: exactly what Buffer.from(text, "base64") gives', () => {
  it('property: 30,000 fuzzed inputs decode to NapCat’s bytes, byte for byte; only input that decodes to nothing is refused', () => {
    const r = seededRandom(20260611);
    let refused = 0;
    let odd = 0;
    for (let i = 0; i < 30_000; i++) {
      const input = fuzzed(r);
      const expected = napcat(input);
      const got = ours(input);
      if (expected === 'EMPTY') {
        expect(got, JSON.stringify(input)).to.equal('EMPTY');
        refused++;
        continue;
      }
      expect(Buffer.isBuffer(got) && got.equals(expected), JSON.stringify(input)).to.equal(true);
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(input)) odd++;
    }
    // The generator reached both sides and plenty of text a strict check would have refused.
    expect(refused).to.be.greaterThan(1_000);
    expect(odd).to.be.greaterThan(10_000);
  });

  it('accepts what NapCat sends fine and a strict check refused: a leading "@", non-Latin-1 units, length ≡ 1 (mod 4), "=" inside', () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');
    for (const input of [`@${png}`, `${png.slice(0, 8)}\u0141${png.slice(8)}`, `${png}Q`, `${png.slice(0, 4)}=${png.slice(4)}`, `${png}\n`, png.replace(/\+/g, '-')]) {
      const got = ours(input);
      expect(Buffer.isBuffer(got), JSON.stringify(input)).to.equal(true);
      expect((got as Buffer).equals(Buffer.from(input, 'base64')), JSON.stringify(input)).to.equal(true);
    }
  });

  it('refuses input that decodes to nothing with EMPTY, saying so, as a client error', () => {
    for (const input of ['', '  \n', '@@@', 'Q', '====', '=QUJD']) {
      let error: unknown;
      try {
        decodeBase64(input, MAX);
      } catch (err) {
        error = err;
      }
      expect(error, JSON.stringify(input)).to.be.instanceOf(StoreError);
      expect((error as StoreError).code).to.equal('EMPTY');
      expect((error as StoreError).fallback).to.equal(false);
      expect((error as StoreError).message).to.match(/^base64 解码后为空.* \/ base64 decodes to nothing/);
    }
  });

  it('refuses more than maxBytes decoded bytes with TOO_LARGE, counting what Node decodes, not the text length', () => {
    const big = Buffer.alloc(3000, 7).toString('base64');
    expect(ours(big, 2999)).to.equal('TOO_LARGE');
    expect((ours(big, 3000) as Buffer).length).to.equal(3000);
    // Whitespace and skipped characters make the text longer than its bytes: they do not count.
    expect((ours(big.replace(/(.{76})/g, '$1\r\n@'), 3000) as Buffer).length).to.equal(3000);
  });
});
