import { expect } from 'chai';
import { decodeBase64Strict } from '../../src/store/base64';
import { StoreError } from '../../src/store/errors';

const MAX = 1024 * 1024;

function rejection(input: string, max = MAX): StoreError {
  try {
    decodeBase64Strict(input, max);
  } catch (err) {
    expect(err).to.be.instanceOf(StoreError);
    return err as StoreError;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('store/base64 decodeBase64Strict', () => {
  const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255, 62, 63]);

  it('decodes standard, url-safe, unpadded and whitespace-wrapped input to the same bytes', () => {
    const std = bytes.toString('base64');
    const url = bytes.toString('base64url');
    expect(std).to.match(/[+/]/); // the sample exercises both alphabets
    for (const input of [std, url, std.replace(/=+$/, ''), ` ${std.slice(0, 4)}\n${std.slice(4, 9)}\r\n\t${std.slice(9)}\f`]) {
      expect(decodeBase64Strict(input, MAX).equals(bytes), input).to.equal(true);
    }
  });

  it('rejects a character outside both alphabets, naming it and its offset', () => {
    const err = rejection('QUJD!RUY=');
    expect(err.code).to.equal('INVALID_BASE64');
    expect(err.fallback).to.equal(false);
    expect(err.message).to.match(/^base64 无效：第 4 个字符 "!"/);
    expect(err.message).to.contain('offset 4');
  });

  it('rejects every non-alphabet UTF-16 unit, including ones whose low byte is a base64 letter', () => {
    const valid = /[A-Za-z0-9+/\-_=\t\n\f\r ]/;
    const accepted: number[] = [];
    let rejected = 0;
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0; // 65,000 rejections: skip the stack captures
    try {
      for (let c = 0; c < 0x10000; c++) {
        if (valid.test(String.fromCharCode(c))) continue;
        // 9 characters fail the length shape and are always scanned; 8 pass it, so only the
        // decoded-length test and the one-byte test stand between them and a wrong result.
        for (const input of [`QUJD${String.fromCharCode(c)}RUZH`, `QUJD${String.fromCharCode(c)}RUZ`]) {
          try {
            decodeBase64Strict(input, MAX);
            accepted.push(c);
          } catch (err) {
            if ((err as StoreError).code === 'INVALID_BASE64') rejected++;
          }
        }
      }
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    expect(accepted).to.deep.equal([]);
    expect(rejected).to.equal(2 * (0x10000 - 72));
  });

  it('rejects wrong padding', () => {
    for (const input of ['QQ=', 'QUJD=', 'Q===', 'QQ==QUJD', '=QUJD', 'QUJ=RA==', 'QUJDR']) {
      const err = rejection(input);
      expect(err.code, input).to.equal('INVALID_BASE64');
      expect(err.message, input).to.contain(' / invalid base64: ');
    }
  });

  it('rejects input that decodes to nothing as EMPTY', () => {
    for (const input of ['', '  \n', '\t']) expect(rejection(input).code).to.equal('EMPTY');
  });

  it('rejects input over the limit as TOO_LARGE, before decoding when the length already says so', () => {
    const big = Buffer.alloc(3000).toString('base64');
    const err = rejection(big, 2999);
    expect(err.code).to.equal('TOO_LARGE');
    expect(err.message).to.contain('3000');
    expect(decodeBase64Strict(big, 3000).length).to.equal(3000);
    // Whitespace makes the raw text longer than its content: it must not count against the limit.
    expect(decodeBase64Strict(big.replace(/(.{76})/g, '$1\r\n'), 3000).length).to.equal(3000);
  });
});
