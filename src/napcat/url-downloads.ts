import { urlFailed, type UrlFailure } from '../errors/catalog';
import { UrlCache, UrlFetchError, shortUrl, type UrlFetch } from '../http';
import { TooLargeError } from '../store/errors';
import type { Lease } from '../store/types';
import type { HookDeps } from './hook-deps';
import { handOverOversize } from './oversize';
import { pathOf } from './shapes';

/** A proxy that keeps failing is reported at most this often (NapCat logs it on every download). */
const PROXY_REPORT_EVERY_MS = 60_000;

/**
 * `http(s)://` segments, fetched by the plugin through its HTTP cache (src/http: RFC 9111, so
 * a random-image endpoint still sends a new picture per request) into the store, with NapCat's
 * download proxy. A URL that fails says why (status, timeout, network) in the catalog's words;
 * a body over maxPayloadBytes, and any fault of ours, goes down NapCat's own download instead.
 */
export class UrlDownloads {
  readonly #deps: HookDeps;
  readonly #cache: UrlCache;
  #proxyReportedAt = -Infinity;

  constructor(deps: HookDeps) {
    this.#deps = deps;
    this.#cache = new UrlCache(deps.store);
  }

  async resolve(url: string, handOver: (lease: Lease) => unknown, napcat: () => Promise<unknown>): Promise<unknown> {
    const config = this.#deps.config();
    if (!config.urlCache.enabled) return napcat();
    let fetched: UrlFetch;
    try {
      fetched = await this.#cache.fetch(url, {
        maxBodyBytes: config.maxPayloadBytes,
        timeoutMs: config.urlCache.timeoutSeconds * 1000,
        proxy: downloadProxy(this.#deps.oneBot),
        rules: config.urlCache.rules,
        onProxyFailure: (error) => this.#proxyFailed(error),
      });
    } catch (error) {
      return this.#failed(url, error, napcat);
    }
    this.#deps.stats.urlFetched(fetched);
    // The download stands in for NapCat's own; only the store put is time we added.
    this.#deps.latency.resolved(fetched.lease.media.path, fetched.storeMs);
    return handOver(fetched.lease);
  }

  #failed(url: string, error: unknown, napcat: () => Promise<unknown>): Promise<unknown> {
    if (error instanceof UrlFetchError && error.code === 'TOO_LARGE') {
      // As with base64: larger than we take over, so NapCat downloads it as it always did.
      const { size = 0, limit = this.#deps.config().maxPayloadBytes } = error.details;
      handOverOversize(this.#deps, new TooLargeError(size, limit), shortUrl(url));
      return napcat();
    }
    if (handOverOversize(this.#deps, error, shortUrl(url))) return napcat();
    const failure = error instanceof UrlFetchError ? urlFailure(error) : undefined;
    if (!failure) {
      this.#deps.failOpen.fault('url', error, shortUrl(url));
      return napcat();
    }
    this.#deps.stats.failed('URL_FAILED');
    return Promise.reject(new Error(urlFailed({ url, failure, napcat: napcatWording(failure) })));
  }

  #proxyFailed(error: unknown): void {
    const now = Date.now();
    if (now - this.#proxyReportedAt < PROXY_REPORT_EVERY_MS) return;
    this.#proxyReportedAt = now;
    this.#deps.logger.warn(
      `下载代理 imageDownloadProxy 失败，已直接下载 / download proxy (imageDownloadProxy) failed, fetched directly: ${(error as Error)?.message ?? String(error)}`,
    );
  }
}

/** NapCat's `imageDownloadProxy` (OneBot config), read per request so a change applies at once. */
function downloadProxy(oneBot: unknown): string | undefined {
  const proxy = pathOf(oneBot, ['configLoader', 'configData', 'imageDownloadProxy']);
  return typeof proxy === 'string' && proxy !== '' ? proxy : undefined;
}

/** The origin's failures; anything else (BAD_URL) is NapCat's to judge. */
function urlFailure(error: UrlFetchError): UrlFailure | undefined {
  const d = error.details;
  switch (error.code) {
    case 'HTTP_STATUS':
      return { kind: 'status', status: d.status ?? 0, statusText: d.statusText ?? '' };
    case 'TIMEOUT':
      return { kind: 'timeout', seconds: (d.timeoutMs ?? 0) / 1000 };
    case 'NETWORK':
      return { kind: 'network', errno: d.errno ?? 'unknown' };
    case 'REDIRECTS':
      return { kind: 'redirects' };
    default:
      return undefined;
  }
}

/** What NapCat's own downloader says for the same failure (`下载文件失败: <statusText>`), kept last for bots that match on it. */
function napcatWording(failure: UrlFailure): string {
  switch (failure.kind) {
    case 'status':
      return `下载文件失败: ${failure.statusText}`;
    case 'timeout':
      return '下载文件失败: timeout';
    case 'network':
      return `下载文件失败: ${failure.errno}`;
    case 'redirects':
      return '下载文件失败: redirect count exceeded';
  }
}
