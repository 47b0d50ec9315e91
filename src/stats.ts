// Counters, gauges and the latency the plugin adds, for the status page and the
// authenticated /stats route. Memory is fixed: a log-bucket histogram instead of a sample
// array, and a cap on distinct failure/fallback reasons and on contents tracked.
import { CATALOG, type FailureCategory } from './errors/catalog';
import type { UrlFetch } from './http';

/** Monotonic counters, all starting at 0. */
export interface Counters {
  /** Sends carrying media that reached the hooks. */
  sendsSeen: number;
  /** Puts answered by content already in the store. */
  storeHits: number;
  /** Puts that wrote new content. */
  storeMisses: number;
  /** Puts that joined another in-flight put of the same content. */
  coalescedPuts: number;
  /** Bytes a hit or coalesced put did not have to write. */
  bytesNotWritten: number;
  /** Copies into NTQQ's `Ori/<md5>` path actually made. */
  ntqqCopiesMade: number;
  /** Copies skipped because a verified copy was already there. */
  ntqqCopiesAvoided: number;
  /** Sends that led the upload of their md5. */
  uploadsLed: number;
  /** Sends that waited for a leader, then went. */
  uploadsFollowed: number;
  /** Sends whose md5 was already confirmed on the server. */
  uploadsPassed: number;
  /** Retry attempts after a failure that surely did not deliver. */
  retries: number;
  /** URL fetches answered by a fresh stored response, without a request. */
  urlHits: number;
  /** URL fetches whose stored response a 304 confirmed (no body downloaded). */
  urlRevalidations: number;
  /** URL fetches that joined another request's download of a shareable response. */
  urlShared: number;
  /** URL fetches that downloaded a body. */
  urlDownloads: number;
  /** Body bytes the hits, revalidations and shared downloads did not download. */
  urlBytesNotDownloaded: number;
}

export type CounterName = keyof Counters;
export type GaugeName = 'leasesHeld' | 'storeBytes' | 'storeEntries' | 'pacingQueued' | 'pacingWaitMs';

/** How the send that led one content's upload ended. */
export type LeaderOutcome = 'succeeded' | 'failed' | 'timedOut';

/** One content's leaders, by outcome; `content` is the md5's first 12 hex digits. */
export interface ContentLeaders extends Record<LeaderOutcome, number> {
  content: string;
  /** ISO time of its latest leader's end. */
  lastAt: string;
}

/**
 * What `snapshot()` returns and `/stats` serves. Field names are stable: the status page and
 * outside tools read them by these dotted paths (`store.hits`, `addedLatencyMs.p95`, …).
 */
export interface StatsSnapshot {
  version: string;
  /** ISO time the stats object was created (plugin load). */
  startedAt: string;
  uptimeMs: number;
  sends: { seen: number };
  store: {
    hits: number;
    misses: number;
    coalescedPuts: number;
    bytesNotWritten: number;
    /** Gauges; null until the store wires them (or if reading failed). */
    bytes: number | null;
    entries: number | null;
  };
  ntqq: { copiesMade: number; copiesAvoided: number };
  uploads: { led: number; followed: number; passed: number; retries: number };
  url: { hits: number; revalidated: number; shared: number; downloads: number; bytesNotDownloaded: number };
  /**
   * `queued`/`waitMs`: gauges (sends waiting for their token now; how long a send arriving now
   * would wait), null until pacing is wired, 0 while it is off. `sends`: sends that took a token
   * with pacing on; `waitedMs`: their waits, quantiles within ±5 % (null with none).
   */
  pacing: {
    queued: number | null;
    waitMs: number | null;
    sends: number;
    waitedMs: { p50: number | null; p95: number | null; max: number | null };
  };
  /**
   * Failures by the error catalog's category (docs/errors.md), every category present: the ones
   * answered to clients, and CACHE_UNUSABLE, the store's failed opens (said in the log).
   */
  failuresByCategory: Record<FailureCategory, number>;
  /** Leaders' outcomes in all, and per content for the MAX_CONTENTS contents that led last (latest first). */
  leaders: Record<LeaderOutcome, number> & { contents: ContentLeaders[] };
  leasesHeld: number | null;
  /** Count by reason, e.g. `{"IO": 2}`; at most MAX_REASONS keys plus `other`. */
  failures: Record<string, number>;
  /** Sends handed back to NapCat's own path, by reason. */
  fallbacks: Record<string, number>;
  /** Latency the plugin added per send, in ms; quantiles within ±5 %; null with no samples. */
  addedLatencyMs: { count: number; p50: number | null; p95: number | null; max: number | null };
}

export interface MediaStatsOptions {
  version: string;
  /** Clock in ms; injectable for tests. */
  now?: () => number;
}

/** Distinct reasons kept per map; later new reasons count under `other`, bounding memory. */
export const MAX_REASONS = 32;
/** Contents whose leader outcomes are kept; the one that led longest ago goes first. */
export const MAX_CONTENTS = 20;

export class MediaStats {
  readonly #counters: Counters = {
    sendsSeen: 0,
    storeHits: 0,
    storeMisses: 0,
    coalescedPuts: 0,
    bytesNotWritten: 0,
    ntqqCopiesMade: 0,
    ntqqCopiesAvoided: 0,
    uploadsLed: 0,
    uploadsFollowed: 0,
    uploadsPassed: 0,
    retries: 0,
    urlHits: 0,
    urlRevalidations: 0,
    urlShared: 0,
    urlDownloads: 0,
    urlBytesNotDownloaded: 0,
  };
  readonly #categories = Object.fromEntries(CATALOG.map((e) => [e.category, 0])) as Record<FailureCategory, number>;
  readonly #leaders: Record<LeaderOutcome, number> = { succeeded: 0, failed: 0, timedOut: 0 };
  /** Map order is recency: a content that leads again moves to the end. */
  readonly #contents = new Map<string, ContentLeaders>();
  readonly #failures = new Map<string, number>();
  readonly #fallbacks = new Map<string, number>();
  readonly #gauges = new Map<GaugeName, () => number>();
  readonly #latency = new LatencyHistogram();
  readonly #pacingWaits = new LatencyHistogram();
  readonly #version: string;
  readonly #now: () => number;
  readonly #startedAt: number;

  constructor(options: MediaStatsOptions) {
    this.#version = options.version;
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
  }

  add(counter: CounterName, n = 1): void {
    if (Number.isFinite(n) && n > 0) this.#counters[counter] += n;
  }

  failure(reason: string): void {
    bump(this.#failures, reason);
  }

  fallback(reason: string): void {
    bump(this.#fallbacks, reason);
  }

  /** A failure reported to a client, in the error catalog's terms. */
  failed(category: FailureCategory): void {
    this.#categories[category] += 1;
  }

  /** The send leading the upload of `md5` ended so. */
  leaderOutcome(md5: string, outcome: LeaderOutcome): void {
    this.#leaders[outcome] += 1;
    const content = md5.slice(0, 12);
    const entry = this.#contents.get(content) ?? { content, succeeded: 0, failed: 0, timedOut: 0, lastAt: '' };
    entry[outcome] += 1;
    entry.lastAt = new Date(this.#now()).toISOString();
    this.#contents.delete(content);
    this.#contents.set(content, entry);
    if (this.#contents.size > MAX_CONTENTS) this.#contents.delete(this.#contents.keys().next().value as string);
  }

  /** A URL answered through the HTTP cache (plugin and proxy alike): how, and the bytes it spared. */
  urlFetched({ outcome, bytesSaved }: Pick<UrlFetch, 'outcome' | 'bytesSaved'>): void {
    this.add(outcome === 'hit' ? 'urlHits' : outcome === 'revalidated' ? 'urlRevalidations' : outcome === 'shared' ? 'urlShared' : 'urlDownloads');
    this.add('urlBytesNotDownloaded', bytesSaved);
  }

  /** A send took its pacing token after `waitMs` (pacing on). */
  paced(waitMs: number): void {
    this.#pacingWaits.record(waitMs);
  }

  /** Milliseconds the plugin added to one send. */
  addedLatency(ms: number): void {
    this.#latency.record(ms);
  }

  /** Feeds a gauge from a callback read at snapshot time; replaces any earlier one. */
  gauge(name: GaugeName, read: () => number): void {
    this.#gauges.set(name, read);
  }

  snapshot(): StatsSnapshot {
    const c = this.#counters;
    return {
      version: this.#version,
      startedAt: new Date(this.#startedAt).toISOString(),
      uptimeMs: Math.max(0, this.#now() - this.#startedAt),
      sends: { seen: c.sendsSeen },
      store: {
        hits: c.storeHits,
        misses: c.storeMisses,
        coalescedPuts: c.coalescedPuts,
        bytesNotWritten: c.bytesNotWritten,
        bytes: this.#readGauge('storeBytes'),
        entries: this.#readGauge('storeEntries'),
      },
      ntqq: { copiesMade: c.ntqqCopiesMade, copiesAvoided: c.ntqqCopiesAvoided },
      uploads: { led: c.uploadsLed, followed: c.uploadsFollowed, passed: c.uploadsPassed, retries: c.retries },
      url: {
        hits: c.urlHits,
        revalidated: c.urlRevalidations,
        shared: c.urlShared,
        downloads: c.urlDownloads,
        bytesNotDownloaded: c.urlBytesNotDownloaded,
      },
      pacing: {
        queued: this.#readGauge('pacingQueued'),
        waitMs: this.#readGauge('pacingWaitMs'),
        sends: this.#pacingWaits.count,
        waitedMs: quantiles(this.#pacingWaits),
      },
      failuresByCategory: { ...this.#categories },
      leaders: { ...this.#leaders, contents: [...this.#contents.values()].reverse().map((e) => ({ ...e })) },
      leasesHeld: this.#readGauge('leasesHeld'),
      failures: Object.fromEntries(this.#failures),
      fallbacks: Object.fromEntries(this.#fallbacks),
      addedLatencyMs: { count: this.#latency.count, ...quantiles(this.#latency) },
    };
  }

  #readGauge(name: GaugeName): number | null {
    const read = this.#gauges.get(name);
    if (!read) return null;
    try {
      const value = read();
      return Number.isFinite(value) ? value : null;
    } catch {
      // A snapshot must never throw: the status page would go blank for one bad gauge.
      return null;
    }
  }
}

function quantiles(h: LatencyHistogram): { p50: number | null; p95: number | null; max: number | null } {
  return { p50: h.quantile(0.5), p95: h.quantile(0.95), max: h.count > 0 ? h.max : null };
}

function bump(map: Map<string, number>, reason: string): void {
  const key = map.has(reason) || map.size < MAX_REASONS ? reason : 'other';
  map.set(key, (map.get(key) ?? 0) + 1);
}

// Buckets grow by 2^(1/8) from 10 µs to ~100 s: 190 counters, and reporting the geometric
// middle of a bucket is off by at most 2^(1/16) - 1 ≈ 4.4 % of the true value.
const STEPS_PER_DOUBLING = 8;
const MIN_MS = 0.01;
const BUCKETS = 190;

/** Fixed-size histogram of non-negative durations (ms). */
export class LatencyHistogram {
  readonly #buckets = new Uint32Array(BUCKETS);
  count = 0;
  min = Infinity;
  max = 0;

  record(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.#buckets[bucketOf(ms)] += 1;
    this.count += 1;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }

  /** The q-quantile (0 < q ≤ 1) estimate, clamped to the observed range; null if empty. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#buckets[i];
      if (seen < rank) continue;
      // The last bucket is open-ended: its middle means nothing, the observed max does.
      if (i === BUCKETS - 1) return round3(this.max);
      return round3(Math.min(this.max, Math.max(this.min, middleOf(i))));
    }
    return round3(this.max);
  }
}

function bucketOf(ms: number): number {
  if (ms < MIN_MS) return 0;
  const i = Math.floor(Math.log2(ms / MIN_MS) * STEPS_PER_DOUBLING) + 1;
  return Math.min(BUCKETS - 1, i);
}

function middleOf(bucket: number): number {
  if (bucket === 0) return 0;
  return MIN_MS * 2 ** ((bucket - 1 + 0.5) / STEPS_PER_DOUBLING);
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
