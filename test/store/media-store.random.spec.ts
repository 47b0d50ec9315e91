import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { MediaStore } from '../../src/store/media-store';
import { nodeFs, type StoreFs } from '../../src/store/store-fs';
import type { Lease } from '../../src/store/types';
import { filesUnder, seededRandom, storeFixture } from './helpers';

const STEPS = 12_000;
const BOUNDS = { maxEntries: 6, maxTotalBytes: 9000 };

describe('store/media-store MediaStore under a seeded random interleaving', () => {
  const t = storeFixture();

  for (const seed of [1, 20260527]) {
    it(`seed ${seed}: ${STEPS} steps of put/acquire/release/evict never delete a leased file and end within bounds`, async () => {
      const random = seededRandom(seed);
      const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
      const contents = Array.from({ length: 24 }, () => randomBytes(500 + Math.floor(random() * 2500)));
      const hashes = contents.map((b) => createHash('sha256').update(b).digest('hex'));

      // Every unlink the store makes is checked against the leases the test holds at that moment.
      const held = new Map<string, number>();
      const violations: string[] = [];
      const fs: StoreFs = {
        ...nodeFs,
        unlink: async (path) => {
          if ((held.get(path) ?? 0) > 0) violations.push(path);
          return nodeFs.unlink(path);
        },
      };
      t.store = await MediaStore.open({ dir: t.dir, fs, ...BOUNDS, idleMs: 0, memoryBudgetBytes: 20_000 });
      const s = t.store;

      const leases: Lease[] = [];
      const take = (lease: Lease) => {
        leases.push(lease);
        held.set(lease.media.path, (held.get(lease.media.path) ?? 0) + 1);
      };
      const drop = (index: number) => {
        const [lease] = leases.splice(index, 1);
        held.set(lease.media.path, held.get(lease.media.path)! - 1);
        lease.release();
        if (random() < 0.1) lease.release(); // idempotent: must not drop anyone else's hold
      };
      let pending: Array<Promise<void>> = [];
      const flush = async () => {
        await Promise.all(pending);
        pending = [];
        await s.settle();
        const missing = [...new Set(leases.map((l) => l.media.path))].filter((path) => !existsSync(path));
        expect(missing, 'leased files missing').to.deep.equal([]);
      };

      for (let step = 0; step < STEPS; step++) {
        const r = random();
        const i = Math.floor(random() * contents.length);
        if (r < 0.35) {
          const put = random() < 0.5 ? s.putBytes(contents[i]) : s.putBase64(contents[i].toString('base64'));
          pending.push(put.then(take));
        } else if (r < 0.55) {
          const lease = s.acquire(hashes[i]);
          if (lease) take(lease);
        } else if (r < 0.85) {
          if (leases.length > 0) drop(Math.floor(random() * leases.length));
        } else if (r < 0.95) {
          s.evict(pick(hashes));
        } else {
          await flush();
        }
        if (step % 250 === 0) await flush();
      }
      await flush();
      while (leases.length > 0) drop(leases.length - 1);
      await s.settle();

      expect(violations, 'leased files unlinked').to.deep.equal([]);
      const stats = s.stats();
      expect(stats.leases).to.equal(0);
      expect(stats.entries).to.be.at.most(BOUNDS.maxEntries);
      expect(stats.bytes).to.be.at.most(BOUNDS.maxTotalBytes);
      expect(stats.evictions).to.be.greaterThan(100);
      const files = await filesUnder(t.dir, 'content');
      expect(files).to.have.length(stats.entries);
      for (const file of files) {
        const bytes = await readFile(`${t.dir}/${file}`);
        expect(contents.some((c) => c.equals(bytes)), file).to.equal(true);
      }
      expect(await filesUnder(t.dir, 'tmp')).to.deep.equal([]);
    });
  }
});
