import { expect } from 'chai';
import { ReloadHandoff, announceSuccessor } from '../../src/napcat/reload-handoff';
import { hooked } from './hooked';

describe('ReloadHandoff', () => {
  const tick = () => new Promise((r) => setTimeout(r, 5));

  it('while retiring, calls of requests in flight go on; new ones wait and then go to the next instance', async () => {
    let inFlight = true;
    const handoff = new ReloadHandoff(() => inFlight);
    const owner = { send: (x: string) => Promise.resolve(`napcat ${x}`) };
    const send = hooked(handoff.guard((_original, _self, [x]) => Promise.resolve(`old ${String(x)}`), owner, 'send'), owner.send as never);
    handoff.retire();
    expect(await send('a')).to.equal('old a');
    inFlight = false;
    const waiting = send('b') as Promise<unknown>;
    expect(handoff.waiting).to.equal(1);
    expect(await handoff.drained(1000)).to.equal(true);
    let restored = 0;
    handoff.handOff(60_000, () => restored++);
    await tick();
    expect(restored, 'waits for the next instance').to.equal(0);
    owner.send = (x: string) => Promise.resolve(`new ${x}`); // the next instance's hook
    announceSuccessor();
    expect(await waiting).to.equal('new b');
    expect(restored).to.equal(1);
  });

  it('with nothing held back, hands off at once; without a successor, held calls go to the method as restored', async () => {
    const idle = new ReloadHandoff(() => false);
    let restored = 0;
    idle.handOff(60_000, () => restored++);
    expect(restored).to.equal(1);

    const handoff = new ReloadHandoff(() => false);
    const owner = { send: (x: string) => Promise.resolve(`ours ${x}`) };
    const send = hooked(handoff.guard((original, self, args) => original.apply(self, args), owner, 'send'), owner.send as never);
    handoff.retire();
    const waiting = send('c') as Promise<unknown>;
    handoff.handOff(20, () => (owner.send = (x: string) => Promise.resolve(`napcat ${x}`)));
    expect(await waiting).to.equal('napcat c');
  });

  it('drained() waits for running hooked calls', async () => {
    const handoff = new ReloadHandoff(() => true);
    let finish!: () => void;
    const call = hooked(handoff.guard(() => new Promise<void>((r) => (finish = r)), {}, 'x'), () => undefined);
    const running = call() as Promise<unknown>;
    expect(await handoff.drained(10)).to.equal(false);
    const drained = handoff.drained(1000);
    finish();
    await running;
    expect(await drained).to.equal(true);
  });
});
