import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { decodeBase64 } from '../../src/store/base64';
import { tooLargeError } from '../../src/store/errors';
import { MediaStore } from '../../src/store/media-store';
import { decodeBase64InSlices, digestInSlices } from '../../src/store/slices';
import { nodeFs, type StoreFs } from '../../src/store/store-fs';
import { pngLike, seededRandom, storeFixture } from './helpers';

const SLICE = 3 * 1024; // 4096 characters of base64 per slice

/** What decodeBase64 (`Buffer.from(text, 'base64')`) gives at once, or the message it throws. */
function whole(text: string, max: number): string {
  try {
    return decodeBase64(text, max).toString('hex');
  } catch (error) {
    return `throws ${(error as Error).message}`;
  }
}

async function sliced(text: string, max: number): Promise<string> {
  try {
    return (await decodeBase64InSlices(text, max, SLICE)).toString('hex');
  } catch (error) {
    return `throws ${(error as Error).message}`;
  }
}

/** Counts turns of the event loop (setImmediate callbacks) until stopped. */
function turnCounter(): { turns: () => number; stop: () => void } {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  return { turns: () => turns, stop: () => void (running = false) };
}

describe('store/slices decoding and hashing a slice at a time', () => {
  it('decodes exactly as decodeBase64 does at once (Buffer.from), and fails with its message, for inputs across slice boundaries', async () => {
    const random = seededRandom(11);
    const cases: string[] = [];
    for (const size of [1, 3071, 3072, 3073, 6144, 6145, 20_000]) {
      const b64 = randomBytes(size).toString('base64');
      cases.push(b64, b64.replace(/=+$/, ''), randomBytes(size).toString('base64url'));
    }
    const long = randomBytes(10_000).toString('base64');
    cases.push(
      `${long.slice(0, 4096)}\n${long.slice(4096)}`, // whitespace shifts every later quantum
      `${long.slice(0, 4092)}QQ==${long.slice(4096)}`, // "=" ending a slice, data after it
      `${long.slice(0, 5000)}*${long.slice(5001)}`, // a bad character in the second slice
      `${long.slice(0, 7000)}\u0141${long.slice(7001)}`, // a unit Node would read by its low byte
      `${long}=`, // three "=" in all
    );
    for (let i = 0; i < 20; i++) cases.push(long.slice(0, 4000 + Math.floor(random() * 6000)));
    // Fuzz: clean base64 with odd characters sprinkled anywhere, so some land in early slices.
    const odd = ['=', '-', '_', ' ', '\n', '@', '*', '\u0141', '\u4e2d', '\ud83d'];
    for (let i = 0; i < 60; i++) {
      const chars = [...randomBytes(9000 + Math.floor(random() * 3000)).toString('base64')];
      const sprinkles = 1 + Math.floor(random() * 3);
      for (let k = 0; k < sprinkles; k++) chars.splice(Math.floor(random() * chars.length), 0, odd[Math.floor(random() * odd.length)]);
      cases.push(chars.join(''));
    }
    for (const text of cases) expect(await sliced(text, 1 << 20), text.slice(0, 40)).to.equal(whole(text, 1 << 20));
    expect(await sliced(long, 5000)).to.equal(whole(long, 5000)); // too large
    // Over a limit by length: counted, not kept. The same bytes, or the same TOO_LARGE (with the
    // size Buffer.from gives), on either side of the limit, odd characters or not.
    for (const text of cases) {
      const size = Buffer.from(text, 'base64').length;
      for (const max of [size - 1, size, 6000]) expect(await sliced(text, max), `${text.slice(0, 40)} max ${max}`).to.equal(whole(text, max));
    }
  });

  it('text over the limit by its length is counted a slice at a time, never decoded whole: NapCat decodes it itself', async () => {
    const text = randomBytes(40 * SLICE + 5).toString('base64');
    const from = sinon.spy(Buffer, 'from');
    const alloc = sinon.spy(Buffer, 'allocUnsafe');
    const counter = turnCounter();
    let message: string;
    try {
      message = await sliced(text, 20 * SLICE);
    } finally {
      counter.stop();
      from.restore();
      alloc.restore();
    }
    expect(message).to.equal(`throws ${tooLargeError(40 * SLICE + 5, 20 * SLICE).message}`);
    const decoded = from.getCalls().filter((call) => (call.args as unknown[])[1] === 'base64');
    expect(Math.max(0, ...decoded.map((call) => String(call.args[0]).length)), 'longest text decoded at once').to.be.at.most(4 * (SLICE / 3));
    expect(Math.max(0, ...alloc.getCalls().map((call) => Number(call.args[0]))), 'largest buffer').to.be.at.most(SLICE);
    expect(counter.turns(), 'the event loop turns between slices').to.be.at.least(20);
  });

  it('hashes exactly as one call does, at every size around the slice', async () => {
    for (const size of [1, SLICE - 1, SLICE, SLICE + 1, 5 * SLICE + 7]) {
      const bytes = randomBytes(size);
      for (const algorithm of ['sha256', 'md5'] as const) {
        expect(await digestInSlices(algorithm, bytes, SLICE)).to.equal(createHash(algorithm).update(bytes).digest('hex'));
      }
    }
  });
});

// Issue 11 item 12: decoding, sha-256 and md5 of a big put ran in one piece on the thread
// NapCat's servers share. Counted here as turns of the event loop, not as time.
describe('store/media-store a big put lets the event loop turn', () => {
  const t = storeFixture();
  const MiB = 1024 * 1024;

  /** nodeFs that notes the turn count when the temp file opens and when the meta is created. */
  function notingFs(turns: () => number, seen: Record<string, number>): StoreFs {
    const temp = join(t.dir, 'tmp');
    return {
      ...nodeFs,
      open: async (path, flags) => {
        seen.open ??= turns();
        const handle = await nodeFs.open(path, flags);
        seen.opened ??= turns();
        return handle;
      },
      createFile: async (path, data) => {
        if (path.startsWith(temp)) seen.meta ??= turns(); // the meta's temp file
        return nodeFs.createFile(path, data);
      },
    };
  }

  it('16 MiB of base64 in 1 MiB slices: turns while decoding and hashing, and while the md5 runs beside the write', async () => {
    const seen: Record<string, number> = {};
    const counter = turnCounter();
    t.store = await MediaStore.open({ dir: t.dir, fs: notingFs(counter.turns, seen), sliceBytes: MiB });
    await t.store.swept();
    const text = pngLike(16 * MiB).toString('base64');
    const start = counter.turns();
    const lease = await t.store.putBase64(text);
    counter.stop();
    console.log(`      turns: ${seen.open - start} before the temp file opened, ${seen.meta - seen.opened} between its open and the meta`);
    expect(seen.open - start, 'decode + sha-256: 16 slices each').to.be.at.least(30);
    expect(seen.meta - seen.opened, 'md5 beside the write: 16 slices').to.be.at.least(15);
    lease.release();
  });

  it('a put of one slice or less runs at once, as before', async () => {
    const seen: Record<string, number> = {};
    const counter = turnCounter();
    t.store = await MediaStore.open({ dir: t.dir, fs: notingFs(counter.turns, seen), sliceBytes: MiB });
    await t.store.swept();
    const start = counter.turns();
    const lease = await t.store.putBytes(pngLike(MiB));
    counter.stop();
    expect(seen.open - start).to.equal(0);
    lease.release();
  });
});
