import { expect } from 'chai';
import { executionAsyncResource } from 'node:async_hooks';
import { silentLogger } from '../../src/logger';
import { SendScopes } from '../../src/napcat/send-scopes';

function counted() {
  const released: string[] = [];
  return { released, lease: (name: string) => ({ release: () => released.push(name) }) };
}

const tick = () => new Promise((r) => setImmediate(r));

/** What Node copied onto a new promise: one slot per AsyncLocalStorage still enabled in the process. */
async function slotsOnNewPromise(): Promise<number> {
  await null;
  return Object.getOwnPropertySymbols(executionAsyncResource()).length;
}

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

  // Each plugin_init makes a SendScopes; an enabled storage is copied onto every new async
  // resource of the process for as long as it lives, so 100 reloads made every promise in
  // NapCat pay for 100 storages.
  it('releaseAll lets go of the storage: 100 instances that each ran a request leave nothing on new promises', async () => {
    const before = await slotsOnNewPromise();
    for (let i = 0; i < 100; i++) {
      const scopes = new SendScopes({ logger: silentLogger, maxAgeMs: () => 1000 });
      await scopes.run(async () => {
        await tick();
        expect(scopes.current()).to.not.equal(undefined);
      });
      scopes.releaseAll();
    }
    expect(await slotsOnNewPromise()).to.equal(before);
  });

  it('after releaseAll a late request runs unscoped and does not enable the storage again', async () => {
    const { released, lease } = counted();
    const scopes = new SendScopes({ logger: silentLogger, maxAgeMs: () => 1000 });
    await scopes.run(async () => tick());
    scopes.releaseAll();
    const before = await slotsOnNewPromise();
    const result = await scopes.run(async () => {
      await tick();
      scopes.hold(lease('late'), 'late');
      return scopes.current();
    });
    expect(result).to.equal(undefined);
    await scopes.enter(scopes.open(), async () => tick());
    expect(await slotsOnNewPromise()).to.equal(before);
    expect(released).to.deep.equal([]);
  });
});
