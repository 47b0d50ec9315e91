import { existsSync } from 'node:fs';
import { mkdir, rmdir, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { StoreError } from '../../src/store/errors';
import { FileLocks, retryPolicy } from '../../src/store/file-lock';
import { recordingLogger, storeFixture } from './helpers';

const noRestore = async (): Promise<void> => undefined;

describe('store/file-lock FileLocks', () => {
  const t = storeFixture();

  it('retries in small steps for about the wait time', () => {
    const policy = retryPolicy(10_000);
    expect(policy).to.include({ minTimeout: 5, maxTimeout: 40, factor: 1.2 });
    expect(policy.retries).to.be.within(240, 270);
  });

  it('serialises in-process callers of one key without ELOCKED, and keeps different keys apart', async () => {
    const locks = new FileLocks({ staleMs: 5000, waitMs: 2000, logger: recordingLogger(), restoreFolder: noRestore });
    const target = join(t.dir, 'a');
    let inside = 0;
    let maxInside = 0;
    const work = async () => {
      inside++;
      maxInside = Math.max(maxInside, inside);
      await new Promise((r) => setTimeout(r, 2));
      inside--;
    };
    await Promise.all(Array.from({ length: 20 }, () => locks.run(target, work)));
    expect(maxInside).to.equal(1);
    let together = 0;
    await Promise.all(
      ['b', 'c'].map((key) =>
        locks.run(join(t.dir, key), async () => {
          together++;
          await new Promise((r) => setTimeout(r, 20));
          expect(together).to.equal(2);
        }),
      ),
    );
  });

  it('fails with LOCK (a fallback error) when another holder keeps the lock past the wait', async () => {
    const locks = new FileLocks({ staleMs: 5000, waitMs: 150, logger: recordingLogger(), restoreFolder: noRestore });
    const target = join(t.dir, 'held');
    await mkdir(`${target}.lock`); // another process's fresh lock
    let ran = false;
    const err = await locks.run(target, async () => void (ran = true)).catch((e: unknown) => e);
    expect(ran).to.equal(false);
    expect(err).to.be.instanceOf(StoreError);
    expect(err).to.include({ code: 'LOCK', fallback: true });
  });

  it('takes over a lock abandoned by a killed holder once it is stale', async () => {
    const locks = new FileLocks({ staleMs: 2000, waitMs: 1000, logger: recordingLogger(), restoreFolder: noRestore });
    const target = join(t.dir, 'abandoned');
    await mkdir(`${target}.lock`);
    const old = new Date(Date.now() - 60_000);
    await utimes(`${target}.lock`, old, old);
    expect(await locks.run(target, async () => 'ran')).to.equal('ran');
    await locks.settle();
    await stat(`${target}.lock`).then(
      () => expect.fail('lock directory left behind'),
      (e: NodeJS.ErrnoException) => expect(e.code).to.equal('ENOENT'),
    );
  });

  it('delivers results and errors, and hands the lock on to the next holder', async () => {
    const locks = new FileLocks({ staleMs: 5000, waitMs: 2000, logger: recordingLogger(), restoreFolder: noRestore });
    const target = join(t.dir, 'handover');
    const lockDir = `${target}.lock`;
    const inside: boolean[] = [];
    const holder = (name: string) => async () => {
      inside.push(existsSync(lockDir));
      return name;
    };
    expect(await Promise.all([locks.run(target, holder('first')), locks.run(target, holder('second'))])).to.deep.equal([
      'first',
      'second',
    ]);
    expect(inside).to.deep.equal([true, true]);
    const err = await locks.run(target, async () => Promise.reject(new Error('boom'))).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(Error).with.property('message', 'boom');
    await locks.settle();
    expect(existsSync(lockDir)).to.equal(false);
  });

  it('answers before the lock directory is removed, and settle() waits for the removal', async () => {
    const locks = new FileLocks({ staleMs: 5000, waitMs: 2000, logger: recordingLogger(), restoreFolder: noRestore });
    const target = join(t.dir, 'answer-first');
    const lockDir = `${target}.lock`;
    await locks.run(target, async () => undefined); // loads the library
    await locks.settle();
    // The removal made slow on purpose, so the order is not left to the threadpool's timing.
    const library = (globalThis as Record<symbol, { unlock: (...args: unknown[]) => Promise<void> }>)[
      Symbol.for('napcat-plugin-media-cache/proper-lockfile')
    ];
    const unlock = library.unlock;
    const slow = sinon.stub(library, 'unlock').callsFake(async (...args: unknown[]) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return unlock(...args);
    });
    try {
      expect(await locks.run(target, async () => 'answered')).to.equal('answered');
      expect(existsSync(lockDir), 'still held when the answer arrives').to.equal(true);
      await locks.settle();
      expect(slow.callCount).to.equal(1);
      expect(existsSync(lockDir), 'gone once settle() resolves').to.equal(false);
    } finally {
      slow.restore();
    }
  });

  it('a compromised lock (its directory removed while held) is logged once and raises no uncaught exception', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => void uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const logger = recordingLogger();
      const locks = new FileLocks({ staleMs: 2000, waitMs: 1000, logger, restoreFolder: noRestore });
      const target = join(t.dir, 'compromised');
      const result = await locks.run(target, async () => {
        await rmdir(`${target}.lock`);
        // proper-lockfile checks the lock every `update` ms (1000 here) and finds it gone.
        for (let i = 0; i < 40 && logger.warnings.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
        return 'finished';
      });
      expect(result).to.equal('finished');
      await new Promise((r) => setTimeout(r, 1200)); // a second update tick would report again
      expect(logger.warnings).to.have.length(1);
      expect(logger.warnings[0]).to.contain('跨进程锁失效').and.contain('compromised');
      expect(uncaught).to.deep.equal([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
