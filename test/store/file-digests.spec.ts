// FileDigests: a caller's file hashed once per (device, inode, size, mtime).
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TooLargeError } from '../../src/store/errors';
import { FileDigests } from '../../src/store/file-digests';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('store/file-digests', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'mc-digests-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads a file once however often (and however concurrently) it is asked, and again once it changed', async () => {
    const file = path.join(dir, 'a.png');
    const first = Buffer.alloc(50_000, 1);
    await writeFile(file, first);
    const digests = new FileDigests();
    const all = await Promise.all(Array.from({ length: 20 }, () => digests.of(file)));
    for (let i = 0; i < 5; i++) all.push(await digests.of(file));
    expect(digests.reads).to.equal(1);
    expect(new Set(all.map((d) => d?.hash))).to.deep.equal(new Set([sha256(first)]));
    expect(all[0]).to.include({ size: first.length, md5: createHash('md5').update(first).digest('hex') });

    // Rewritten in place with other bytes of the same size, and a later mtime: hashed again.
    const second = Buffer.alloc(50_000, 2);
    await writeFile(file, second);
    await utimes(file, new Date(), new Date(Date.now() + 5_000));
    expect((await digests.of(file))?.hash).to.equal(sha256(second));
    expect(digests.reads).to.equal(2);
  });

  it('no digest for what is not a regular file; a file over the limit is not read', async () => {
    const digests = new FileDigests();
    expect(await digests.of(path.join(dir, 'missing'))).to.equal(undefined);
    expect(await digests.of(dir)).to.equal(undefined);
    const big = path.join(dir, 'big');
    await writeFile(big, Buffer.alloc(4096));
    const error = await digests.of(big, 4095).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TooLargeError).and.include({ size: 4096, limit: 4095 });
    expect(digests.reads).to.equal(0);
  });
});
