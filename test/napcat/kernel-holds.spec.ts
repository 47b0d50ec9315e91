import { expect } from 'chai';
import sinon from 'sinon';
import { KernelHolds } from '../../src/napcat/kernel-holds';

describe('KernelHolds', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => (clock = sinon.useFakeTimers({ now: 1_000 })));
  afterEach(() => clock.restore());

  const lease = () => {
    const counter = { released: 0, release: () => void counter.released++ };
    return counter;
  };

  it('releases each file at the time it was held until, with one timer', async () => {
    const holds = new KernelHolds();
    const a = lease();
    const b = lease();
    holds.hold([{ path: '/a', until: 2_000, lease: a }, { path: '/b', until: 5_000, lease: b }]);
    expect(clock.countTimers()).to.equal(1);
    await clock.tickAsync(999);
    expect([a.released, b.released]).to.deep.equal([0, 0]);
    await clock.tickAsync(1);
    expect([a.released, b.released]).to.deep.equal([1, 0]);
    await clock.tickAsync(3_000);
    expect([a.released, b.released]).to.deep.equal([1, 1]);
    expect(holds.size).to.equal(0);
    expect(clock.countTimers()).to.equal(0);
  });

  it('park() hands over what is still held as data, stops its timer and releases nothing', async () => {
    const holds = new KernelHolds();
    const a = lease();
    holds.hold([{ path: '/a', until: 9_000, lease: a, hash: 'h' }]);
    expect(holds.park()).to.deep.equal([{ path: '/a', until: 9_000, hash: 'h' }]);
    expect(clock.countTimers()).to.equal(0);
    await clock.tickAsync(10_000);
    expect(a.released).to.equal(0);
  });
});
