import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { MediaStore } from '../../src/store/media-store';
import { countingFs, filesUnder, PNG_1x1, pngLike, storeFixture } from './helpers';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');


describe('store/media-store MediaStore', () => {
  const t = storeFixture();

  it('1,000 concurrent puts of one 1 MB content write exactly one file and give every caller the same result', async () => {
    t.store = await MediaStore.open({ dir: t.dir });
    const bytes = pngLike(1024 * 1024);
    const leases = await Promise.all(Array.from({ length: 1000 }, () => t.store!.putBytes(bytes)));
    const first = leases[0].media;
    for (const lease of leases) expect(lease.media).to.deep.equal(first);
    expect(first.md5).to.equal(md5(bytes));
    expect(first.ext).to.equal('.png');
    expect(first.size).to.equal(bytes.length);
    expect((await readFile(first.path)).equals(bytes)).to.equal(true);
    expect(await filesUnder(t.dir, 'content')).to.have.length(1);
    expect(await filesUnder(t.dir, 'tmp')).to.have.length(0);
    const stats = t.store.stats();
    expect(stats).to.include({ writes: 1, misses: 1, coalesced: 999, leases: 1000, entries: 1 });
    leases.forEach((l) => l.release());
    expect(t.store.stats().leases).to.equal(0);
  });

  it('200 concurrent puts of 50 distinct contents write exactly 50 byte-identical files', async () => {
    t.store = await MediaStore.open({ dir: t.dir });
    const contents = Array.from({ length: 50 }, (_, i) => pngLike(1000 + i * 997));
    const order = [...contents, ...contents, ...contents, ...contents].sort(() => Math.random() - 0.5);
    const leases = await Promise.all(order.map((b, i) => (i % 2 ? t.store!.putBytes(b) : t.store!.putBase64(b.toString('base64')))));
    const files = await filesUnder(t.dir, 'content');
    expect(files).to.have.length(50);
    for (const [i, lease] of leases.entries()) {
      expect((await readFile(lease.media.path)).equals(order[i])).to.equal(true);
    }
    expect(t.store.stats()).to.include({ writes: 50, entries: 50 });
    leases.forEach((l) => l.release());
  });

  it('answers repeated base64 text from the fast path with one stat of the file and nothing else', async () => {
    const { fs, calls, total } = countingFs();
    t.store = await MediaStore.open({ dir: t.dir, fs });
    await t.store.swept();
    const text = pngLike(300_000).toString('base64');
    const first = await t.store.putBase64(text);
    const callsAfterMiss = total();
    // A fresh copy of the same text, as JSON.parse of the next request would give.
    const again = await t.store.putBase64(JSON.parse(JSON.stringify(text)) as string);
    expect(total()).to.equal(callsAfterMiss + 1);
    expect(calls.statNow).to.equal(1);
    expect(again.media).to.deep.equal(first.media);
    expect(t.store.stats()).to.include({ fastPathHits: 1, hashedHits: 0, writes: 1 });
    // The same bytes in the url-safe alphabet: not the same text, so hashed, but still no write.
    const url = await t.store.putBase64(Buffer.from(text, 'base64').toString('base64url'));
    expect(url.media.path).to.equal(first.media.path);
    expect(t.store.stats()).to.include({ fastPathHits: 1, hashedHits: 1, writes: 1 });
    for (const l of [first, again, url]) l.release();
  });

  it('hitBase64 answers repeated text synchronously with one stat, and otherwise leaves the put to putBase64', async () => {
    const { fs, calls, total } = countingFs();
    t.store = await MediaStore.open({ dir: t.dir, fs });
    await t.store.swept();
    const text = pngLike(300_000).toString('base64');
    expect(t.store.hitBase64(text), 'never stored').to.equal(undefined);
    const first = await t.store.putBase64(text);
    const before = total();
    const hit = t.store.hitBase64(JSON.parse(JSON.stringify(text)) as string);
    expect(hit?.media).to.deep.equal(first.media);
    expect(total() - before, 'one stat, nothing else').to.equal(1);
    expect(calls.statNow).to.equal(1);
    expect(t.store.stats()).to.include({ fastPathHits: 1, writes: 1, leases: 2 });
    // Removed from outside: no lease on a missing file; the put that follows publishes it again.
    await rm(first.media.path);
    expect(t.store.hitBase64(text)).to.equal(undefined);
    const again = await t.store.putBase64(text);
    expect((await readFile(again.media.path)).equals(Buffer.from(text, 'base64'))).to.equal(true);
    for (const l of [first, hit!, again]) l.release();
  });

  it('coalesces a burst of one base64 text into one decode and one write', async () => {
    t.store = await MediaStore.open({ dir: t.dir });
    const text = pngLike(200_000).toString('base64');
    const copies = Array.from({ length: 50 }, () => JSON.parse(JSON.stringify(text)) as string);
    const leases = await Promise.all(copies.map((copy) => t.store!.putBase64(copy)));
    expect(new Set(leases.map((l) => l.media.path)).size).to.equal(1);
    expect(t.store.stats()).to.include({ writes: 1, coalesced: 49, hashedHits: 0 });
    leases.forEach((l) => l.release());
  });

  it('keeps the fast path within its byte budget', async () => {
    t.store = await MediaStore.open({ dir: t.dir, memoryBudgetBytes: 1000 });
    const text = pngLike(3000).toString('base64'); // 4000 characters: over the budget
    (await t.store.putBase64(text)).release();
    (await t.store.putBase64(text)).release();
    expect(t.store.stats()).to.include({ fastPathHits: 0, hashedHits: 1, writes: 1 });
  });

  it('never deletes a leased file: an evicted entry goes only when its last lease is released', async () => {
    t.store = await MediaStore.open({ dir: t.dir, maxEntries: 2 });
    const a = await t.store.putBytes(pngLike(1000));
    const a2 = t.store.acquire(a.media.hash)!;
    for (let i = 0; i < 3; i++) (await t.store.putBytes(pngLike(1000))).release();
    await t.store.settle();
    expect(t.store.stats().evictions).to.be.greaterThan(0);
    expect(existsSync(a.media.path)).to.equal(true);
    a.release();
    a.release(); // idempotent: must not drop a2's hold
    await t.store.settle();
    expect(existsSync(a.media.path)).to.equal(true);
    a2.release();
    await t.store.settle();
    expect(existsSync(a.media.path)).to.equal(false);
    expect(await filesUnder(t.dir, 'content')).to.have.length(2);
    expect(t.store.acquire(a.media.hash)).to.equal(undefined);
  });

  it('evicts by total bytes and by idle time, and deletes the files', async () => {
    t.store = await MediaStore.open({ dir: t.dir, maxTotalBytes: 2500, idleMs: 150 });
    for (let i = 0; i < 4; i++) (await t.store.putBytes(pngLike(1000))).release();
    await t.store.settle();
    expect(t.store.stats()).to.include({ entries: 2, bytes: 2000 });
    expect(await filesUnder(t.dir, 'content')).to.have.length(2);
    await new Promise((r) => setTimeout(r, 500));
    await t.store.settle();
    expect(t.store.stats()).to.include({ entries: 0, evictions: 4, deletions: 4 });
    expect(await filesUnder(t.dir, 'content')).to.have.length(0);
  });

  it('a put of an evicted but still leased content brings it back without writing', async () => {
    t.store = await MediaStore.open({ dir: t.dir });
    const bytes = pngLike(5000);
    const held = await t.store.putBytes(bytes);
    expect(t.store.evict(held.media.hash)).to.equal(true);
    const again = await t.store.putBytes(bytes);
    held.release();
    await t.store.settle();
    expect(existsSync(again.media.path)).to.equal(true);
    expect(t.store.stats()).to.include({ writes: 1, entries: 1 });
    again.release();
  });

  it('rejects client errors without touching the disk, and rejects after close', async () => {
    const { fs, total } = countingFs();
    t.store = await MediaStore.open({ dir: t.dir, fs, maxEntryBytes: 100 });
    await t.store.swept();
    const before = total();
    const codes = [];
    for (const attempt of [() => t.store!.putBase64('@*='), () => t.store!.putBase64(''), () => t.store!.putBytes(new Uint8Array(101))]) {
      codes.push(await attempt().then(() => 'ok', (e: { code: string; fallback: boolean }) => `${e.code}:${e.fallback}`));
    }
    expect(codes).to.deep.equal(['EMPTY:false', 'EMPTY:false', 'TOO_LARGE:true']);
    expect(total()).to.equal(before);
    await t.store.close();
    const closed = await t.store.putBytes(PNG_1x1).catch((e: { code: string }) => e.code);
    expect(closed).to.equal('CLOSED');
  });

  it('reopens onto the files of an earlier run: md5 comes from the meta, nothing is rewritten', async () => {
    const bytes = pngLike(4000);
    t.store = await MediaStore.open({ dir: t.dir });
    const first = (await t.store.putBytes(bytes)).media;
    await t.store.close();
    t.store = await MediaStore.open({ dir: t.dir });
    const lease = await t.store.putBytes(bytes);
    expect(lease.media).to.deep.equal(first);
    expect(t.store.stats()).to.include({ writes: 0, hashedHits: 1 });
    lease.release();
  });

  // A miss creates its temp file while it waits for the lock; these puts end without one.
  it('leaves no temp file when the content is already on disk or the lock cannot be had', async () => {
    const bytes = pngLike(200_000);
    t.store = await MediaStore.open({ dir: t.dir });
    (await t.store.putBytes(bytes)).release();
    await t.store.close();

    const probe = countingFs();
    t.store = await MediaStore.open({ dir: t.dir, fs: probe.fs, lockWaitMs: 100 });
    const opensBefore = probe.calls.open ?? 0;
    const lease = await t.store.putBytes(bytes); // published by the earlier run: adopted
    expect(t.store.stats()).to.include({ writes: 0 });
    expect(probe.calls.open ?? 0).to.equal(opensBefore + 1); // the early temp file, then dropped
    expect(await filesUnder(t.dir, 'tmp')).to.deep.equal([]);
    lease.release();

    const other = pngLike(200_000);
    const hash = createHash('sha256').update(other).digest('hex');
    await mkdir(join(t.dir, 'locks', `${hash}.lock`)); // another process holds it, and is alive
    const err = await t.store.putBytes(other).catch((e: unknown) => e);
    expect(err).to.include({ code: 'LOCK', fallback: true });
    expect(await filesUnder(t.dir, 'tmp')).to.deep.equal([]);
  });
});
