// What people and other programs do to the cache folder while the store runs: delete or
// truncate its files, remove whole folders, leave a meta with a wrong md5, plant a link.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readlink, rm, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { STORE_MARK } from '../../src/store/layout';
import { MediaStore } from '../../src/store/media-store';
import { filesUnder, pngLike, storeFixture } from './helpers';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('store/media-store a file removed or changed from outside (issue 11 item 3)', () => {
  const t = storeFixture();

  it('the fast path notices a deleted file and publishes it again from the request’s text', async () => {
    t.store = await MediaStore.open({ dir: t.dir });
    const bytes = pngLike(50_000);
    const text = bytes.toString('base64');
    const first = await t.store.putBase64(text);
    await unlink(first.media.path);
    const again = await t.store.putBase64(JSON.parse(JSON.stringify(text)) as string);
    expect(again.media).to.deep.equal(first.media);
    expect((await readFile(again.media.path)).equals(bytes)).to.equal(true);
    expect(t.store.stats()).to.include({ vanished: 1, writes: 2, fastPathHits: 0, entries: 1 });
    // The lease from before still names the path; releasing it deletes nothing.
    first.release();
    await t.store.settle();
    expect(existsSync(again.media.path)).to.equal(true);
    again.release();
  });

  it('the hashed hit notices a truncated file and writes it again from the request’s bytes', async () => {
    t.store = await MediaStore.open({ dir: t.dir });
    const bytes = pngLike(50_000);
    const first = await t.store.putBytes(bytes);
    await truncate(first.media.path, 100);
    const again = await t.store.putBytes(bytes);
    expect((await readFile(again.media.path)).equals(bytes)).to.equal(true);
    expect(t.store.stats()).to.include({ vanished: 1, writes: 2, hashedHits: 0 });
    first.release();
    again.release();
  });

  it('putFile(consume) of content whose file was deleted moves the download in, instead of deleting it', async () => {
    t.store = await MediaStore.open({ dir: join(t.dir, 'store') });
    const bytes = pngLike(50_000);
    const first = await t.store.putBytes(bytes);
    await unlink(first.media.path);
    const download = join(t.dir, 'download');
    await writeFile(download, bytes);
    const again = await t.store.putFile(download, { consume: true });
    expect((await readFile(again.media.path)).equals(bytes)).to.equal(true);
    expect(existsSync(download), 'renamed into the store').to.equal(false);
    expect(t.store.stats()).to.include({ vanished: 1, filesMoved: 1 });
    first.release();
    again.release();
  });

  it('acquire gives no lease on content whose file is gone', async () => {
    t.store = await MediaStore.open({ dir: t.dir });
    const lease = await t.store.putBytes(pngLike(5_000));
    await unlink(lease.media.path);
    expect(t.store.acquire(lease.media.hash)).to.equal(undefined);
    expect(t.store.stats().vanished).to.equal(1);
    lease.release();
  });
});

describe('store/media-store folders removed while it runs (issue 11 item 4)', () => {
  const t = storeFixture();

  // Before: the lock retried ENOENT as if held for lockWaitMs, then failed (locks/ or the whole
  // folder gone); a missing tmp/ failed every miss until a reload.
  for (const removed of ['the whole folder', 'locks', 'tmp', 'meta', 'leases', 'content']) {
    it(`${removed} removed: the next put succeeds and the layout is back`, async () => {
      t.store = await MediaStore.open({ dir: t.dir, lockWaitMs: 3000 });
      await t.store.swept();
      (await t.store.putBytes(pngLike(10_000))).release();
      await t.store.settle();
      await rm(removed === 'the whole folder' ? t.dir : join(t.dir, removed), { recursive: true, force: true });
      const bytes = pngLike(20_000);
      const started = performance.now();
      const lease = await t.store.putBytes(bytes);
      const ms = performance.now() - started;
      console.log(`      ${removed} removed: next put took ${ms.toFixed(1)} ms (target ≤ 1000 ms)`);
      expect((await readFile(lease.media.path)).equals(bytes)).to.equal(true);
      expect(existsSync(join(t.dir, STORE_MARK)), 'marked as the store’s again').to.equal(true);
      for (const dir of ['content', 'meta', 'tmp', 'leases', 'locks']) expect(existsSync(join(t.dir, dir)), dir).to.equal(true);
      lease.release();
    });
  }

  it('quarantine with tmp/ removed still moves the corrupt file out of the content tree', async () => {
    t.store = await MediaStore.open({ dir: t.dir });
    const bytes = pngLike(10_000);
    const lease = await t.store.putBytes(bytes);
    await writeFile(lease.media.path, Buffer.alloc(bytes.length, 1));
    await rm(join(t.dir, 'tmp'), { recursive: true });
    expect(await t.store.quarantine(lease.media.hash)).to.equal(true);
    expect(existsSync(lease.media.path)).to.equal(false);
    expect(await filesUnder(t.dir, 'tmp')).to.have.length(1);
    lease.release();
  });
});

describe('store/media-store a wrong md5 on record (issue 11 item 7)', () => {
  const t = storeFixture();

  async function publishWithWrongMd5(bytes: Buffer): Promise<string> {
    const store = await MediaStore.open({ dir: t.dir });
    const lease = await store.putBytes(bytes);
    lease.release();
    await store.close();
    const meta = join(t.dir, 'meta', sha256(bytes).slice(0, 2), `${sha256(bytes)}.json`);
    const record = JSON.parse(await readFile(meta, 'utf8')) as { md5: string };
    await writeFile(meta, JSON.stringify({ ...record, md5: 'f'.repeat(32) })); // well-formed, wrong
    return meta;
  }

  it('a put adopting the file checks the md5 against its own bytes and rewrites the meta; nothing is quarantined', async () => {
    const bytes = pngLike(30_000);
    const meta = await publishWithWrongMd5(bytes);
    t.store = await MediaStore.open({ dir: t.dir });
    const lease = await t.store.putBase64(bytes.toString('base64'));
    expect(lease.media.md5).to.equal(md5(bytes));
    expect((JSON.parse(await readFile(meta, 'utf8')) as { md5: string }).md5).to.equal(md5(bytes));
    expect(t.store.stats()).to.include({ writes: 0, quarantined: 0 });
    lease.release();
  });

  it('putFile adopting it gets the right md5 too', async () => {
    const bytes = pngLike(30_000);
    await publishWithWrongMd5(bytes);
    t.store = await MediaStore.open({ dir: t.dir });
    const source = join(t.dir, 'download');
    await writeFile(source, bytes);
    const lease = await t.store.putFile(source, { consume: false });
    expect(lease.media.md5).to.equal(md5(bytes));
    lease.release();
  });

  it('quarantine checks the file by sha-256: a whole file stays, only its wrong meta is rewritten', async () => {
    const bytes = pngLike(30_000);
    t.store = await MediaStore.open({ dir: t.dir });
    const lease = await t.store.putBytes(bytes);
    const meta = join(t.dir, 'meta', lease.media.hash.slice(0, 2), `${lease.media.hash}.json`);
    await writeFile(meta, JSON.stringify({ ...lease.media, path: undefined, md5: '0'.repeat(32) }));
    expect(await t.store.quarantine(lease.media.hash)).to.equal(false);
    expect((await readFile(lease.media.path)).equals(bytes)).to.equal(true);
    expect((JSON.parse(await readFile(meta, 'utf8')) as { md5: string }).md5).to.equal(md5(bytes));
    expect(t.store.acquire(lease.media.hash), 'still in service').to.not.equal(undefined);
    expect(t.store.stats().quarantined).to.equal(0);
    lease.release();
  });
});

describe('store/media-store links planted in the folder (issue 11 item 10)', () => {
  const t = storeFixture();

  it('a meta write replaces a link under its name and never writes through it', async () => {
    t.store = await MediaStore.open({ dir: t.dir });
    const bytes = pngLike(10_000);
    const hash = sha256(bytes);
    const victim = join(t.dir, 'victim.txt');
    await writeFile(victim, 'precious');
    await mkdir(join(t.dir, 'meta', hash.slice(0, 2)), { recursive: true });
    const meta = join(t.dir, 'meta', hash.slice(0, 2), `${hash}.json`);
    await symlink(victim, meta);
    const lease = await t.store.putBytes(bytes);
    expect(await readFile(victim, 'utf8')).to.equal('precious');
    expect(await readlink(meta).catch(() => 'not a link')).to.equal('not a link');
    expect((JSON.parse(await readFile(meta, 'utf8')) as { md5: string }).md5).to.equal(md5(bytes));
    lease.release();
  });
});
