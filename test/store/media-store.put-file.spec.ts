import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { digestFile } from '../../src/store/file-digest';
import { MediaStore } from '../../src/store/media-store';
import { nodeFs } from '../../src/store/store-fs';
import { countingFs, filesUnder, pngLike, storeFixture } from './helpers';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');


describe('store/media-store putFile', () => {
  const t = storeFixture();
  let outside: string;

  beforeEach(async () => {
    outside = join(t.dir, 'downloads');
    await mkdir(outside);
  });

  async function downloaded(bytes: Uint8Array, name = randomBytes(4).toString('hex')): Promise<string> {
    const file = join(outside, name);
    await writeFile(file, bytes);
    return file;
  }

  it('consume, new content: the file is renamed into the store (same inode, no bytes written) and the source is gone', async () => {
    const { fs, calls } = countingFs();
    t.store = await MediaStore.open({ dir: join(t.dir, 'store'), fs });
    const bytes = pngLike(300_000);
    const source = await downloaded(bytes);
    const inode = (await stat(source)).ino;
    const lease = await t.store.putFile(source, { consume: true });
    expect(existsSync(source)).to.equal(false);
    expect((await stat(lease.media.path)).ino).to.equal(inode);
    expect(lease.media).to.include({ md5: md5(bytes), size: bytes.length, ext: '.png' });
    expect((await readFile(lease.media.path)).equals(bytes)).to.equal(true);
    expect(calls.open ?? 0).to.equal(0); // no temp file opened for writing
    expect(calls.copyFile ?? 0).to.equal(0);
    expect(t.store.stats()).to.include({ writes: 0, filesMoved: 1, misses: 1 });
    expect(await filesUnder(join(t.dir, 'store'), 'content')).to.have.length(1);
    expect(await filesUnder(join(t.dir, 'store'), 'tmp')).to.have.length(0);
    lease.release();
  });

  it('consume, content already stored: the source is removed and nothing is written', async () => {
    t.store = await MediaStore.open({ dir: join(t.dir, 'store') });
    const bytes = pngLike(50_000);
    const first = await t.store.putBytes(bytes);
    const source = await downloaded(bytes);
    const lease = await t.store.putFile(source, { consume: true });
    expect(existsSync(source)).to.equal(false);
    expect(lease.media).to.deep.equal(first.media);
    expect(t.store.stats()).to.include({ writes: 1, filesMoved: 0, misses: 1 });
    first.release();
    lease.release();
  });

  it('20 concurrent consuming puts of one content: one file published, every source gone, every caller leased', async () => {
    t.store = await MediaStore.open({ dir: join(t.dir, 'store') });
    const bytes = pngLike(200_000);
    const sources = await Promise.all(Array.from({ length: 20 }, () => downloaded(bytes)));
    const leases = await Promise.all(sources.map((s) => t.store!.putFile(s, { consume: true })));
    for (const s of sources) expect(existsSync(s)).to.equal(false);
    expect(await filesUnder(join(t.dir, 'store'), 'content')).to.have.length(1);
    expect(await filesUnder(t.dir, 'downloads')).to.have.length(0);
    expect(t.store.stats()).to.include({ writes: 0, filesMoved: 1, leases: 20 });
    leases.forEach((l) => l.release());
  });

  it('EXDEV: the rename crossing filesystems falls back to one copy, then the source is removed', async () => {
    const { fs, calls } = countingFs((op, path) => (op === 'rename' && path.startsWith(outside) ? 'EXDEV' : undefined));
    t.store = await MediaStore.open({ dir: join(t.dir, 'store'), fs });
    const bytes = pngLike(100_000);
    const source = await downloaded(bytes);
    const lease = await t.store.putFile(source, { consume: true });
    expect(calls.copyFile).to.equal(1);
    expect(existsSync(source)).to.equal(false);
    expect((await readFile(lease.media.path)).equals(bytes)).to.equal(true);
    expect(t.store.stats()).to.include({ writes: 1, filesMoved: 0 });
    expect(await filesUnder(join(t.dir, 'store'), 'tmp')).to.have.length(0);
    lease.release();
  });

  it('without consume the source stays and the store writes its own copy', async () => {
    t.store = await MediaStore.open({ dir: join(t.dir, 'store') });
    const bytes = pngLike(10_000);
    const source = await downloaded(bytes);
    const lease = await t.store.putFile(source, { consume: false });
    expect((await readFile(source)).equals(bytes)).to.equal(true);
    expect((await stat(lease.media.path)).ino).to.not.equal((await stat(source)).ino);
    expect(t.store.stats()).to.include({ writes: 1, filesMoved: 0 });
    lease.release();
  });

  // A caller's own file (a bot's file://) may change at any moment. Hashed, then copied: the copy
  // is what gets published, so it is hashed again. (Before, the bytes the copy found were
  // published under the hash of the bytes read earlier: an entry whose file is not its hash.)
  it('without consume, a file changed between its hash and its copy is refused (CHANGED), and nothing is published', async () => {
    const before = pngLike(20_000);
    const after = pngLike(20_000);
    let changed = false;
    const fs = {
      ...nodeFs,
      copyFile: async (from: string, to: string) => {
        if (!changed && from.startsWith(outside)) {
          changed = true;
          await writeFile(from, after); // the bot rewrites its file meanwhile
        }
        return nodeFs.copyFile(from, to);
      },
    };
    t.store = await MediaStore.open({ dir: join(t.dir, 'store'), fs });
    const source = await downloaded(before);
    const error = await t.store.putFile(source, { consume: false }).then(
      (lease) => lease.media,
      (e: unknown) => e,
    );
    expect(error).to.include({ code: 'CHANGED', fallback: true });
    for (const sub of ['content', 'meta', 'tmp']) expect(await filesUnder(join(t.dir, 'store'), sub), sub).to.deep.equal([]);
    expect(t.store.stats()).to.include({ entries: 0, misses: 0, writes: 0 });
    // Sent again now, the file is stored as it now is.
    const lease = await t.store.putFile(source, { consume: false });
    expect((await readFile(lease.media.path)).equals(after)).to.equal(true);
    lease.release();
  });

  it('without consume, with the caller’s digest: a stale one is refused as CHANGED; one of content already stored is a hit with no read or copy', async () => {
    const { fs, calls } = countingFs();
    t.store = await MediaStore.open({ dir: join(t.dir, 'store'), fs });
    const old = pngLike(20_000);
    const source = await downloaded(old);
    const stale = await digestFile(source);
    await writeFile(source, pngLike(20_000));
    expect(await t.store.putFile(source, { consume: false, digest: stale }).catch((e: { code: string }) => e.code)).to.equal('CHANGED');

    const first = await t.store.putBytes(old);
    const copies = calls.copyFile ?? 0;
    const again = await downloaded(old);
    const lease = await t.store.putFile(again, { consume: false, digest: await digestFile(again) });
    expect(lease.media).to.deep.equal(first.media);
    expect(calls.copyFile ?? 0, 'no copy').to.equal(copies);
    expect(t.store.stats()).to.include({ writes: 1, hashedHits: 1 });
    first.release();
    lease.release();
  });

  // The meta and the lease marker go down before the caller's file moves: when either fails,
  // the file has not moved. (Before, a marker failing after the move left it inside content/.)
  for (const [step, tree] of [
    ['meta', 'tmp'],
    ['lease marker', 'leases'],
  ] as const) {
    it(`consume, the ${step} write failing: the caller's file stays where it was, nothing of the put remains`, async () => {
      const store = join(t.dir, 'store');
      const { fs } = countingFs((op, path) => (op === 'createFile' && path.startsWith(join(store, tree)) ? 'EACCES' : undefined));
      t.store = await MediaStore.open({ dir: store, fs });
      const bytes = pngLike(10_000);
      const source = await downloaded(bytes);
      const error = await t.store.putFile(source, { consume: true }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.include({ code: 'IO', errno: 'EACCES', fallback: true });
      expect((await readFile(source)).equals(bytes), 'the caller’s file, where it was').to.equal(true);
      for (const sub of ['content', 'meta', 'tmp', 'leases']) expect(await filesUnder(store, sub), sub).to.deep.equal([]);
      expect(t.store.stats()).to.include({ entries: 0, leases: 0, filesMoved: 0 });
    });
  }

  it('an empty file, a missing file and one over maxEntryBytes fail with the store codes and are left alone', async () => {
    t.store = await MediaStore.open({ dir: join(t.dir, 'store'), maxEntryBytes: 1000 });
    const empty = await downloaded(new Uint8Array(0));
    const big = await downloaded(pngLike(2000));
    const codes = await Promise.all(
      [empty, big, join(outside, 'missing')].map((f) => t.store!.putFile(f, { consume: true }).catch((e: { code: string }) => e.code)),
    );
    expect(codes).to.deep.equal(['EMPTY', 'TOO_LARGE', 'IO']);
    expect(existsSync(empty) && existsSync(big)).to.equal(true);
  });
});
