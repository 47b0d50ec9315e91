import { expect } from 'chai';
import { ConcurrencyLimit } from '../../src/flight/concurrency-limit';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ConcurrencyLimit', () => {
  it('starts waiters in arrival order and never runs more than max', async () => {
    const limit = new ConcurrencyLimit(2);
    const started: number[] = [];
    let active = 0;
    let maxActive = 0;
    const runs = Array.from({ length: 10 }, (_, i) =>
      limit.run(async () => {
        started.push(i);
        active++;
        maxActive = Math.max(maxActive, active);
        await tick();
        active--;
        return i;
      }),
    );
    expect(limit.waiting).to.equal(8);
    expect(await Promise.all(runs)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(started).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(maxActive).to.equal(2);
    expect(limit.active).to.equal(0);
  });

  it('frees the slot when the operation throws', async () => {
    const limit = new ConcurrencyLimit(1);
    const failed = limit.run(async () => {
      throw new Error('boom');
    });
    const next = limit.run(async () => 'next');
    await failed.catch(() => undefined);
    expect(await next).to.equal('next');
    expect(limit.active).to.equal(0);
  });

  it('raising max starts waiters at once', async () => {
    const limit = new ConcurrencyLimit(1);
    let release!: () => void;
    const blocker = new Promise<void>((resolve) => (release = resolve));
    const runs = Array.from({ length: 4 }, () => limit.run(() => blocker));
    await tick();
    expect([limit.active, limit.waiting]).to.deep.equal([1, 3]);
    limit.setMax(3);
    expect([limit.active, limit.waiting]).to.deep.equal([3, 1]);
    release();
    await Promise.all(runs);
    expect(limit.max).to.equal(3);
  });
});
