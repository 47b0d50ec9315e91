import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { STORE_MARK } from '../../src/store/layout';
import { MediaStore } from '../../src/store/media-store';
import { currentIdentity, identityTag } from '../../src/store/process-identity';
import { nodeFs, type StoreFs } from '../../src/store/store-fs';
import type { MediaInfo } from '../../src/store/types';
import { errnoError, filesUnder, pngLike, recordingLogger, removeDir, storeFixture } from './helpers';

const NO_SUCH_PID = 4_194_305; // above the largest pid_max Linux allows

async function publish(dir: string, count: number): Promise<MediaInfo[]> {
  const store = await MediaStore.open({ dir });
  const infos: MediaInfo[] = [];
  for (let i = 0; i < count; i++) {
    const lease = await store.putBytes(pngLike(1008));
    infos.push(lease.media);
    lease.release();
  }
  await store.close();
  return infos;
}

async function age(paths: string[], msAgo: number): Promise<void> {
  const when = new Date(Date.now() - msAgo);
  for (const path of paths) await utimes(path, when, when);
}

const metaOf = (dir: string, info: MediaInfo) => join(dir, 'meta', info.hash.slice(0, 2), `${info.hash}.json`);

describe('store/sweep start-up sweep (MediaStore.open)', () => {
  const t = storeFixture();

  it('removes temp files and lease markers of dead processes, keeps those of live ones', async () => {
    await publish(t.dir, 0);
    const self = await currentIdentity();
    const dead = identityTag({ ...self, pid: NO_SUCH_PID, start: '1' });
    const reused = identityTag({ ...self, start: `${self.start}0` }); // our pid, another start time
    const live = identityTag(self);
    const liveTemp = `${live}.${randomUUID()}.tmp`;
    for (const name of [`${dead}.${randomUUID()}.tmp`, `${reused}.${randomUUID()}.tmp`, liveTemp]) {
      await writeFile(join(t.dir, 'tmp', name), 'partial');
    }
    const markers = join(t.dir, 'leases', 'f'.repeat(64));
    await mkdir(markers, { recursive: true });
    await writeFile(join(markers, `${dead}.0a1b2c3d`), '');
    await writeFile(join(markers, `${live}.4e5f6a7b`), '');

    t.store = await MediaStore.open({ dir: t.dir });
    expect(await t.store.swept()).to.include({ tempFiles: 2, markers: 1, skipped: 0 });
    expect(await filesUnder(t.dir, 'tmp')).to.deep.equal([join('tmp', liveTemp)]);
    expect(await filesUnder(t.dir, 'leases')).to.deep.equal([join('leases', 'f'.repeat(64), `${live}.4e5f6a7b`)]);
  });

  it('drops entries whose file has the wrong size or is missing, and files without a valid meta', async () => {
    const [truncated, missing, metaless, bad, good] = await publish(t.dir, 5);
    await truncate(truncated.path, 10);
    await removeDir(missing.path);
    await removeDir(metaOf(t.dir, metaless));
    await writeFile(metaOf(t.dir, bad), '{"hash":');

    t.store = await MediaStore.open({ dir: t.dir });
    expect(await t.store.swept()).to.include({ dropped: 4, kept: 1 });
    expect(await filesUnder(t.dir, 'content')).to.deep.equal([good.path.slice(t.dir.length + 1)]);
    expect(await filesUnder(t.dir, 'meta')).to.have.length(1);
    // The kept content is adopted by its next put, not written again.
    const lease = await t.store.putBytes(await readFile(good.path));
    expect(t.store.stats().writes).to.equal(0);
    lease.release();
  });

  it('trims unheld entries beyond the bounds (oldest first) or idle too long, but never one a live process holds', async () => {
    const infos = await publish(t.dir, 5);
    // Ages: 0 is the oldest; 4 is idle for longer than idleMs.
    for (const [n, info] of infos.entries()) await age([info.path, metaOf(t.dir, info)], n === 4 ? 7_200_000 : (5 - n) * 1000);
    const self = await currentIdentity();
    const heldDir = join(t.dir, 'leases', infos[0].hash);
    await mkdir(heldDir, { recursive: true });
    await writeFile(join(heldDir, `${identityTag(self)}.0bad1dea`), ''); // another instance in this process

    t.store = await MediaStore.open({ dir: t.dir, maxEntries: 2, idleMs: 3_600_000 });
    await t.store.swept();
    const kept = (await filesUnder(t.dir, 'content')).sort();
    const expected = [infos[0], infos[2], infos[3]].map((i) => i.path.slice(t.dir.length + 1)).sort();
    expect(kept).to.deep.equal(expected); // 3 and 2 are the newest two; 0 is held; 1 over bound; 4 idle
  });

  // Issue 11 item 6: a .DS_Store directly under content/ made readdir fail with ENOTDIR, and
  // the sweep stopped before it trimmed anything, on every start.
  it('a stray file under content/, meta/ or leases/ stops nothing: the sweep still trims', async () => {
    const infos = await publish(t.dir, 4);
    for (const [n, info] of infos.entries()) await age([info.path, metaOf(t.dir, info)], (4 - n) * 1000);
    // A shard name none of the entries uses, so the file takes a place a folder could have.
    const shard = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0')).find((s) => !infos.some((i) => i.hash.startsWith(s)))!;
    for (const tree of ['content', 'meta', 'leases']) {
      await writeFile(join(t.dir, tree, '.DS_Store'), 'Finder');
      await writeFile(join(t.dir, tree, shard), 'a file named like a shard');
    }
    await writeFile(join(t.dir, 'leases', 'c'.repeat(64)), 'a file named like a marker folder');

    t.store = await MediaStore.open({ dir: t.dir, maxEntries: 2 });
    expect(await t.store.swept()).to.include({ trimmed: 2, kept: 2 });
    const kept = (await filesUnder(t.dir, 'content')).filter((f) => f.endsWith('.png')).sort();
    expect(kept).to.deep.equal([infos[2], infos[3]].map((i) => i.path.slice(t.dir.length + 1)).sort());
    for (const tree of ['content', 'meta', 'leases']) expect(existsSync(join(t.dir, tree, '.DS_Store')), tree).to.equal(true);
  });

  it('one entry that cannot be removed is skipped and logged; the others are still trimmed', async () => {
    const infos = await publish(t.dir, 5);
    for (const [n, info] of infos.entries()) await age([info.path, metaOf(t.dir, info)], (5 - n) * 1000);
    const stuck = infos[3].path; // the first the sweep trims (newest first): before, the rest stayed
    const fs: StoreFs = {
      ...nodeFs,
      unlink: async (path) => {
        if (path === stuck) throw errnoError('EACCES');
        return nodeFs.unlink(path);
      },
    };
    const logger = recordingLogger();
    t.store = await MediaStore.open({ dir: t.dir, fs, logger, maxEntries: 1 });
    expect(await t.store.swept()).to.include({ trimmed: 3, kept: 1, skipped: 1 });
    const kept = (await filesUnder(t.dir, 'content')).sort();
    expect(kept).to.deep.equal([infos[3], infos[4]].map((i) => i.path.slice(t.dir.length + 1)).sort());
    expect(logger.warnings.join('\n')).to.contain('EACCES');
  });
});

// Issue 11 item 5: with cacheDir set to a home folder, the sweep deleted ~/tmp/*.
describe('store/sweep owns only what the store made', () => {
  const t = storeFixture();

  it('refuses a non-empty folder it did not make, and changes nothing in it', async () => {
    await mkdir(join(t.dir, 'tmp'));
    await writeFile(join(t.dir, 'tmp', 'draft.txt'), 'mine');
    await writeFile(join(t.dir, 'notes.txt'), 'mine too');
    const error = await MediaStore.open({ dir: t.dir }).catch((e: unknown) => e);
    expect(error).to.include({ code: 'FOREIGN_DIR', fallback: true });
    expect(String((error as Error).message)).to.match(/^缓存目录不是空目录.* \/ the cache folder is not empty/);
    expect((await readdir(t.dir)).sort()).to.deep.equal(['notes.txt', 'tmp']);
    expect(await readdir(join(t.dir, 'tmp'))).to.deep.equal(['draft.txt']);
  });

  it('claims a new or empty folder (the mark goes down) and a store made before the mark existed', async () => {
    const fresh = join(t.dir, 'fresh');
    (await MediaStore.open({ dir: fresh })).close();
    expect(existsSync(join(fresh, STORE_MARK))).to.equal(true);

    const earlier = join(t.dir, 'earlier');
    for (const name of ['content', 'meta', 'tmp', 'leases', 'locks']) await mkdir(join(earlier, name), { recursive: true });
    const store = await MediaStore.open({ dir: earlier });
    await store.close();
    expect(existsSync(join(earlier, STORE_MARK))).to.equal(true);
  });

  it('claims a folder its caller owns (the plugin’s default) even with other files in it, and still deletes none of them', async () => {
    await writeFile(join(t.dir, 'notes.txt'), 'left by hand');
    await mkdir(join(t.dir, 'tmp'));
    await writeFile(join(t.dir, 'tmp', 'draft.txt'), 'mine');
    t.store = await MediaStore.open({ dir: t.dir, ownsDir: true });
    await t.store.swept();
    expect(existsSync(join(t.dir, STORE_MARK))).to.equal(true);
    expect(await readFile(join(t.dir, 'tmp', 'draft.txt'), 'utf8')).to.equal('mine');
    expect(existsSync(join(t.dir, 'notes.txt'))).to.equal(true);
  });

  it('in its own folder, deletes only names of its own shapes', async () => {
    await publish(t.dir, 1);
    const self = await currentIdentity();
    const dead = identityTag({ ...self, pid: NO_SUCH_PID, start: '1' });
    const foreign = [
      join('tmp', 'garbage.tmp'),
      join('tmp', `${dead}.notes.tmp`),
      join('leases', 'd'.repeat(64), `${dead}.readme`),
      join('leases', 'my-folder', `${dead}.0a1b2c3d`),
      join('content', 'ab', `${'a'.repeat(64)}.png.bak`),
      join('meta', 'ab', `${'a'.repeat(64)}.json~`),
      'photo.jpg',
    ];
    for (const file of foreign) {
      await mkdir(join(t.dir, file, '..'), { recursive: true });
      await writeFile(join(t.dir, file), 'not the store’s');
    }
    t.store = await MediaStore.open({ dir: t.dir, maxEntries: 1, idleMs: 1 });
    await t.store.swept();
    for (const file of foreign) expect(existsSync(join(t.dir, file)), file).to.equal(true);
  });
});

// Issue 11 item 14: open() (and so plugin_init) waited for the whole sweep: 6 s with 20k
// entries on disk, 21 s when trimming them. It now runs in the background.
describe('store/sweep runs in the background', () => {
  let release = () => {};
  afterEach(() => release()); // before the fixture's: never leave a store's close waiting on the gate
  const t = storeFixture();

  /** nodeFs whose listing of content/ waits until `release()`. */
  function heldAtContent(dir: string) {
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reach!: () => void;
    const reached = new Promise<void>((resolve) => (reach = resolve));
    const fs: StoreFs = {
      ...nodeFs,
      readdir: async (path) => {
        if (path === join(dir, 'content')) {
          reach();
          await gate;
        }
        return nodeFs.readdir(path);
      },
    };
    return { fs, release, reached };
  }

  it('open resolves while the sweep is still listing; puts are served meanwhile and the sweep never removes what they hold', async () => {
    const infos = await publish(t.dir, 3);
    for (const [n, info] of infos.entries()) await age([info.path, metaOf(t.dir, info)], (3 - n) * 1000);
    const held = heldAtContent(t.dir);
    const opening = MediaStore.open({ dir: t.dir, fs: held.fs, maxEntries: 1 });
    const first = await Promise.race([opening, new Promise<'waited'>((r) => setTimeout(() => r('waited'), 3000))]);
    expect(first, 'open waited for the sweep').to.not.equal('waited');
    t.store = first as MediaStore;
    await held.reached;
    // The oldest entry, which the sweep would trim: put again (adopted) while the sweep waits.
    const lease = await t.store.putBytes(await readFile(infos[0].path));
    expect(t.store.stats()).to.include({ writes: 0, hashedHits: 1 });
    held.release();
    const report = await t.store.swept();
    expect(report).to.include({ trimmed: 1, kept: 2 }); // infos[1] trimmed; infos[0] held, infos[2] newest
    expect(existsSync(infos[0].path), 'the leased entry').to.equal(true);
    expect(existsSync(infos[1].path)).to.equal(false);
    lease.release();
  });

  it('close stops a sweep that is still running and waits for it', async () => {
    await publish(t.dir, 3);
    const held = heldAtContent(t.dir);
    t.store = await MediaStore.open({ dir: t.dir, fs: held.fs, maxEntries: 1 });
    await held.reached;
    const closing = t.store.close();
    held.release();
    await closing;
    const report = await t.store.swept();
    expect(report, 'stopped before it trimmed').to.include({ trimmed: 0 });
    expect(await filesUnder(t.dir, 'content')).to.have.length(3);
  });
});
