import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '../logger';

/** Anything held for the length of a send: a store lease, a path lease. */
export interface Releasable {
  release(): void;
}

interface Held {
  lease: Releasable;
  what: string;
  since: number;
  scope: SendScope | undefined;
}

/**
 * One request's worth of leases. NapCat has no object spanning a request on every path,
 * so the scope follows the request's async work (AsyncLocalStorage) and releases what it
 * holds when the request settles, whichever path it took (docs/hooks.md).
 */
export class SendScope {
  readonly #book: SendScopes;
  readonly held = new Set<Held>();
  closed = false;

  constructor(book: SendScopes) {
    this.#book = book;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const entry of this.held) this.#book.release(entry);
  }
}

export interface SendScopesOptions {
  logger: Logger;
  /** A lease older than this is released by the backstop (NapCat's own maxTimeout). */
  maxAgeMs: () => number;
  now?: () => number;
  /** Told about every lease the backstop had to release. */
  onBackstop?: (what: string, ageMs: number) => void;
}

export class SendScopes {
  readonly #storage = new AsyncLocalStorage<SendScope>();
  readonly #all = new Set<Held>();
  readonly #options: SendScopesOptions;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: SendScopesOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  current(): SendScope | undefined {
    const scope = this.#storage.getStore();
    return scope && !scope.closed ? scope : undefined;
  }

  /** Runs `fn` in a scope of its own (or the one already open) and closes it when `fn` settles. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed || this.current()) return fn();
    const scope = new SendScope(this);
    try {
      return await this.#storage.run(scope, fn);
    } finally {
      scope.close();
    }
  }

  /** A scope that outlives the call that opens it; its owner closes it (or the backstop does). */
  open(): SendScope {
    return new SendScope(this);
  }

  enter<T>(scope: SendScope, fn: () => T): T {
    return this.#closed ? fn() : this.#storage.run(scope, fn);
  }

  /** Hangs `lease` on the current scope; outside any scope only the backstop will release it. */
  hold(lease: Releasable, what: string): void {
    const scope = this.current();
    const entry: Held = { lease, what, since: this.#now(), scope };
    this.#all.add(entry);
    scope?.held.add(entry);
  }

  /** Number of leases held right now, in scopes or not. */
  get size(): number {
    return this.#all.size;
  }

  release(entry: Held): void {
    if (!this.#all.delete(entry)) return;
    entry.scope?.held.delete(entry);
    try {
      entry.lease.release();
    } catch (error) {
      this.#options.logger.warn('释放租约失败 / releasing a lease failed', entry.what, error);
    }
  }

  /** Releases every lease older than the maximum age; returns how many. */
  sweep(): number {
    const now = this.#now();
    const maxAge = this.#options.maxAgeMs();
    let count = 0;
    for (const entry of [...this.#all]) {
      const age = now - entry.since;
      if (age < maxAge) continue;
      count++;
      this.#options.logger.warn(
        `租约超过 NapCat 最长发送时间仍未释放，已强制释放 / lease outlived NapCat's maxTimeout, released by the backstop: ${entry.what} (${age} ms)`,
      );
      this.#options.onBackstop?.(entry.what, age);
      this.release(entry);
    }
    return count;
  }

  /** Starts the backstop sweep; the timer never keeps the process alive. */
  startBackstop(everyMs: number): void {
    this.stopBackstop();
    this.#timer = setInterval(() => this.sweep(), everyMs);
    this.#timer.unref();
  }

  stopBackstop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Releases everything and stops following requests (plugin cleanup). The storage is
   * disabled: Node copies every enabled AsyncLocalStorage onto each new async resource of the
   * process, so one left enabled per reload made every promise in NapCat slower (after 100
   * reloads with sends, 300k awaited promises took 7.3 s instead of 0.2 s: reloads.spec.ts).
   * A send still running afterwards holds no scope.
   */
  releaseAll(): void {
    this.#closed = true;
    this.#storage.disable();
    this.stopBackstop();
    for (const entry of [...this.#all]) this.release(entry);
  }
}
