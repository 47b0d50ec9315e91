import { expect } from 'chai';
import sinon from 'sinon';
import { LaneAbortError, Lanes } from '../../src/flight/lanes';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = async (turns = 10) => {
  for (let i = 0; i < turns; i++) await Promise.resolve();
};
const never = () => false;

/** A send whose start is recorded and whose end the test decides. */
function controlled(log: string[], name: string) {
  const done = deferred<string>();
  return {
    done,
    send: async () => {
      log.push(`start ${name}`);
      const value = await done.promise;
      log.push(`end ${name}`);
      return value;
    },
  };
}

describe('Lanes', () => {
  let clock: sinon.SinonFakeTimers | undefined;
  afterEach(() => {
    clock?.restore();
    clock = undefined;
  });

  it('runs sends of one key one at a time, in arrival order', async () => {
    const lanes = new Lanes({ maxConcurrent: 10 });
    const log: string[] = [];
    const sends = ['a', 'b', 'c'].map((n) => controlled(log, n));
    const runs = sends.map((s) => lanes.run(['k'], 0, s.send, never));
    await flush();
    expect(log).to.deep.equal(['start a']);
    expect(lanes.stats()).to.include({ running: 1, waiting: 2, lanes: 1, queued: 2 });
    sends[0].done.resolve('A');
    await flush();
    expect(log).to.deep.equal(['start a', 'end a', 'start b']);
    sends[1].done.resolve('B');
    sends[2].done.resolve('C');
    expect(await Promise.all(runs)).to.deep.equal(['A', 'B', 'C']);
    expect(log).to.deep.equal(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(lanes.stats()).to.include({ running: 0, waiting: 0, lanes: 0 });
  });

  it('runs different keys in parallel, up to the global cap', async () => {
    const lanes = new Lanes({ maxConcurrent: 2 });
    const log: string[] = [];
    const sends = ['x', 'y', 'z'].map((n) => controlled(log, n));
    const runs = sends.map((s, i) => lanes.run([`k${i}`], 0, s.send, never));
    await flush();
    expect(log).to.deep.equal(['start x', 'start y']);
    sends[1].done.resolve('Y');
    await flush();
    expect(log).to.deep.equal(['start x', 'start y', 'end y', 'start z']);
    sends[0].done.resolve('X');
    sends[2].done.resolve('Z');
    await Promise.all(runs);
  });

  it('takes several keys in sorted order, so opposite orders never deadlock', async () => {
    const lanes = new Lanes({ maxConcurrent: 10 });
    const results: string[] = [];
    const runs: Array<Promise<void>> = [];
    for (let i = 0; i < 50; i++) {
      const keys = i % 2 ? ['a', 'b', 'c'] : ['c', 'b', 'a'];
      runs.push(
        lanes.run(keys, 0, async () => {
          await new Promise((r) => setImmediate(r));
          results.push(String(i));
        }, never),
      );
    }
    await Promise.all(runs);
    expect(results).to.have.length(50);
    expect(results).to.deep.equal(Array.from({ length: 50 }, (_, i) => String(i)));
  });

  it('never runs two sends sharing a key at once, under random overlapping key sets', async () => {
    const lanes = new Lanes({ maxConcurrent: 4 });
    const active = new Map<string, number>();
    let worst = 0;
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const runs = Array.from({ length: 200 }, () => {
      const keys = ['a', 'b', 'c', 'd', 'e'].filter(() => random() < 0.4);
      return lanes.run(keys, 0, async () => {
        for (const k of keys) active.set(k, (active.get(k) ?? 0) + 1);
        worst = Math.max(worst, ...[...active.values()]);
        await new Promise((r) => setTimeout(r, random() * 2));
        for (const k of keys) active.set(k, active.get(k)! - 1);
      }, never);
    });
    await Promise.all(runs);
    expect(worst).to.equal(1);
  });

  it('runs sends without keys at once, outside the lanes and the cap', async () => {
    const lanes = new Lanes({ maxConcurrent: 1 });
    const log: string[] = [];
    const held = controlled(log, 'held');
    const run = lanes.run(['k'], 0, held.send, never);
    await flush();
    expect(await lanes.run([], 0, async () => 'free', never)).to.equal('free');
    held.done.resolve('ok');
    await run;
  });

  it('after a send times out, lets every waiter go at once, then queues again', async () => {
    const lanes = new Lanes({ maxConcurrent: 10 });
    const log: string[] = [];
    const first = controlled(log, 'first');
    const waiters = ['w1', 'w2', 'w3'].map((n) => controlled(log, n));
    const timedOut = (o: { ok: boolean; value?: unknown }) => o.ok && o.value === 'Timeout';
    const runs = [lanes.run(['k'], 0, first.send, timedOut), ...waiters.map((w) => lanes.run(['k'], 0, w.send, timedOut))];
    await flush();
    first.done.resolve('Timeout');
    await flush();
    expect(log).to.deep.equal(['start first', 'end first', 'start w1', 'start w2', 'start w3']);
    expect(lanes.stats().opened).to.equal(1);
    // A send arriving now waits for the three released ones, then runs alone.
    const late = controlled(log, 'late');
    const lateRun = lanes.run(['k'], 0, late.send, timedOut);
    await flush();
    expect(log).to.not.include('start late');
    for (const w of waiters) w.done.resolve('ok');
    await flush();
    expect(log.at(-1)).to.equal('start late');
    late.done.resolve('ok');
    await Promise.all([...runs, lateRun]);
  });

  it('a send holding a lane past its limit lets the waiters go without it; its own end changes nothing', async () => {
    clock = sinon.useFakeTimers();
    const lanes = new Lanes({ maxConcurrent: 10 });
    const log: string[] = [];
    const slow = controlled(log, 'slow');
    const waiters = ['w1', 'w2'].map((n) => controlled(log, n));
    const runs = [lanes.run(['k'], 10_000, slow.send, never), ...waiters.map((w) => lanes.run(['k'], 10_000, w.send, never))];
    await flush();
    await clock.tickAsync(9_999);
    expect(log).to.deep.equal(['start slow']);
    await clock.tickAsync(1);
    expect(log).to.deep.equal(['start slow', 'start w1', 'start w2']);
    expect(lanes.stats()).to.include({ overstayed: 1, opened: 1 });
    slow.done.resolve('late');
    for (const w of waiters) w.done.resolve('ok');
    expect(await Promise.all(runs)).to.deep.equal(['late', 'ok', 'ok']);
    expect(lanes.stats()).to.include({ lanes: 0, running: 0 });
  });

  for (const [what, keyOf] of [
    ['one content', () => 'k'],
    ['twenty contents', (i: number) => `k${i}`],
  ] as const) {
    it(`an outage of ${what} costs the queue about two hold limits, not one per waiter or per slot`, async () => {
      clock = sinon.useFakeTimers();
      const lanes = new Lanes({ maxConcurrent: 2 });
      const holdMs = 10_000;
      // Every send "times out" after holdMs, as NapCat answers when the kernel never does.
      const send = () => new Promise<string>((resolve) => setTimeout(() => resolve('Timeout'), holdMs));
      const timedOut = (o: { ok: boolean; value?: unknown }) => o.ok && o.value === 'Timeout';
      const ended: number[] = [];
      const runs = Array.from({ length: 20 }, (_, i) => lanes.run([keyOf(i)], holdMs, send, timedOut).then(() => ended.push(Date.now())));
      await clock.tickAsync(5 * holdMs);
      await Promise.all(runs);
      expect(Math.max(...ended)).to.be.at.most(2 * holdMs);
    });
  }

  it('once a send comes back in time after an outage, the cap applies again', async () => {
    const lanes = new Lanes({ maxConcurrent: 1 });
    const log: string[] = [];
    const timedOut = (o: { ok: boolean; value?: unknown }) => o.ok && o.value === 'Timeout';
    await lanes.run(['a'], 0, async () => 'Timeout', timedOut);
    const during = ['x', 'y'].map((n) => controlled(log, n));
    const runs = during.map((c, i) => lanes.run([`d${i}`], 0, c.send, timedOut));
    await flush();
    expect(log, 'the cap gives way while the outage lasts').to.deep.equal(['start x', 'start y']);
    for (const c of during) c.done.resolve('ok');
    await Promise.all(runs);
    const after = ['p', 'q'].map((n) => controlled(log, n));
    const next = after.map((c, i) => lanes.run([`e${i}`], 0, c.send, timedOut));
    await flush();
    expect(log.slice(4), 'one at a time again').to.deep.equal(['start p']);
    for (const c of after) c.done.resolve('ok');
    await Promise.all(next);
  });

  it('an aborted waiter leaves its lane without running; a running send is never interrupted', async () => {
    const lanes = new Lanes({ maxConcurrent: 10 });
    const log: string[] = [];
    const first = controlled(log, 'first');
    const second = controlled(log, 'second');
    const third = controlled(log, 'third');
    const abort = new AbortController();
    const firstRun = lanes.run(['k'], 0, first.send, never, abort.signal);
    const secondRun = lanes.run(['k'], 0, second.send, never, abort.signal);
    const thirdRun = lanes.run(['k'], 0, third.send, never);
    await flush();
    abort.abort();
    await flush();
    let error: unknown;
    await secondRun.catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(LaneAbortError);
    first.done.resolve('one');
    await flush();
    expect(log).to.deep.equal(['start first', 'end first', 'start third']);
    third.done.resolve('three');
    expect(await firstRun).to.equal('one');
    expect(await thirdRun).to.equal('three');
    expect(lanes.stats()).to.include({ lanes: 0, waiting: 0 });
    const late = lanes.run(['k'], 0, async () => 'x', never, abort.signal);
    let lateError: unknown;
    await late.catch((e: unknown) => (lateError = e));
    expect(lateError).to.be.instanceOf(LaneAbortError);
  });

  it('a failed send frees its lanes for the next and its error reaches the caller', async () => {
    const lanes = new Lanes({ maxConcurrent: 10 });
    const boom = lanes.run(['a', 'b'], 0, async () => {
      throw new Error('boom');
    }, never);
    const next = lanes.run(['b'], 0, async () => 'next', never);
    let error: unknown;
    await boom.catch((e: unknown) => (error = e));
    expect((error as Error).message).to.equal('boom');
    expect(await next).to.equal('next');
    expect(lanes.stats().lanes).to.equal(0);
  });
});
