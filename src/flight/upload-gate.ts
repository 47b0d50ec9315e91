import { Mutex } from 'async-mutex';
import { LRUCache } from 'lru-cache';
import { ConcurrencyLimit } from './concurrency-limit';

export interface UploadGateOptions {
  /** Most sends carrying media keys that may run at once. Counted per send, never weighted by bytes. */
  maxConcurrent: number;
  /**
   * Most sends that lead at least one key (so may transfer bytes) running at once; they also
   * count against maxConcurrent. Sends whose keys are all confirmed transfer nothing and are
   * held only by maxConcurrent. Default: maxConcurrent.
   */
  maxLeading?: number;
  /**
   * How long a key stays confirmed after its upload succeeded, in ms. Longer means fewer
   * serialised leaders; too long risks trusting a server copy that is gone (call forget()).
   * Default 10 minutes.
   */
  confirmTtlMs?: number;
  /** Most confirmed keys remembered; the least recently used go first. Default 10,000. */
  maxConfirmed?: number;
  /** Clock in ms, injectable for tests. Default Date.now. */
  now?: () => number;
}

/** Counts are per key per send: every key of every gated send is counted as exactly one of led, followed, passed. */
export interface UploadGateStats {
  /** The send carried this key's upload (including a waiter promoted after a leader failed). */
  led: number;
  /** The send waited for another send's upload of this key, which then succeeded. */
  followed: number;
  /** The key was already confirmed when the send arrived. */
  passed: number;
  /** Keys whose leading send rejected or returned a failure; never cached. */
  leaderFailures: number;
  /** Gated sends running now. */
  sending: number;
  /** Gated sends waiting for a free slot under maxConcurrent or maxLeading. */
  queued: number;
  /** Keys currently confirmed (stale ones may linger until looked up). */
  confirmedKeys: number;
}

interface Lane {
  mutex: Mutex;
  /** Holder plus waiters; the lane is dropped at zero so the map holds only keys in play. */
  users: number;
}

const DEFAULT_CONFIRM_TTL_MS = 10 * 60_000;
const DEFAULT_MAX_CONFIRMED = 10_000;

/**
 * Serialises the first upload of each media key (md5) so the server sees one transfer,
 * then lets every later send of that key through concurrently, because the server
 * deduplicates an upload it already has. Two caps: one on the sends that lead a key (the
 * transfers), one on all sends that carry media.
 */
export class UploadGate {
  readonly #lanes = new Map<string, Lane>();
  // Values are confirmation times; expiry is checked here rather than with lru-cache's ttl,
  // which treats a start time of 0 as "never expires" (sinon fake clocks start at 0).
  readonly #confirmed: LRUCache<string, number>;
  readonly #limit: ConcurrencyLimit;
  readonly #leadLimit: ConcurrencyLimit;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #led = 0;
  #followed = 0;
  #passed = 0;
  #leaderFailures = 0;

  constructor(options: UploadGateOptions) {
    this.#limit = new ConcurrencyLimit(options.maxConcurrent);
    this.#leadLimit = new ConcurrencyLimit(options.maxLeading ?? options.maxConcurrent);
    this.#ttlMs = options.confirmTtlMs ?? DEFAULT_CONFIRM_TTL_MS;
    this.#confirmed = new LRUCache({ max: options.maxConfirmed ?? DEFAULT_MAX_CONFIRMED });
    this.#now = options.now ?? (() => Date.now());
  }

  /**
   * Runs `send` under the gate and returns (or throws) exactly what it does.
   *
   * For each key not yet confirmed, the first send leads and later ones wait for it; keys
   * are taken in sorted order so two sends with the same keys in any order cannot
   * deadlock. When the leader's result passes `succeeded` its keys are confirmed and the
   * waiters go through; when it rejects or fails `succeeded`, the next waiter leads.
   * Sends without keys are not gated at all.
   */
  async pass<T>(
    keys: readonly string[],
    send: () => Promise<T>,
    succeeded: (result: T) => boolean = () => true,
  ): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    if (sorted.length === 0) return send();

    const leading: Array<{ key: string; release: () => void }> = [];
    let ok = false;
    try {
      for (const key of sorted) {
        const release = await this.#claim(key);
        if (release) leading.push({ key, release });
      }
      // A leading send takes its lead slot first, so sends queued for one never hold a
      // slot under maxConcurrent that confirmed sends could use.
      const result = leading.length > 0 ? await this.#leadLimit.run(() => this.#limit.run(send)) : await this.#limit.run(send);
      ok = succeeded(result);
      return result;
    } finally {
      // Confirm before releasing, so the waiters woken next already see the key confirmed.
      for (const { key, release } of leading) {
        if (ok) this.#confirmed.set(key, this.#now());
        else this.#leaderFailures++;
        release();
      }
    }
  }

  /** Whether sends of `key` currently go straight through. */
  isConfirmed(key: string): boolean {
    const at = this.#confirmed.get(key);
    if (at === undefined) return false;
    if (this.#now() - at < this.#ttlMs) return true;
    this.#confirmed.delete(key);
    return false;
  }

  /** Makes the next send of `key` lead again, e.g. after the server copy turned out to be gone. */
  forget(key: string): void {
    this.#confirmed.delete(key);
  }

  /** Forgets every confirmed key. Sends in flight are unaffected. */
  clear(): void {
    this.#confirmed.clear();
  }

  /** Changes the caps live; sends in flight keep running (see ConcurrencyLimit.setMax). */
  setCaps(maxConcurrent: number, maxLeading = maxConcurrent): void {
    this.#limit.setMax(maxConcurrent);
    this.#leadLimit.setMax(maxLeading);
  }

  stats(): UploadGateStats {
    return {
      led: this.#led,
      followed: this.#followed,
      passed: this.#passed,
      leaderFailures: this.#leaderFailures,
      sending: this.#limit.active,
      queued: this.#limit.waiting + this.#leadLimit.waiting,
      confirmedKeys: this.#confirmed.size,
    };
  }

  /** Returns a releaser when this send leads `key`, nothing when it may go straight through. */
  async #claim(key: string): Promise<(() => void) | undefined> {
    if (this.isConfirmed(key)) {
      this.#passed++;
      return undefined;
    }
    let lane = this.#lanes.get(key);
    if (!lane) {
      lane = { mutex: new Mutex(), users: 0 };
      this.#lanes.set(key, lane);
    }
    const waited = lane.users > 0;
    lane.users++;
    const unlock = await lane.mutex.acquire();
    const release = () => {
      unlock();
      if (--lane.users === 0) this.#lanes.delete(key);
    };
    if (this.isConfirmed(key)) {
      release();
      if (waited) this.#followed++;
      else this.#passed++;
      return undefined;
    }
    this.#led++;
    return release;
  }
}
