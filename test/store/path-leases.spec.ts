import { expect } from 'chai';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sinon from 'sinon';
import type { Logger } from '../../src/logger';
import { PathLeases } from '../../src/store/path-leases';

const GRACE = 10_000;
const FILE = path.join(path.sep, 'nt_data', 'Pic', '2026-11', 'Ori', 'a1b2.png');

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: fake`), { code });
}

/** Records unlink calls; `plan` gives each call's outcome in turn (default success). */
function fakeUnlink(plan: Array<string | undefined> = []) {
  const calls: string[] = [];
  const unlink = async (file: string) => {
    calls.push(file);
    const code = plan.shift();
    if (code) throw errno(code);
  };
  return { calls, unlink };
}

function recordingLogger() {
  const warnings: unknown[][] = [];
  const logger: Logger = { debug() {}, info() {}, warn: (...args) => void warnings.push(args), error: (...args) => void warnings.push(args) };
  return { warnings, logger };
}

describe('PathLeases', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => clock.restore());

  it('deletes only after the last release plus the grace period, never while held', async () => {
    const { calls, unlink } = fakeUnlink();
    const leases = new PathLeases({ graceMs: GRACE, unlink });
    const a = leases.acquire(FILE);
    const b = leases.acquire(FILE);
    expect(leases.count).to.equal(2);
    a.release();
    await clock.tickAsync(GRACE * 5);
    expect(calls).to.deep.equal([]);
    expect(leases.held(FILE)).to.equal(true);

    b.release();
    expect([leases.count, leases.pending]).to.deep.equal([0, 1]);
    await clock.tickAsync(GRACE - 1);
    expect(calls).to.deep.equal([]);
    await clock.tickAsync(1);
    expect(calls).to.deep.equal([FILE]);
    expect([leases.held(FILE), leases.pending]).to.deep.equal([false, 0]);
  });

  it('sends in turn within the grace keep one grace timer running, not one armed per send; the path still goes a full grace after the last', async () => {
    const { calls, unlink } = fakeUnlink();
    const leases = new PathLeases({ graceMs: GRACE, unlink });
    const set = sinon.spy(globalThis, 'setTimeout');
    try {
      for (let i = 0; i < 30; i++) {
        const lease = leases.acquire(FILE);
        await clock.tickAsync(GRACE / 10); // the send runs
        lease.release();
        await clock.tickAsync(GRACE / 10); // the next one comes
      }
      // 30 sends over 6 graces: at most one re-arm per grace that went by (it was one per send).
      expect(set.callCount, 'timers armed over 30 sends').to.be.at.most(7);
      expect(clock.countTimers(), 'timers running').to.equal(1);
    } finally {
      set.restore();
    }
    expect(calls).to.deep.equal([]);
    await clock.tickAsync(GRACE - GRACE / 10 - 1);
    expect(calls, 'one ms before a full grace after the last release').to.deep.equal([]);
    await clock.tickAsync(1);
    expect(calls).to.deep.equal([FILE]);
    expect(clock.countTimers()).to.equal(0);
  });

  it('an acquire within the grace period cancels the deletion', async () => {
    const { calls, unlink } = fakeUnlink();
    const leases = new PathLeases({ graceMs: GRACE, unlink });
    leases.acquire(FILE).release();
    await clock.tickAsync(GRACE - 1);
    const again = leases.acquire(FILE);
    await clock.tickAsync(GRACE * 3);
    expect(calls).to.have.length(0);
    again.release();
    await clock.tickAsync(GRACE);
    expect(calls).to.have.length(1);
  });

  it('a release right after a re-acquire waits a full grace again, not the remainder of the old one', async () => {
    const { calls, unlink } = fakeUnlink();
    const leases = new PathLeases({ graceMs: GRACE, unlink });
    leases.acquire(FILE).release();
    await clock.tickAsync(GRACE / 2);
    leases.acquire(FILE).release();
    await clock.tickAsync(GRACE - 1);
    expect(calls).to.have.length(0);
    await clock.tickAsync(1);
    expect(calls).to.have.length(1);
  });

  it('release is idempotent: a second call does not drop another holder', async () => {
    const { calls, unlink } = fakeUnlink();
    const leases = new PathLeases({ graceMs: GRACE, unlink });
    const a = leases.acquire(FILE);
    const b = leases.acquire(FILE);
    a.release();
    a.release();
    expect(leases.count).to.equal(1);
    await clock.tickAsync(GRACE * 2);
    expect(calls).to.have.length(0);
    b.release();
    await clock.tickAsync(GRACE);
    expect(calls).to.have.length(1);
  });

  it('keys by normalised path and keeps paths apart', async () => {
    const { calls, unlink } = fakeUnlink();
    const leases = new PathLeases({ graceMs: GRACE, unlink });
    const other = path.join(path.sep, 'nt_data', 'Pic', '2026-11', 'Ori', 'c3d4.png');
    const a = leases.acquire(path.join(path.dirname(FILE), '.', '..', 'Ori', path.basename(FILE)));
    const b = leases.acquire(other);
    expect(a.path).to.equal(FILE);
    expect(leases.held(FILE)).to.equal(true);
    a.release();
    await clock.tickAsync(GRACE);
    expect(calls).to.deep.equal([FILE]);
    b.release();
    await clock.tickAsync(GRACE);
    expect(calls).to.deep.equal([FILE, other]);
  });

  it('ignores ENOENT, logs any other error once with the path, and does not retry it', async () => {
    const log = recordingLogger();
    const gone = fakeUnlink(['ENOENT']);
    const quiet = new PathLeases({ graceMs: GRACE, unlink: gone.unlink, logger: log.logger });
    quiet.acquire(FILE).release();
    await clock.tickAsync(GRACE * 10);
    expect(gone.calls).to.have.length(1);
    expect(log.warnings).to.have.length(0);

    const denied = fakeUnlink(['EIO']);
    const loud = new PathLeases({ graceMs: GRACE, unlink: denied.unlink, logger: log.logger });
    loud.acquire(FILE).release();
    await clock.tickAsync(GRACE * 10);
    expect(denied.calls).to.have.length(1);
    expect(log.warnings).to.have.length(1);
    expect(String(log.warnings[0][0])).to.contain(FILE);
    expect(loud.pending).to.equal(0);
  });

  it('retries EBUSY/EPERM/EACCES (in use) with doubling waits, then logs once', async () => {
    const log = recordingLogger();
    const busy = fakeUnlink(['EBUSY', 'EPERM', 'EACCES', 'EBUSY']);
    const leases = new PathLeases({ graceMs: GRACE, unlink: busy.unlink, logger: log.logger, busyRetries: 3, busyRetryDelayMs: 100 });
    leases.acquire(FILE).release();
    await clock.tickAsync(GRACE);
    expect(busy.calls).to.have.length(1);
    await clock.tickAsync(100);
    expect(busy.calls).to.have.length(2);
    await clock.tickAsync(200);
    expect(busy.calls).to.have.length(3);
    await clock.tickAsync(399);
    expect(busy.calls).to.have.length(3);
    await clock.tickAsync(1);
    expect(busy.calls).to.have.length(4);
    await clock.tickAsync(GRACE * 10);
    expect(busy.calls).to.have.length(4);
    expect(log.warnings).to.have.length(1);
    expect(leases.pending).to.equal(0);
  });

  it('a busy file that frees up is deleted without a log, and an acquire stops the retries', async () => {
    const log = recordingLogger();
    const busy = fakeUnlink(['EBUSY', undefined]);
    const leases = new PathLeases({ graceMs: GRACE, unlink: busy.unlink, logger: log.logger, busyRetryDelayMs: 100 });
    leases.acquire(FILE).release();
    await clock.tickAsync(GRACE + 100);
    expect(busy.calls).to.have.length(2);
    expect(log.warnings).to.have.length(0);

    const stuck = fakeUnlink(['EBUSY', 'EBUSY']);
    const other = new PathLeases({ graceMs: GRACE, unlink: stuck.unlink, busyRetryDelayMs: 100 });
    other.acquire(FILE).release();
    await clock.tickAsync(GRACE);
    const holder = other.acquire(FILE);
    await clock.tickAsync(GRACE * 10);
    expect(stuck.calls).to.have.length(1);
    expect(other.held(FILE)).to.equal(true);
    holder.release();
  });

  it('an acquire during an unlink waits on `ready`, and the path gets a fresh grace period afterwards', async () => {
    let finish!: () => void;
    const calls: string[] = [];
    const unlink = (file: string) => {
      calls.push(file);
      // The first unlink is held open by the test; later ones take 5 ms, like a real disk.
      return new Promise<void>((resolve) => (calls.length === 1 ? (finish = resolve) : setTimeout(resolve, 5)));
    };
    const leases = new PathLeases({ graceMs: GRACE, unlink });
    leases.acquire(FILE).release();
    await clock.tickAsync(GRACE);
    expect(calls).to.have.length(1);

    const late = leases.acquire(FILE);
    expect(late.deleting, 'an unlink of it is in flight').to.equal(true);
    let ready = false;
    void late.ready.then(() => (ready = true));
    await clock.tickAsync(0);
    expect(ready).to.equal(false);
    late.release();
    finish();
    await clock.tickAsync(0);
    expect(ready).to.equal(true);
    const after = leases.acquire(FILE);
    expect(after.deleting, 'the unlink has finished').to.equal(false);
    after.release();
    await clock.tickAsync(GRACE - 1);
    expect(calls).to.have.length(1);
    await clock.tickAsync(1);
    expect(calls).to.have.length(2);
    await clock.tickAsync(GRACE * 3);
    expect(calls).to.have.length(2);
    expect(leases.pending).to.equal(0);
  });

  it('setGraceMs moves waiting deletions to last release + the new grace', async () => {
    const { calls, unlink } = fakeUnlink();
    const leases = new PathLeases({ graceMs: GRACE, unlink });
    leases.acquire(FILE).release();
    await clock.tickAsync(2_000);
    leases.setGraceMs(5_000);
    await clock.tickAsync(2_999);
    expect(calls).to.have.length(0);
    await clock.tickAsync(1);
    expect(calls).to.have.length(1);

    leases.acquire(FILE).release();
    await clock.tickAsync(3_000);
    leases.setGraceMs(1_000);
    await clock.tickAsync(0);
    expect(calls).to.have.length(2);
    expect(() => leases.setGraceMs(-1)).to.throw(RangeError);
  });

  it('sweepOlderThan force-releases only leases past the limit and returns them', async () => {
    const { calls, unlink } = fakeUnlink();
    const leases = new PathLeases({ graceMs: GRACE, unlink });
    const other = path.join(path.sep, 'tmp', 'young.png');
    const old = leases.acquire(FILE);
    await clock.tickAsync(1_000);
    leases.acquire(other);
    await clock.tickAsync(500);
    expect(leases.sweepOlderThan(1_500)).to.deep.equal([]);
    await clock.tickAsync(1);
    expect(leases.sweepOlderThan(1_500)).to.deep.equal([{ path: FILE, ageMs: 1_501 }]);
    expect([leases.held(FILE), leases.held(other), leases.count]).to.deep.equal([false, true, 1]);
    old.release();
    expect(leases.count).to.equal(1);
    await clock.tickAsync(GRACE);
    expect(calls).to.deep.equal([FILE]);
  });

  it('close({deletePending: true}) deletes waiting paths now, never held ones, and leaves no timer', async () => {
    const { calls, unlink } = fakeUnlink();
    const leases = new PathLeases({ graceMs: GRACE, unlink });
    const held = path.join(path.sep, 'tmp', 'held.png');
    leases.acquire(FILE).release();
    const holder = leases.acquire(held);
    expect(clock.countTimers()).to.equal(1);
    await leases.close({ deletePending: true });
    expect(calls).to.deep.equal([FILE]);
    expect(clock.countTimers()).to.equal(0);
    holder.release();
    await clock.tickAsync(GRACE * 10);
    expect(calls).to.deep.equal([FILE]);
    expect(() => leases.acquire(FILE)).to.throw(/closed/);
  });

  it('close({deletePending: false}) deletes nothing and leaves no timer', async () => {
    const { calls, unlink } = fakeUnlink(['EBUSY']);
    const leases = new PathLeases({ graceMs: GRACE, unlink, busyRetryDelayMs: 100 });
    leases.acquire(FILE).release();
    leases.acquire(path.join(path.sep, 'tmp', 'x.png')).release();
    await clock.tickAsync(GRACE);
    expect(calls).to.have.length(2);
    await leases.close({ deletePending: false });
    expect(clock.countTimers()).to.equal(0);
    await clock.tickAsync(GRACE * 10);
    expect(calls).to.have.length(2);
  });

  it('rejects relative paths', () => {
    const leases = new PathLeases({ graceMs: GRACE, unlink: fakeUnlink().unlink });
    expect(() => leases.acquire('Ori/a.png')).to.throw(TypeError);
  });
});

describe('PathLeases on a real disk', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'path-leases-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('keeps a held file, deletes it after the grace once released, and its timers do not hold the process open', async () => {
    const file = path.join(dir, 'e5f6.png');
    await fsp.writeFile(file, 'png');
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const leases = new PathLeases({ graceMs: 30 });
    const lease = leases.acquire(file);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect((await fsp.readFile(file, 'utf8'))).to.equal('png');
    lease.release();
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).to.equal(timersBefore);
    for (let i = 0; i < 100 && (await fsp.access(file).then(() => true, () => false)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await fsp.readdir(dir)).to.deep.equal([]);
    await leases.close({ deletePending: true });
  });
});
