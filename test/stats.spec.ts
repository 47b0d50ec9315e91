import { expect } from 'chai';
import { LatencyHistogram, MAX_CONTENTS, MAX_REASONS, MediaStats } from '../src/stats';

describe('stats MediaStats', () => {
  it('counts into the documented snapshot fields', () => {
    let now = 1_700_000_000_000;
    const stats = new MediaStats({ version: '1.2.3', now: () => now });
    stats.add('sendsSeen', 5);
    stats.add('storeHits', 3);
    stats.add('storeMisses');
    stats.add('coalescedPuts', 2);
    stats.add('bytesNotWritten', 4096);
    stats.add('ntqqCopiesMade');
    stats.add('ntqqCopiesAvoided', 4);
    stats.add('uploadsLed');
    stats.add('uploadsFollowed', 3);
    stats.add('uploadsPassed', 6);
    stats.add('retries', 2);
    stats.add('retries', -5); // ignored: counters never go down
    stats.add('retries', Number.NaN);
    stats.add('urlHits', 2);
    stats.add('urlRevalidations');
    stats.add('urlShared', 3);
    stats.add('urlDownloads', 4);
    stats.add('urlBytesNotDownloaded', 6000);
    stats.failed('URL_FAILED');
    stats.failed('URL_FAILED');
    stats.failed('SEND_TIMEOUT');
    stats.leaderOutcome('a'.repeat(32), 'failed');
    stats.leaderOutcome('b'.repeat(32), 'succeeded');
    stats.leaderOutcome('a'.repeat(32), 'succeeded');
    stats.gauge('pacingQueued', () => 12);
    stats.gauge('pacingWaitMs', () => 350);
    stats.paced(0);
    stats.paced(100);
    stats.paced(2500);
    stats.failure('IO');
    stats.failure('IO');
    stats.fallback('TOO_LARGE');
    stats.gauge('leasesHeld', () => 7);
    stats.gauge('storeBytes', () => 123456);
    now += 2500;
    expect(stats.snapshot()).to.deep.equal({
      version: '1.2.3',
      startedAt: new Date(1_700_000_000_000).toISOString(),
      uptimeMs: 2500,
      sends: { seen: 5 },
      store: { hits: 3, misses: 1, coalescedPuts: 2, bytesNotWritten: 4096, bytes: 123456, entries: null },
      ntqq: { copiesMade: 1, copiesAvoided: 4 },
      uploads: { led: 1, followed: 3, passed: 6, retries: 2 },
      url: { hits: 2, revalidated: 1, shared: 3, downloads: 4, bytesNotDownloaded: 6000 },
      pacing: { queued: 12, waitMs: 350, sends: 3, waitedMs: { p50: 101.733, p95: 2500, max: 2500 } }, // p50 within ±5 % (its bucket's middle)
      failuresByCategory: { UPLOAD_FAILED: 0, SEND_TIMEOUT: 1, NOT_SENT: 0, EMPTY_BASE64: 0, URL_FAILED: 2, CACHE_UNUSABLE: 0 },
      leaders: {
        succeeded: 2,
        failed: 1,
        timedOut: 0,
        contents: [
          { content: 'aaaaaaaaaaaa', succeeded: 1, failed: 1, timedOut: 0, lastAt: new Date(1_700_000_000_000).toISOString() },
          { content: 'bbbbbbbbbbbb', succeeded: 1, failed: 0, timedOut: 0, lastAt: new Date(1_700_000_000_000).toISOString() },
        ],
      },
      leasesHeld: 7,
      failures: { IO: 2 },
      fallbacks: { TOO_LARGE: 1 },
      addedLatencyMs: { count: 0, p50: null, p95: null, max: null },
    });
  });

  it('reads gauges at snapshot time and turns a throwing or non-finite gauge into null', () => {
    const stats = new MediaStats({ version: '0' });
    let leases = 1;
    stats.gauge('leasesHeld', () => leases);
    stats.gauge('storeBytes', () => {
      throw new Error('store closed');
    });
    stats.gauge('storeEntries', () => Number.NaN);
    leases = 9;
    const snap = stats.snapshot();
    expect(snap.leasesHeld).to.equal(9);
    expect(snap.store.bytes).to.equal(null);
    expect(snap.store.entries).to.equal(null);
  });

  it('bounds distinct reasons, counting the overflow under "other"', () => {
    const stats = new MediaStats({ version: '0' });
    for (let i = 0; i < MAX_REASONS + 10; i++) stats.failure(`r${i}`);
    stats.failure('r0');
    const { failures } = stats.snapshot();
    expect(Object.keys(failures)).to.have.length(MAX_REASONS + 1);
    expect(failures.other).to.equal(10);
    expect(failures.r0).to.equal(2);
  });

  it('keeps leader outcomes for the MAX_CONTENTS contents that led last, latest first', () => {
    const stats = new MediaStats({ version: '0' });
    const md5 = (i: number) => `${i.toString(16).padStart(12, '0')}${'f'.repeat(20)}`;
    for (let i = 0; i < MAX_CONTENTS + 5; i++) stats.leaderOutcome(md5(i), 'succeeded');
    stats.leaderOutcome(md5(7), 'timedOut');
    const { leaders } = stats.snapshot();
    expect(leaders.contents).to.have.length(MAX_CONTENTS);
    expect(leaders.contents[0]).to.include({ content: md5(7).slice(0, 12), succeeded: 1, timedOut: 1 });
    expect(leaders.contents[1].content).to.equal(md5(MAX_CONTENTS + 4).slice(0, 12));
    const kept = leaders.contents.map((c) => c.content);
    for (let i = 0; i < 5; i++) expect(kept, 'the five that led longest ago').to.not.include(md5(i).slice(0, 12));
    expect([leaders.succeeded, leaders.timedOut]).to.deep.equal([MAX_CONTENTS + 5, 1]);
  });

  it('snapshot is plain JSON', () => {
    const stats = new MediaStats({ version: '0' });
    stats.addedLatency(3);
    const snap = stats.snapshot();
    expect(JSON.parse(JSON.stringify(snap))).to.deep.equal(snap);
  });
});

describe('stats LatencyHistogram', () => {
  const within = (actual: number | null, expected: number, rel = 0.05) => {
    expect(actual).to.be.a('number');
    expect(Math.abs((actual as number) - expected) / expected, `${actual} vs ${expected}`).to.be.at.most(rel);
  };

  it('p50/p95 of 1..1000 ms are within the bucket error', () => {
    const h = new LatencyHistogram();
    // Shuffled order: the histogram must not depend on arrival order.
    const samples = Array.from({ length: 1000 }, (_, i) => i + 1).sort((a, b) => ((a * 7919) % 1000) - ((b * 7919) % 1000));
    for (const s of samples) h.record(s);
    expect(h.count).to.equal(1000);
    within(h.quantile(0.5), 500);
    within(h.quantile(0.95), 950);
    expect(h.max).to.equal(1000);
  });

  it('sub-millisecond and skewed samples: 90 fast (0.2 ms) and 10 slow (80 ms)', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 90; i++) h.record(0.2);
    for (let i = 0; i < 10; i++) h.record(80);
    within(h.quantile(0.5), 0.2);
    within(h.quantile(0.95), 80);
  });

  it('a single value is reported exactly (clamped to the observed range)', () => {
    const h = new LatencyHistogram();
    h.record(12.5);
    expect(h.quantile(0.5)).to.equal(12.5);
    expect(h.quantile(0.95)).to.equal(12.5);
  });

  it('ignores negative and non-finite samples; zero and huge ones land in the edge buckets', () => {
    const h = new LatencyHistogram();
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) h.record(bad);
    expect(h.count).to.equal(0);
    expect(h.quantile(0.5)).to.equal(null);
    h.record(0);
    h.record(10_000_000);
    expect(h.quantile(0.5)).to.equal(0);
    expect(h.quantile(1)).to.equal(10_000_000);
  });

  it('stays within the bucket error over a million samples', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 1_000_000; i++) h.record((i % 97) + 0.5);
    expect(h.count).to.equal(1_000_000);
    within(h.quantile(0.5), 48.5, 0.06);
  });
});
