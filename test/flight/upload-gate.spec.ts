import { expect } from 'chai';
import { WaitTimeoutError } from '../../src/flight/concurrency-limit';
import { UploadGate } from '../../src/flight/upload-gate';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A server that deduplicates uploads by key and records how many sends overlap. */
class FakeServer {
  readonly stored = new Set<string>();
  transfers = 0;
  sends = 0;
  active = 0;
  maxActive = 0;
  /** Keys whose next transfer fails once. */
  readonly failNext = new Set<string>();

  async send(keys: readonly string[], turns = 3): Promise<{ result: number }> {
    this.sends++;
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      for (let i = 0; i < turns; i++) await tick();
      for (const key of keys) {
        if (this.stored.has(key)) continue;
        this.transfers++;
        if (this.failNext.delete(key)) return { result: -1 };
        this.stored.add(key);
      }
      return { result: 0 };
    } finally {
      this.active--;
    }
  }
}

const ok = (r: { result: number }) => r.result === 0;

/** Fails the test instead of hanging when sends deadlock. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled within ${ms} ms (deadlock?)`)), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

describe('UploadGate', () => {
  it('200 sends of one new key: 1 leader uploads, 199 follow, later sends pass straight through concurrently', async () => {
    const server = new FakeServer();
    const gate = new UploadGate({ maxConcurrent: 64 });
    const results = await Promise.all(
      Array.from({ length: 200 }, () => gate.pass(['md5-a'], () => server.send(['md5-a']), ok)),
    );
    expect(results.every(ok)).to.equal(true);
    expect(server.transfers).to.equal(1);
    expect(gate.stats()).to.include({ led: 1, followed: 199, passed: 0, leaderFailures: 0, sending: 0, queued: 0 });
    expect(gate.isConfirmed('md5-a')).to.equal(true);

    server.maxActive = 0;
    await Promise.all(Array.from({ length: 50 }, () => gate.pass(['md5-a'], () => server.send(['md5-a']), ok)));
    expect(gate.stats()).to.include({ led: 1, followed: 199, passed: 50 });
    expect(server.transfers).to.equal(1);
    expect(server.maxActive).to.equal(50);
  });

  it('holds followers back while the leader is still sending', async () => {
    const server = new FakeServer();
    const gate = new UploadGate({ maxConcurrent: 8 });
    const all = Promise.all(Array.from({ length: 20 }, () => gate.pass(['k'], () => server.send(['k'], 10), ok)));
    for (let i = 0; i < 5; i++) await tick();
    expect(server.sends).to.equal(1);
    await all;
    expect(server.sends).to.equal(20);
    expect(server.transfers).to.equal(1);
  });

  it('when the leader rejects, the waiters go on together under the cap (not one leader after another), and all complete', async () => {
    const server = new FakeServer();
    const gate = new UploadGate({ maxConcurrent: 16 });
    let first = true;
    const send = () => {
      if (first) {
        first = false;
        return server.send(['k']).then(() => Promise.reject(new Error('rich media transfer failed')));
      }
      return server.send(['k']);
    };
    const all = Promise.all(
      Array.from({ length: 200 }, () => gate.pass(['k'], send, ok).then(() => 'ok', (e: Error) => e.message)),
    );
    const outcomes = await within(5000, all);
    expect(outcomes[0]).to.equal('rich media transfer failed');
    expect(outcomes.slice(1).every((o) => o === 'ok')).to.equal(true);
    expect(server.maxActive, 'the waiters ran together, as many as the cap allows').to.equal(16);
    expect(gate.stats()).to.include({ leaderFailures: 1, followed: 0, passed: 0, led: 200 });
    expect(gate.isConfirmed('k')).to.equal(true);
  });

  it('N sends whose attempts all fail: each is tried once, together, not N in a row', async () => {
    const gate = new UploadGate({ maxConcurrent: 8 });
    let active = 0;
    let most = 0;
    const failing = async () => {
      most = Math.max(most, ++active);
      for (let i = 0; i < 3; i++) await tick();
      active--;
      return { result: -1 };
    };
    const results = await within(5000, Promise.all(Array.from({ length: 20 }, () => gate.pass(['k'], failing, ok))));
    expect(results.every((r) => r.result === -1)).to.equal(true);
    expect(most, 'after the first failure the other 19 ran 8 at a time').to.equal(8);
    expect(gate.stats()).to.include({ leaderFailures: 20, sending: 0, queued: 0 });
  });

  it('a deadline bounds every wait: a waiter past it never runs and rejects with WaitTimeoutError; the next send leads', async () => {
    const gate = new UploadGate({ maxConcurrent: 4 });
    let finish!: () => void;
    const leader = gate.pass(['k'], () => new Promise<number>((resolve) => (finish = () => resolve(0))));
    let ran = false;
    const late = await gate
      .pass(['k'], async () => (ran = true), () => true, { deadline: Date.now() + 20 })
      .catch((e: unknown) => e);
    expect(late).to.be.instanceOf(WaitTimeoutError);
    expect(ran).to.equal(false);
    finish();
    await leader;
    expect(gate.isConfirmed('k')).to.equal(true);

    const capped = new UploadGate({ maxConcurrent: 1 });
    let release!: () => void;
    const holder = capped.pass(['a'], () => new Promise<void>((resolve) => (release = resolve)));
    const queued = await capped.pass(['b'], async () => 'ran', () => true, { deadline: Date.now() + 20 }).catch((e: unknown) => e);
    expect(queued, 'a wait for a slot is bounded too').to.be.instanceOf(WaitTimeoutError);
    release();
    await holder;
    expect(await capped.pass(['b'], async () => 'ran'), 'the abandoned lead went to the next send').to.equal('ran');
    expect(capped.stats()).to.include({ sending: 0, queued: 0 });
  });

  it('does not cache a lone failure: the next send leads again', async () => {
    const gate = new UploadGate({ maxConcurrent: 2 });
    await gate.pass(['k'], () => Promise.reject(new Error('x'))).catch(() => undefined);
    expect(gate.isConfirmed('k')).to.equal(false);
    await gate.pass(['k'], async () => 'sent');
    expect(gate.stats()).to.include({ led: 2, followed: 0, passed: 0, leaderFailures: 1 });
    expect(gate.isConfirmed('k')).to.equal(true);
  });

  it('sends with two keys in opposite orders do not deadlock, and each key is uploaded once', async () => {
    const server = new FakeServer();
    const gate = new UploadGate({ maxConcurrent: 3 });
    const sends = Array.from({ length: 100 }, (_, i) => {
      const keys = i % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
      return gate.pass(keys, () => server.send(keys), ok);
    });
    const results = await within(5000, Promise.all(sends));
    expect(results.every(ok)).to.equal(true);
    expect(server.transfers).to.equal(2);
    const { led, followed, passed } = gate.stats();
    expect(led).to.equal(2);
    expect(led + followed + passed).to.equal(200);
  });

  it('overlapping key sets under a tight cap all complete (no lock/slot deadlock)', async () => {
    const server = new FakeServer();
    const gate = new UploadGate({ maxConcurrent: 1 });
    const keySets = [['a', 'b'], ['b', 'c'], ['c', 'a'], ['a'], ['c'], ['b', 'a', 'c']];
    const sends = Array.from({ length: 60 }, (_, i) => {
      const keys = keySets[i % keySets.length];
      return gate.pass(keys, () => server.send(keys), ok);
    });
    const results = await within(5000, Promise.all(sends));
    expect(results.every(ok)).to.equal(true);
    expect(server.transfers).to.equal(3);
    expect(server.maxActive).to.equal(1);
  });

  it('a send with one confirmed and one new key passes the first and leads the second', async () => {
    const gate = new UploadGate({ maxConcurrent: 2 });
    await gate.pass(['old'], async () => 0);
    await gate.pass(['old', 'new', 'new'], async () => 0);
    expect(gate.stats()).to.include({ led: 2, passed: 1, followed: 0 });
  });

  it('never exceeds the cap, and a live setCaps applies without dropping sends', async () => {
    const server = new FakeServer();
    const gate = new UploadGate({ maxConcurrent: 4 });
    const batch = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => gate.pass([`key-${from + i}`], () => server.send([`key-${from + i}`]), ok));

    await Promise.all(batch(0, 100));
    expect(server.maxActive).to.equal(4);

    server.maxActive = 0;
    const running = batch(100, 100);
    await tick();
    expect(gate.stats().sending).to.equal(4);
    gate.setCaps(10);
    await tick();
    expect(gate.stats().sending).to.equal(10);
    gate.setCaps(2);
    const results = await Promise.all(running);
    expect(results.every(ok)).to.equal(true);
    expect(server.maxActive).to.equal(10);
    expect(server.sends).to.equal(200);

    server.maxActive = 0;
    await Promise.all(batch(200, 50));
    expect(server.maxActive).to.equal(2);
    expect(gate.stats()).to.include({ led: 250, sending: 0, queued: 0 });
  });

  it('lowering the cap lets running sends finish and starts no new one until below it', async () => {
    const gate = new UploadGate({ maxConcurrent: 3 });
    let active = 0;
    let maxAfterLowering = 0;
    let lowered = false;
    const send = async () => {
      active++;
      if (lowered) maxAfterLowering = Math.max(maxAfterLowering, active);
      for (let i = 0; i < 3; i++) await tick();
      active--;
    };
    const all = Promise.all(Array.from({ length: 12 }, (_, i) => gate.pass([`k${i}`], send)));
    await tick();
    expect(active).to.equal(3);
    gate.setCaps(1);
    lowered = true;
    await all;
    expect(maxAfterLowering).to.equal(1);
  });

  it('caps leading sends (transfers) separately: confirmed sends are held only by the overall cap', async () => {
    const server = new FakeServer();
    const gate = new UploadGate({ maxConcurrent: 6, maxLeading: 2 });
    // 20 distinct new keys: every send leads, so at most 2 run at once.
    await Promise.all(Array.from({ length: 20 }, (_, i) => gate.pass([`n${i}`], () => server.send([`n${i}`]), ok)));
    expect(server.maxActive).to.equal(2);
    expect(server.transfers).to.equal(20);

    // 30 sends of keys already confirmed: they transfer nothing and run 6 at a time.
    server.maxActive = 0;
    await Promise.all(Array.from({ length: 30 }, (_, i) => gate.pass([`n${i % 20}`], () => server.send([`n${i % 20}`]), ok)));
    expect(server.maxActive).to.equal(6);
    expect(server.transfers).to.equal(20);

    // Mixed: while 10 new keys queue for the 2 lead slots, confirmed sends still get the rest.
    server.maxActive = 0;
    let confirmedActive = 0;
    let maxConfirmedWhileLeading = 0;
    const leading = Array.from({ length: 10 }, (_, i) => gate.pass([`m${i}`], () => server.send([`m${i}`], 6), ok));
    const confirmed = Array.from({ length: 10 }, (_, i) =>
      gate.pass([`n${i}`], async () => {
        confirmedActive++;
        maxConfirmedWhileLeading = Math.max(maxConfirmedWhileLeading, confirmedActive);
        try {
          return await server.send([`n${i}`]);
        } finally {
          confirmedActive--;
        }
      }, ok),
    );
    await Promise.all([...leading, ...confirmed]);
    expect(server.maxActive).to.be.at.most(6);
    expect(maxConfirmedWhileLeading).to.be.at.least(3);
  });

  it('does not gate sends without keys', async () => {
    const gate = new UploadGate({ maxConcurrent: 1 });
    let releaseKeyed!: () => void;
    const keyed = gate.pass(['k'], () => new Promise<void>((resolve) => (releaseKeyed = resolve)));
    await tick();
    const plain = await within(1000, gate.pass([], async () => 'plain'));
    expect(plain).to.equal('plain');
    expect(gate.stats()).to.include({ led: 1, sending: 1 });
    releaseKeyed();
    await keyed;
  });

  it('a confirmation expires after confirmTtlMs; forget() and clear() make the next send lead', async () => {
    let now = 1_000;
    const gate = new UploadGate({ maxConcurrent: 2, confirmTtlMs: 500, now: () => now });
    await gate.pass(['a', 'b'], async () => 0);
    now += 499;
    expect(gate.isConfirmed('a')).to.equal(true);
    now += 1;
    await gate.pass(['a'], async () => 0);
    expect(gate.stats()).to.include({ led: 3, passed: 0 });

    gate.forget('a');
    await gate.pass(['a'], async () => 0);
    expect(gate.stats().led).to.equal(4);

    gate.clear();
    expect(gate.stats().confirmedKeys).to.equal(0);
    await gate.pass(['a'], async () => 0);
    expect(gate.stats().led).to.equal(5);
  });

  it('remembers at most maxConfirmed keys', async () => {
    const gate = new UploadGate({ maxConcurrent: 2, maxConfirmed: 3 });
    for (const key of ['a', 'b', 'c', 'd']) await gate.pass([key], async () => 0);
    expect(gate.stats().confirmedKeys).to.equal(3);
    expect(gate.isConfirmed('a')).to.equal(false);
    expect(gate.isConfirmed('d')).to.equal(true);
  });

  it('rejects a cap that is not a positive integer', () => {
    expect(() => new UploadGate({ maxConcurrent: 0 })).to.throw(RangeError);
    const gate = new UploadGate({ maxConcurrent: 1 });
    expect(() => gate.setCaps(1.5)).to.throw(RangeError);
  });
});
