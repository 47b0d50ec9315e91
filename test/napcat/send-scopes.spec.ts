import { expect } from 'chai';
import { silentLogger } from '../../src/logger';
import { SendScopes } from '../../src/napcat/send-scopes';

function counted() {
  const released: string[] = [];
  return { released, lease: (name: string) => ({ release: () => released.push(name) }) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('SendScopes', () => {
  it('releases every lease taken in the request when the request settles, across awaits', async () => {
    const { released, lease } = counted();
    const scopes = new SendScopes({ logger: silentLogger, maxAgeMs: () => 1000 });
    await scopes.run(async () => {
      scopes.hold(lease('a'), 'a');
      await tick();
      await Promise.all([1, 2].map(async (n) => { await tick(); scopes.hold(lease(`n${n}`), 'n'); }));
      expect(released).to.deep.equal([]);
    });
    expect(released.sort()).to.deep.equal(['a', 'n1', 'n2']);
    expect(scopes.size).to.equal(0);
  });

  it('releases on a throw (a converter that throws) and rethrows it unchanged', async () => {
    const { released, lease } = counted();
    const scopes = new SendScopes({ logger: silentLogger, maxAgeMs: () => 1000 });
    const boom = new Error('未知的消息类型');
    const err = await scopes.run(async () => { scopes.hold(lease('x'), 'x'); throw boom; }).catch((e) => e);
    expect(err).to.equal(boom);
    expect(released).to.deep.equal(['x']);
  });

  it('nests: an inner run joins the outer scope, so leases live until the outer request settles', async () => {
    const { released, lease } = counted();
    const scopes = new SendScopes({ logger: silentLogger, maxAgeMs: () => 1000 });
    await scopes.run(async () => {
      await scopes.run(async () => scopes.hold(lease('inner'), 'inner'));
      expect(released).to.deep.equal([]);
    });
    expect(released).to.deep.equal(['inner']);
  });

  it('a detached scope holds leases after its opener returns until it is closed', async () => {
    const { released, lease } = counted();
    const scopes = new SendScopes({ logger: silentLogger, maxAgeMs: () => 1000 });
    const scope = scopes.open();
    await scopes.enter(scope, async () => { await tick(); scopes.hold(lease('d'), 'd'); });
    expect(released).to.deep.equal([]);
    scope.close();
    scope.close();
    expect(released).to.deep.equal(['d']);
  });

  it('the backstop releases leases older than the maximum age, and only those, and says so', () => {
    const { released, lease } = counted();
    let now = 0;
    const warnings: unknown[][] = [];
    const scopes = new SendScopes({
      logger: { ...silentLogger, warn: (...a: unknown[]) => warnings.push(a) },
      maxAgeMs: () => 100,
      now: () => now,
    });
    scopes.hold(lease('old'), 'old'); // outside any scope
    now = 60;
    scopes.hold(lease('young'), 'young');
    now = 120;
    expect(scopes.sweep()).to.equal(1);
    expect(released).to.deep.equal(['old']);
    expect(warnings).to.have.length(1);
    expect(String(warnings[0][0])).to.contain('old');
    scopes.releaseAll();
    expect(released).to.deep.equal(['old', 'young']);
  });

  it('survives a lease whose release throws', async () => {
    const scopes = new SendScopes({ logger: silentLogger, maxAgeMs: () => 1000 });
    const { released, lease } = counted();
    await scopes.run(async () => {
      scopes.hold({ release: () => { throw new Error('EPERM'); } }, 'bad');
      scopes.hold(lease('good'), 'good');
    });
    expect(released).to.deep.equal(['good']);
    expect(scopes.size).to.equal(0);
  });
});
