import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { StoreError } from '../../src/store/errors';
import { MediaStore } from '../../src/store/media-store';
import { type StoreFs, nodeFs } from '../../src/store/store-fs';
import { errnoError, filesUnder, PNG_1x1, storeFixture } from './helpers';

type Step = 'open' | 'write' | 'rename' | 'meta' | 'marker';

/** node:fs/promises with one armed fault: the given errno at the given step of a put. */
function faultyFs(): { fs: StoreFs; arm(step: Step, code: string): void; disarm(): void } {
  let fault: { step: Step; code: string } | undefined;
  const failAt = (step: Step) => {
    if (fault?.step === step) throw errnoError(fault.code);
  };
  const fs: StoreFs = {
    ...nodeFs,
    open: async (path, flags) => {
      failAt('open');
      const handle = await nodeFs.open(path, flags);
      return {
        write: async (buffer, offset, length) => {
          if (fault?.step === 'write') {
            await handle.write(buffer, offset, Math.min(length, 4096)); // a partial file, then the disk is full
            failAt('write');
          }
          return handle.write(buffer, offset, length);
        },
        close: () => handle.close(),
      };
    },
    rename: async (from, to) => {
      failAt('rename');
      return nodeFs.rename(from, to);
    },
    createFile: async (path, data) => {
      // A full disk still lets a file be created, then refuses its bytes (an empty marker gets through).
      const step: Step = /[\\/]leases[\\/]/.test(path) ? 'marker' : 'meta';
      if (fault?.step === step && (step === 'meta' || fault.code !== 'ENOSPC')) {
        if (fault.code === 'ENOSPC') await nodeFs.createFile(path, '');
        failAt(step);
      }
      return nodeFs.createFile(path, data);
    },
  };
  return { fs, arm: (step, code) => void (fault = { step, code }), disarm: () => void (fault = undefined) };
}

describe('store/media-store MediaStore under I/O faults', () => {
  const t = storeFixture();

  const cases: Array<[Step, string]> = [
    ['write', 'ENOSPC'],
    ['open', 'EACCES'],
    ['open', 'EMFILE'],
    ['rename', 'EROFS'],
    ['meta', 'ENOSPC'],
  ];
  for (const [step, code] of cases) {
    it(`${code} at ${step}: rejects with a fallback IO error, leaves nothing behind, and a later put succeeds`, async () => {
      const faults = faultyFs();
      t.store = await MediaStore.open({ dir: t.dir, fs: faults.fs });
      const bytes = Buffer.concat([PNG_1x1.subarray(0, 8), randomBytes(100_000)]);
      faults.arm(step, code);
      const err = await t.store.putBytes(bytes).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(StoreError);
      const storeErr = err as StoreError;
      expect(storeErr).to.include({ code: 'IO', fallback: true, errno: code });
      expect(storeErr.message).to.contain(code);
      expect((storeErr.cause as NodeJS.ErrnoException).code).to.equal(code);
      // Nothing of the put remains: no temp file, no content, no meta, no lease marker.
      for (const tree of ['tmp', 'content', 'meta', 'leases']) expect(await filesUnder(t.dir, tree), tree).to.deep.equal([]);
      expect(t.store.stats()).to.include({ entries: 0, leases: 0, writes: 0 });

      faults.disarm();
      const lease = await t.store.putBytes(bytes);
      expect((await readFile(lease.media.path)).equals(bytes)).to.equal(true);
      expect(await filesUnder(t.dir, 'content')).to.have.length(1);
      lease.release();
    });
  }

  it('EACCES on the lease marker: no entry and nothing published; the next put writes it', async () => {
    const faults = faultyFs();
    t.store = await MediaStore.open({ dir: t.dir, fs: faults.fs });
    const bytes = Buffer.concat([PNG_1x1.subarray(0, 8), randomBytes(10_000)]);
    faults.arm('marker', 'EACCES');
    const code = await t.store.putBytes(bytes).then(
      () => 'ok',
      (e: StoreError) => `${e.code}/${e.errno}/${e.fallback}`,
    );
    expect(code).to.equal('IO/EACCES/true');
    expect(t.store.stats()).to.include({ entries: 0, leases: 0, writes: 0 });
    for (const tree of ['tmp', 'content', 'meta', 'leases']) expect(await filesUnder(t.dir, tree), tree).to.deep.equal([]);
    faults.disarm();
    const lease = await t.store.putBytes(bytes);
    expect(t.store.stats()).to.include({ entries: 1, writes: 1 });
    expect((await readFile(lease.media.path)).equals(bytes)).to.equal(true);
    lease.release();
  });
});
