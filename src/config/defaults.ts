// The configuration shape and its built-in defaults, stated once here. The shipped
// plugin.json repeats them as the editable layer above (a test keeps the two equal).
// Allowed ranges live in fields.ts next to the labels.

/** Retry policy for sends that surely did not deliver (NTQQ result -1 `rich media transfer failed`). */
export interface RetryConfig {
  /**
   * Total attempts including the first, 1–10. More attempts hide more transient server
   * failures but hold the client's request open longer; `Timeout`s are never retried.
   */
  maxAttempts: number;
  /**
   * First backoff in ms (jittered, doubled per attempt), 0–60000. Higher spares a struggling
   * server; lower answers the client sooner.
   */
  baseDelayMs: number;
  /** Cap on one backoff in ms, 0–600000, and at least `baseDelayMs`. */
  maxDelayMs: number;
}

/** An operator's minimum freshness for URLs known never to change (`urlCache.rules`). */
export interface UrlRule {
  /** URL pattern; `*` matches any run of characters (`https://img.example.com/*`). */
  readonly match: string;
  /** A stored response of a matching URL is reused for at least this long, whatever its headers say (never a `no-store` one). */
  readonly minFreshSeconds: number;
}

/** `http(s)://` media: a private HTTP cache (RFC 9111) in front of the store. */
export interface UrlCacheConfig {
  /**
   * On: URL media are fetched by the plugin and reused while HTTP says they are fresh
   * (revalidated when stale; `no-store` never kept). Off: every send downloads through NapCat.
   */
  enabled: boolean;
  /**
   * Seconds one URL fetch may take, redirects and body included, 1–600. NapCat's own download
   * has no limit; a dead server would otherwise hold the send until NapCat's send timeout.
   */
  timeoutSeconds: number;
  /** Opt-in minimum freshness per URL pattern (NapCat #2057: cache for 7 days); empty = HTTP's rules only. */
  rules: readonly UrlRule[];
}

/** Opt-in pacing of media sends: a token bucket served in arrival order. */
export interface PacingConfig {
  /**
   * Media sends started per second, 0 = off (no pacing), 1–1000. QQ's risk control punishes
   * bursts (NapCat #1658); lower is gentler but a broadcast of N takes about N / rate seconds.
   */
  mediaSendsPerSecond: number;
  /** Sends that may start at once when the bucket is full, 1–1000; 1 spaces every send evenly. */
  burst: number;
}

export interface MediaCacheConfig {
  /** Master switch. Off = every send takes NapCat's own path untouched; nothing else changes. */
  enabled: boolean;
  /**
   * Where the content-addressed store lives. Empty = `<dataPath>/cache`; a relative path
   * resolves under dataPath and may not climb out of it; an absolute path is taken as the
   * operator's choice. Every NapCat process of one install must point at the same place
   * to share files.
   */
  cacheDir: string;
  /**
   * Byte cap of the store. Larger keeps more content decoded (fewer re-decodes and copies
   * for repeated broadcasts) at the cost of disk; files under lease are never evicted, so
   * the store may exceed this briefly.
   */
  maxCacheBytes: number;
  /** Entry cap of the store; bounds the index memory as well as the number of small files. */
  maxEntries: number;
  /**
   * Seconds an unused entry stays before eviction; 0 = evict only by size/count. Longer
   * helps slow repeat broadcasts, shorter frees disk sooner.
   */
  idleTtlSeconds: number;
  /**
   * Seconds a file survives after its last lease is released, before deletion. Covers NTQQ
   * reading a file just after the send returns; too long only delays freeing disk.
   */
  graceSeconds: number;
  /**
   * Largest decoded payload the plugin takes over. Bigger payloads go through NapCat's own
   * path (counted as a fallback), which bounds the plugin's disk writes and hashing per send.
   */
  maxPayloadBytes: number;
  /**
   * Sends that may transfer bytes (an md5 the server has not yet confirmed) in flight at once,
   * across all peers; media sends starting (their first 50 ms in NTQQ) are capped at four times this. Lower eases the link
   * and server-side throttling during broadcasts; higher finishes a broadcast of many distinct
   * images sooner. Measured choice of 4 and of the 4× rule: docs/hooks.md, "The send cap".
   */
  maxConcurrentUploads: number;
  retry: RetryConfig;
  urlCache: UrlCacheConfig;
  pacing: PacingConfig;
  /**
   * Memory the plugin may hold for payloads and its in-memory indexes (e.g. the base64
   * fast path). Higher saves re-hashing of repeated strings; lower keeps NapCat's heap small.
   */
  memoryBudgetBytes: number;
  /** Verbose logs (through `ctx.logger.debug`/`info`); for diagnosing, not for production. */
  debug: boolean;
}

export const DEFAULT_CONFIG: Readonly<MediaCacheConfig> = Object.freeze({
  enabled: true,
  cacheDir: '',
  maxCacheBytes: 512 * 1024 * 1024,
  maxEntries: 2000,
  idleTtlSeconds: 3600,
  graceSeconds: 30,
  maxPayloadBytes: 100 * 1024 * 1024,
  maxConcurrentUploads: 4,
  retry: Object.freeze({ maxAttempts: 3, baseDelayMs: 300, maxDelayMs: 5000 }),
  urlCache: Object.freeze({ enabled: true, timeoutSeconds: 60, rules: Object.freeze([]) }),
  pacing: Object.freeze({ mediaSendsPerSecond: 0, burst: 1 }),
  memoryBudgetBytes: 32 * 1024 * 1024,
  debug: false,
});

/** A copy whose groups the caller may mutate (rule lists are frozen and replaced, never edited). */
export function cloneConfig(config: Readonly<MediaCacheConfig>): MediaCacheConfig {
  return { ...config, retry: { ...config.retry }, urlCache: { ...config.urlCache }, pacing: { ...config.pacing } };
}

/** Frozen all the way down, for the live configuration every consumer reads. */
export function freezeConfig(config: Readonly<MediaCacheConfig>): Readonly<MediaCacheConfig> {
  const copy = cloneConfig(config);
  return Object.freeze({
    ...copy,
    retry: Object.freeze(copy.retry),
    urlCache: Object.freeze({ ...copy.urlCache, rules: Object.freeze(copy.urlCache.rules.map((r) => Object.freeze({ ...r }))) }),
    pacing: Object.freeze(copy.pacing),
  });
}
