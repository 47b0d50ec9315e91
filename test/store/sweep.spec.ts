import { randomBytes } from 'node:crypto';
import { mkdir, readFile, truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { MediaStore } from '../../src/store/media-store';
import { currentIdentity, identityTag } from '../../src/store/process-identity';
import type { MediaInfo } from '../../src/store/types';
import { filesUnder, PNG_1x1, removeDir, storeFixture } from './helpers';

const NO_SUCH_PID = 4_194_305; // above the largest pid_max Linux allows

async function publish(dir: string, count: number): Promise<MediaInfo[]> {
  const store = await MediaStore.open({ dir });
  const infos: MediaInfo[] = [];
  for (let i = 0; i < count; i++) {
    const lease = await store.putBytes(Buffer.concat([PNG_1x1.subarray(0, 8), randomBytes(1000)]));
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

describe('store/sweep start-up sweep (MediaStore.open)', () => {
  const t = storeFixture();

  it('removes temp files and lease markers of dead processes, keeps those of live ones', async () => {
    const self = await currentIdentity();
    const dead = identityTag({ ...self, pid: NO_SUCH_PID, start: '1' });
    const reused = identityTag({ ...self, start: `${self.start}0` }); // our pid, another start time
    const live = identityTag(self);
    await mkdir(join(t.dir, 'tmp'), { recursive: true });
    for (const name of [`${dead}.x.tmp`, `${reused}.y.tmp`, 'garbage.tmp', `${live}.z.tmp`]) {
      await writeFile(join(t.dir, 'tmp', name), 'partial');
    }
    const markers = join(t.dir, 'leases', 'f'.repeat(64));
    await mkdir(markers, { recursive: true });
    await writeFile(join(markers, `${dead}.a`), '');
    await writeFile(join(markers, `${live}.b`), '');

    t.store = await MediaStore.open({ dir: t.dir });
    expect(await filesUnder(t.dir, 'tmp')).to.deep.equal([join('tmp', `${live}.z.tmp`)]);
    expect(await filesUnder(t.dir, 'leases')).to.deep.equal([join('leases', 'f'.repeat(64), `${live}.b`)]);
  });

  it('drops entries whose file has the wrong size or is missing, and files without a valid meta', async () => {
    const [truncated, missing, metaless, bad, good] = await publish(t.dir, 5);
    await truncate(truncated.path, 10);
    await removeDir(missing.path);
    await removeDir(join(t.dir, 'meta', metaless.hash.slice(0, 2), `${metaless.hash}.json`));
    await writeFile(join(t.dir, 'meta', bad.hash.slice(0, 2), `${bad.hash}.json`), '{"hash":');

    t.store = await MediaStore.open({ dir: t.dir });
    expect(await filesUnder(t.dir, 'content')).to.deep.equal([good.path.slice(t.dir.length + 1)]);
    expect(await filesUnder(t.dir, 'meta')).to.have.length(1);
    // A dropped content is written again by its next put.
    const lease = await t.store.putBytes(await readFile(good.path));
    expect(t.store.stats().writes).to.equal(0);
    lease.release();
  });

  it('trims unheld entries beyond the bounds (oldest first) or idle too long, but never one a live process holds', async () => {
    const infos = await publish(t.dir, 5);
    const metaOf = (i: MediaInfo) => join(t.dir, 'meta', i.hash.slice(0, 2), `${i.hash}.json`);
    // Ages: 0 is the oldest; 4 is idle for longer than idleMs.
    for (const [n, info] of infos.entries()) await age([info.path, metaOf(info)], n === 4 ? 7_200_000 : (5 - n) * 1000);
    const self = await currentIdentity();
    const heldDir = join(t.dir, 'leases', infos[0].hash);
    await mkdir(heldDir, { recursive: true });
    await writeFile(join(heldDir, `${identityTag(self)}.other-instance`), '');

    t.store = await MediaStore.open({ dir: t.dir, maxEntries: 2, idleMs: 3_600_000 });
    const kept = (await filesUnder(t.dir, 'content')).sort();
    const expected = [infos[0], infos[2], infos[3]].map((i) => i.path.slice(t.dir.length + 1)).sort();
    expect(kept).to.deep.equal(expected); // 3 and 2 are the newest two; 0 is held; 1 over bound; 4 idle
  });
});
