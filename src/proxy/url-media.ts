// The seam between the proxy and the network for media: "turn a URL into stored bytes".
// PlainFetchUrlMedia does it with a plain fetch under limits; the RFC 9111 URL cache of
// src/http (with its download proxy) will implement the same interface, and the proxy
// will not change.
import type { MediaStore } from '../store';
import type { Lease } from '../store/types';
import { SingleFlight } from '../flight/single-flight';

export interface UrlMedia {
  /** The URL's bytes as a store lease; rejects when they cannot be had within the limits. */
  fetch(url: string): Promise<Lease>;
}

export interface PlainFetchOptions {
  store: MediaStore;
  /** Whole download, redirects included. */
  timeoutMs: number;
  /** Larger bodies are refused (by Content-Length, or as they stream in). */
  maxBytes: number;
  maxRedirects: number;
  /** Within this window a URL is not fetched again (ms; 0 = every send fetches). */
  coalesceMs: () => number;
}

export class UrlTooLargeError extends Error {}

export class PlainFetchUrlMedia implements UrlMedia {
  readonly #options: PlainFetchOptions;
  readonly #flights = new SingleFlight<string, string>();
  readonly #recent = new Map<string, { at: number; hash: string }>();
  /** Downloads actually made. */
  downloads = 0;

  constructor(options: PlainFetchOptions) {
    this.#options = options;
  }

  async fetch(url: string): Promise<Lease> {
    const windowMs = this.#options.coalesceMs();
    const now = Date.now();
    for (const [key, entry] of this.#recent) if (now - entry.at >= windowMs) this.#recent.delete(key);
    const recent = this.#recent.get(url);
    const held = recent && this.#options.store.acquire(recent.hash);
    if (held) return held;
    const hash = await this.#flights.run(url, async () => {
      const lease = await this.#download(url);
      try {
        if (windowMs > 0) this.#recent.set(url, { at: Date.now(), hash: lease.media.hash });
        return lease.media.hash;
      } finally {
        lease.release();
      }
    });
    // The flight's own lease was released; take ours (the entry stays indexed meanwhile).
    return this.#options.store.acquire(hash) ?? (await this.#download(url));
  }

  async #download(url: string): Promise<Lease> {
    const { timeoutMs, maxBytes, maxRedirects, store } = this.#options;
    const signal = AbortSignal.timeout(timeoutMs);
    let target = url;
    for (let hop = 0; ; hop++) {
      const res = await fetch(target, { redirect: 'manual', signal });
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.body?.cancel();
        if (hop >= maxRedirects) throw new Error(`重定向过多 / more than ${maxRedirects} redirects: ${url}`);
        target = new URL(location, target).toString();
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new Error(`下载失败 / download failed: HTTP ${res.status} ${target}`);
      }
      const declared = Number(res.headers.get('content-length'));
      if (declared > maxBytes) {
        await res.body?.cancel();
        throw new UrlTooLargeError(`媒体过大 / media larger than ${maxBytes} bytes: ${target}`);
      }
      const parts: Uint8Array[] = [];
      let size = 0;
      const reader = res.body?.getReader();
      for (let read = await reader?.read(); reader && read && !read.done; read = await reader.read()) {
        size += read.value.length;
        if (size > maxBytes) {
          await reader.cancel();
          throw new UrlTooLargeError(`媒体过大 / media larger than ${maxBytes} bytes: ${target}`);
        }
        parts.push(read.value);
      }
      this.downloads++;
      return store.putBytes(Buffer.concat(parts));
    }
  }
}
