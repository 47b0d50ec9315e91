import { expect } from 'chai';
import { RetryPolicy, type AttemptReport } from '../../src/flight/retry';
import { isRetryableSendError } from '../../src/flight/retryable';
// A seeded uniform [0, 1) so delays are reproducible.
import { seededRandom as seeded } from '../host/random';

const RICH_MEDIA_FAILED =
  'EventChecker Failed: NTEvent serviceAndMethod:NodeIKernelMsgService/sendMsg ListenerName:NodeIKernelMsgListener/onMsgInfoListUpdate EventRet:\n' +
  JSON.stringify({ result: -1, errMsg: 'rich media transfer failed' }, null, 4);
const TIMEOUT = 'Timeout: NTEvent serviceAndMethod:NodeIKernelMsgService/sendMsg ListenerName:NodeIKernelMsgListener/onMsgInfoListUpdate EventRet:\n{}\n';

const retryOnRichMedia = (o: { ok: boolean; error?: unknown }) =>
  !o.ok && o.error instanceof Error && isRetryableSendError(o.error.message);

function recorder() {
  const slept: number[] = [];
  const reports: AttemptReport[] = [];
  return {
    slept,
    reports,
    sleep: async (ms: number) => void slept.push(ms),
    onAttempt: (r: AttemptReport) => void reports.push(r),
  };
}

describe('RetryPolicy', () => {
  it('full jitter stays in [0, min(max, base·2^(n-1))] and actually varies', () => {
    const policy = new RetryPolicy({ maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 1500, random: seeded(42) });
    for (let attempt = 1; attempt <= 7; attempt++) {
      const ceiling = Math.min(1500, 100 * 2 ** (attempt - 1));
      const delays = Array.from({ length: 500 }, () => policy.delayAfter(attempt, 0));
      expect(Math.min(...delays)).to.be.at.least(0);
      expect(Math.max(...delays)).to.be.at.most(ceiling);
      expect(Math.max(...delays)).to.be.above(ceiling * 0.9);
      expect(new Set(delays).size).to.be.above(50);
    }
  });

  it('decorrelated jitter stays in [base, min(max, 3·previous)]', () => {
    const policy = new RetryPolicy({
      maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 2000, jitter: 'decorrelated', random: seeded(7),
    });
    let previous = 50;
    for (let i = 0; i < 2000; i++) {
      const delay = policy.delayAfter(i + 1, previous);
      expect(delay).to.be.at.least(50);
      expect(delay).to.be.at.most(Math.min(2000, previous * 3));
      previous = delay;
    }
  });

  it('retries a retryable error, reports every attempt, and returns the value', async () => {
    const policy = new RetryPolicy({ maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5000, random: () => 0.5 });
    const rec = recorder();
    let calls = 0;
    const value = await policy.withRetry(async (attempt) => {
      calls++;
      if (attempt < 3) throw new Error(RICH_MEDIA_FAILED);
      return 'sent';
    }, { isRetryable: retryOnRichMedia, onAttempt: rec.onAttempt, sleep: rec.sleep });
    expect(value).to.equal('sent');
    expect(calls).to.equal(3);
    expect(rec.slept).to.deep.equal([100, 200]);
    expect(rec.reports.map((r) => [r.attempt, r.ok, r.retrying, r.delayMs])).to.deep.equal([
      [1, false, true, 100],
      [2, false, true, 200],
      [3, true, false, 0],
    ]);
    expect(rec.reports[0].reason).to.contain('rich media transfer failed');
    expect(rec.reports[2].reason).to.equal('ok');
  });

  it('does not retry an error the predicate rejects, and never a Timeout', async () => {
    const policy = new RetryPolicy({ maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 100 });
    for (const message of [TIMEOUT, 'EACCES: permission denied']) {
      const rec = recorder();
      let calls = 0;
      const error = await policy
        .withRetry(async () => {
          calls++;
          throw new Error(message);
        }, { isRetryable: retryOnRichMedia, onAttempt: rec.onAttempt, sleep: rec.sleep })
        .then(() => undefined, (e: Error) => e);
      expect(error?.message).to.equal(message);
      expect(calls).to.equal(1);
      expect(rec.slept).to.deep.equal([]);
      expect(rec.reports).to.have.length(1);
      expect(rec.reports[0]).to.include({ attempt: 1, retryable: false, retrying: false, delayMs: 0 });
    }
  });

  it('throws the last error once attempts run out', async () => {
    const policy = new RetryPolicy({ maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100, random: seeded(1) });
    const rec = recorder();
    let calls = 0;
    const error = await policy
      .withRetry(async (attempt) => {
        calls++;
        throw new Error(`${RICH_MEDIA_FAILED} #${attempt}`);
      }, { isRetryable: retryOnRichMedia, onAttempt: rec.onAttempt, sleep: rec.sleep })
      .then(() => undefined, (e: Error) => e);
    expect(calls).to.equal(3);
    expect(error?.message).to.match(/#3$/);
    expect(rec.slept).to.have.length(2);
    expect(rec.reports[2]).to.include({ attempt: 3, maxAttempts: 3, retryable: true, retrying: false });
  });

  it('retries a resolved value judged retryable and returns the last one when attempts run out', async () => {
    const policy = new RetryPolicy({ maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0 });
    const rec = recorder();
    let calls = 0;
    const value = await policy.withRetry(async () => ({ result: -1, n: ++calls }), {
      isRetryable: (o) => o.ok && o.value.result === -1,
      onAttempt: rec.onAttempt,
      sleep: rec.sleep,
    });
    expect(value).to.deep.equal({ result: -1, n: 3 });
    expect(rec.reports.map((r) => r.retrying)).to.deep.equal([true, true, false]);
  });

  it('maxAttempts 1 never retries; the default sleep waits on a real timer', async () => {
    const once = new RetryPolicy({ maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 10 });
    let calls = 0;
    await once.withRetry(async () => { calls++; throw new Error(RICH_MEDIA_FAILED); }, { isRetryable: () => true })
      .catch(() => undefined);
    expect(calls).to.equal(1);

    const twice = new RetryPolicy({ maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 20, random: () => 0.999 });
    const started = Date.now();
    await twice.withRetry(async (attempt) => { if (attempt === 1) throw new Error('x'); }, { isRetryable: () => true });
    expect(Date.now() - started).to.be.at.least(15);
  });

  it('rejects nonsensical options', () => {
    expect(() => new RetryPolicy({ maxAttempts: 0, baseDelayMs: 1, maxDelayMs: 2 })).to.throw(RangeError);
    expect(() => new RetryPolicy({ maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 2 })).to.throw(RangeError);
    expect(() => new RetryPolicy({ maxAttempts: 2, baseDelayMs: -1, maxDelayMs: 2 })).to.throw(RangeError);
  });
});
