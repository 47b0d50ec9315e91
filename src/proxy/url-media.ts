// The seam between the proxy and the network for media: "turn a URL into stored bytes".
// It is the plugin's own URL handling (src/http: a private RFC 9111 cache into the same
// store), so a URL fetched by the proxy is reused, revalidated or fetched again by exactly
// the rules the plugin follows, and a random-image endpoint still gives a new picture per send.
import type { MediaCacheConfig } from '../config';
import { UrlCache } from '../http';
import type { MediaStats } from '../stats';
import type { MediaStore } from '../store';
import type { Lease } from '../store/types';

export interface UrlMedia {
  /** The URL's bytes as a store lease; rejects when they cannot be had within the limits. */
  fetch(url: string): Promise<Lease>;
}

export class CachedUrlMedia implements UrlMedia {
  readonly #cache: UrlCache;
  readonly #config: () => Readonly<MediaCacheConfig>;
  readonly #stats: MediaStats | undefined;
  /** Bodies actually downloaded (not answered from the cache, a 304 or a shared download). */
  downloads = 0;

  /** `stats`: the status page's URL counters, counted as the plugin counts them. */
  constructor(store: MediaStore, config: () => Readonly<MediaCacheConfig>, stats?: MediaStats) {
    this.#cache = new UrlCache(store);
    this.#config = config;
    this.#stats = stats;
  }

  async fetch(url: string): Promise<Lease> {
    const config = this.#config();
    const fetched = await this.#cache.fetch(url, {
      maxBodyBytes: config.maxPayloadBytes,
      timeoutMs: config.urlCache.timeoutSeconds * 1000,
      rules: config.urlCache.rules,
    });
    if (fetched.outcome === 'downloaded') this.downloads++;
    this.#stats?.urlFetched(fetched);
    return fetched.lease;
  }
}
