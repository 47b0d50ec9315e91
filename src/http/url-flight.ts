// One request in flight for a URL, which later requests for the same URL may join: they wait
// for its response headers, then share its outcome only if that response may answer them too
// (nginx `proxy_cache_lock`, but only for what may be shared). Otherwise they go on their own,
// so an endpoint that sends a different picture per request still does.
import type CachePolicy from 'http-cache-semantics';

/** Where the leader's response led: stored content, or another URL. */
export type FlightTarget = { hash: string } | { location: string };

export interface FlightHead {
  policy: CachePolicy;
  /** When the response arrived (ms, the cache's clock). */
  receivedAt: number;
}

export class UrlFlight {
  readonly head: Promise<FlightHead>;
  readonly target: Promise<FlightTarget>;
  #setHead!: (head: FlightHead) => void;
  #failHead!: (error: unknown) => void;
  #setTarget!: (target: FlightTarget) => void;
  #failTarget!: (error: unknown) => void;

  constructor() {
    this.head = new Promise((resolve, reject) => {
      this.#setHead = resolve;
      this.#failHead = reject;
    });
    this.target = new Promise((resolve, reject) => {
      this.#setTarget = resolve;
      this.#failTarget = reject;
    });
    // Nobody may be waiting: a failure with no follower is not an unhandled rejection.
    this.head.catch(() => undefined);
    this.target.catch(() => undefined);
  }

  headersArrived(head: FlightHead): void {
    this.#setHead(head);
  }

  finished(target: FlightTarget): void {
    this.#setTarget(target);
  }

  /** Before the headers this fails the followers' wait; after them, their share of the body. */
  failed(error: unknown): void {
    this.#failHead(error);
    this.#failTarget(error);
  }
}
