// A private HTTP cache (RFC 9111) for media URLs, by kornelski's http-cache-semantics (the
// policy make-fetch-happen and got use): it decides what may be stored, what is fresh and how
// to revalidate; the bytes go into the content-addressed store, so a URL and a base64 of the
// same picture are one file. Knows nothing of NapCat or OneBot.
import CachePolicy from 'http-cache-semantics';
import { LRUCache } from 'lru-cache';
import type { Lease } from '../store/types';
import { readBody } from './body';
import { UrlFetchError } from './errors';
import { FreshnessRules, type FreshnessRule } from './freshness-rules';
import type { HttpResponse, RequestHeaders } from './response';
import { requestOnce, transportError } from './transport';
import { UrlFlight, type FlightHead, type FlightTarget } from './url-flight';

const NO_RULES: readonly FreshnessRule[] = Object.freeze([]);

/** What the cache needs of the store: put bytes, and lease content it already has. */
export interface ContentStore {
  putBytes(bytes: Uint8Array): Promise<Lease>;
  acquire(hash: string): Lease | undefined;
}

export interface UrlFetchOptions {
  /** Largest body accepted (the plugin's maxPayloadBytes). */
  maxBodyBytes: number;
  /** For the whole fetch, redirects included. */
  timeoutMs: number;
  /** An http:// proxy tried first, with a direct request if it fails (NapCat's `imageDownloadProxy`). */
  proxy?: string;
  /** Request headers beyond fetch's defaults; `Vary` is matched against them. */
  headers?: RequestHeaders;
  rules?: readonly FreshnessRule[];
  onProxyFailure?: (error: unknown) => void;
}

/**
 * How the bytes were had: `hit` fresh in the cache, no request; `revalidated` a 304 confirmed
 * the stored file; `shared` another request's download, joined; `downloaded` a body of its own.
 */
export type UrlOutcome = 'hit' | 'revalidated' | 'shared' | 'downloaded';

export interface UrlFetch {
  lease: Lease;
  outcome: UrlOutcome;
  /** Body bytes this fetch did not download (the stored size unless `downloaded`). */
  bytesSaved: number;
  /** Time spent putting the downloaded body into the store (0 unless `downloaded`). */
  storeMs: number;
}

export interface UrlCacheOptions {
  /** URLs remembered (each with up to MAX_VARIANTS responses); the least recent go first. */
  maxUrls?: number;
  /** The clock (read per call, like http-cache-semantics reads Date.now()). */
  now?: () => number;
}

/** A stored response: the policy that judges it and what it led to. */
interface Stored extends FlightHead {
  /** The request headers it answered, for `Vary` (policy.evaluateRequest checks them too). */
  request: RequestHeaders;
  target: FlightTarget;
}

interface Fetching {
  options: UrlFetchOptions;
  signal: AbortSignal;
  rules: FreshnessRules;
  hops: number;
}

/** Fetch's own limit. */
const MAX_REDIRECTS = 20;
const MAX_VARIANTS = 4;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** A private cache: `private` responses are storable, `s-maxage` is not ours. */
const POLICY_OPTIONS = { shared: false } as const;

export class UrlCache {
  readonly #store: ContentStore;
  readonly #index: LRUCache<string, Stored[]>;
  readonly #compiledRules: WeakMap<readonly FreshnessRule[], FreshnessRules>;
  readonly #flights = new Map<string, UrlFlight>();
  readonly #now: () => number;

  constructor(store: ContentStore, options: UrlCacheOptions = {}) {
    this.#store = store;
    this.#index = new LRUCache({ max: options.maxUrls ?? 1000 });
    this.#compiledRules = new WeakMap();
    this.#now = options.now ?? (() => Date.now());
  }

  /**
   * The compiled form of a rules list, compiled once per list: config lists are replaced, never
   * changed in place, so the array itself is the key (up to 100 globs, not per fetch).
   */
  #rulesFor(rules: readonly FreshnessRule[]): FreshnessRules {
    let compiled = this.#compiledRules.get(rules);
    if (!compiled) this.#compiledRules.set(rules, (compiled = new FreshnessRules(rules)));
    return compiled;
  }

  /** A lease on the URL's content, or a UrlFetchError (or the store's own error, passed on as it is). */
  async fetch(url: string, options: UrlFetchOptions): Promise<UrlFetch> {
    if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) throw new UrlFetchError('BAD_URL', url);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), options.timeoutMs);
    try {
      return await this.#fetch(url, { options, signal: abort.signal, rules: this.#rulesFor(options.rules ?? NO_RULES), hops: 0 });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Forgets every stored response (the files stay in the store). */
  clear(): void {
    this.#index.clear();
  }

  async #fetch(url: string, f: Fetching): Promise<UrlFetch> {
    if (f.hops > MAX_REDIRECTS) throw new UrlFetchError('REDIRECTS', url);
    const request = policyRequest(url, f.options.headers);
    const flight = this.#flights.get(url);
    if (flight) {
      const head = await flight.head; // a failure before any header fails its followers alike
      if (this.#fresh(url, head, request, f.rules)) {
        const shared = await this.#follow(await flight.target, f, 'shared');
        if (shared) return shared;
      }
      return this.#lead(url, request, f, undefined);
    }
    const stored = this.#lookup(url, request);
    if (stored && this.#fresh(url, stored, request, f.rules)) {
      const hit = await this.#follow(stored.target, f, 'hit');
      if (hit) return hit;
    }
    const flightOfOurs = new UrlFlight();
    this.#flights.set(url, flightOfOurs);
    try {
      return await this.#lead(url, request, f, flightOfOurs, stored);
    } catch (error) {
      flightOfOurs.failed(error);
      throw error;
    } finally {
      if (this.#flights.get(url) === flightOfOurs) this.#flights.delete(url);
    }
  }

  /** Reuses what a stored or shared response led to; undefined if its content is gone. */
  async #follow(target: FlightTarget, f: Fetching, outcome: 'hit' | 'shared'): Promise<UrlFetch | undefined> {
    if ('location' in target) return this.#fetch(target.location, { ...f, hops: f.hops + 1 });
    const lease = this.#store.acquire(target.hash);
    return lease && { lease, outcome, bytesSaved: lease.media.size, storeMs: 0 };
  }

  /** Asks the origin: conditionally when a stored body can be revalidated. */
  async #lead(url: string, request: PolicyRequest, f: Fetching, flight: UrlFlight | undefined, stored?: Stored): Promise<UrlFetch> {
    const hop = { proxy: f.options.proxy, signal: f.signal, timeoutMs: f.options.timeoutMs, onProxyFailure: f.options.onProxyFailure };
    if (stored && 'hash' in stored.target) {
      const conditional = { ...request, headers: stored.policy.revalidationHeaders(request) as RequestHeaders };
      const response = await requestOnce(url, withoutHost(conditional.headers), hop);
      if (response.status !== 304) return this.#answer(url, request, response, f, flight);
      response.discard();
      const { policy, modified } = stored.policy.revalidatedPolicy(conditional, meta(response));
      const lease = modified ? undefined : this.#store.acquire(stored.target.hash);
      if (lease) {
        const head = { policy, receivedAt: this.#now() };
        this.#remember(url, { ...head, request: request.headers, target: stored.target });
        flight?.headersArrived(head);
        flight?.finished(stored.target);
        return { lease, outcome: 'revalidated', bytesSaved: lease.media.size, storeMs: 0 };
      }
      // The stored file is gone from the store (or the 304 did not match): ask for the body.
    }
    const response = await requestOnce(url, withoutHost(request.headers), hop);
    return this.#answer(url, request, response, f, flight);
  }

  async #answer(url: string, request: PolicyRequest, response: HttpResponse, f: Fetching, flight: UrlFlight | undefined): Promise<UrlFetch> {
    const head: FlightHead = { policy: new CachePolicy(request, meta(response), POLICY_OPTIONS), receivedAt: this.#now() };
    flight?.headersArrived(head);
    const location = response.headers.location;
    if (REDIRECTS.has(response.status) && location) {
      response.discard();
      const target = { location: new URL(location, url).href };
      this.#remember(url, { ...head, request: request.headers, target });
      flight?.finished(target);
      return this.#fetch(target.location, { ...f, hops: f.hops + 1 });
    }
    if (response.status < 200 || response.status > 299) {
      response.discard();
      throw new UrlFetchError('HTTP_STATUS', url, { status: response.status, statusText: response.statusText });
    }
    const body = await readBody(url, response, f.options.maxBodyBytes).catch((error: unknown) => {
      throw transportError(url, error, { signal: f.signal, timeoutMs: f.options.timeoutMs });
    });
    const started = performance.now();
    const lease = await this.#store.putBytes(body);
    const storeMs = performance.now() - started;
    const target = { hash: lease.media.hash };
    this.#remember(url, { ...head, request: request.headers, target });
    flight?.finished(target);
    return { lease, outcome: 'downloaded', bytesSaved: 0, storeMs };
  }

  /** Fresh per RFC 9111 for this request, or within an operator's minimum freshness for the URL. */
  #fresh(url: string, stored: FlightHead & { request?: RequestHeaders }, request: PolicyRequest, rules: FreshnessRules): boolean {
    const { policy } = stored;
    if (!policy.storable()) return false;
    if (policy.satisfiesWithoutRevalidation(request)) return true;
    const minFreshMs = rules.minFreshMs(url);
    return minFreshMs > 0 && this.#now() - stored.receivedAt < minFreshMs && varyMatches(policy, stored.request, request.headers);
  }

  #lookup(url: string, request: PolicyRequest): Stored | undefined {
    return this.#index.get(url)?.find((s) => varyMatches(s.policy, s.request, request.headers));
  }

  /** Keeps a storable response (never a `no-store` one), replacing the variant it updates. */
  #remember(url: string, stored: Stored): void {
    const variants = (this.#index.get(url) ?? []).filter((s) => !varyMatches(s.policy, s.request, stored.request));
    if (stored.policy.storable()) variants.unshift(stored);
    if (variants.length > 0) this.#index.set(url, variants.slice(0, MAX_VARIANTS));
    else this.#index.delete(url);
  }
}

type PolicyRequest = { url: string; method: 'GET'; headers: RequestHeaders };

/** The request as the policy sees it: lower-case names, with `host` (it matches on it). */
function policyRequest(url: string, headers: RequestHeaders = {}): PolicyRequest {
  const lower: RequestHeaders = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  lower.host = new URL(url).host;
  return { url, method: 'GET', headers: lower };
}

/** fetch sets Host itself. */
function withoutHost(headers: CachePolicy.Headers): RequestHeaders {
  const out: RequestHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name !== 'host' && value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function meta(response: HttpResponse): CachePolicy.Response {
  return { status: response.status, headers: response.headers };
}

/** The request headers a response's `Vary` names are equal (RFC 9111 §4.1); `Vary: *` never matches. */
function varyMatches(policy: CachePolicy, before: RequestHeaders | undefined, now: RequestHeaders): boolean {
  const vary = policy.responseHeaders().vary;
  if (vary === undefined) return true;
  const names = (Array.isArray(vary) ? vary.join(',') : vary).split(',').map((n) => n.trim().toLowerCase());
  if (names.includes('*')) return false;
  return names.every((name) => name === '' || before?.[name] === now[name]);
}
