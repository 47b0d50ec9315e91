import { LRUCache } from 'lru-cache';
import { ConcurrencyLimit, WaitTimeoutError } from './concurrency-limit';

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
  /**
   * A send counts against maxConcurrent for at most this long, ms, then runs on outside it (a
   * send that has started long ago only waits on the server). Default: for as long as it runs.
   * maxLeading always counts a leading send until it ends: transfers share one uplink.
   */
  slotHoldMs?: number;
  /** Clock in ms, injectable for tests. Default Date.now. */
  now?: () => number;
}

/** Options of one pass through the gate. */
export interface PassOptions {
  /** Time (on the gate's clock) after which the send stops waiting and pass() rejects with WaitTimeoutError. */
  deadline?: number;
  /** Told, right before `send` runs, the keys it leads (never called when it leads none). */
  onLead?: (keys: readonly string[]) => void;
}

/** Counts are per key per send: every key of every gated send is counted as exactly one of led, followed, passed. */
export interface UploadGateStats {
  /** The send carried this key's upload (including the waiters that go on together after a leader failed). */
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

/** How a waiting send goes on: as the new leader, or together with the others. */
type Wake = 'lead' | 'together';

interface Lane {
  /** A send leads this key now; the others wait for it. */
  leading: boolean;
  /**
   * A leader failed: from then on sends of the key run without waiting for one another
   * (each may transfer, so each takes a lead slot) until one succeeds or none runs.
   */
  together: boolean;
  /** Sends of the key running now (the leader, or those going together). */
  running: number;
  /** Sends waiting for the leader, in arrival order. */
  waiters: Array<(wake: Wake) => void>;
}

/** How a send that led a key ended: confirmed it, failed (the waiters go on together), or never ran. */
type Outcome = 'succeeded' | 'failed' | 'abandoned';

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
  readonly #slotHoldMs: number | undefined;
  readonly #now: () => number;
  #led = 0;
  #followed = 0;
  #passed = 0;
  #leaderFailures = 0;

  constructor(options: UploadGateOptions) {
    this.#limit = new ConcurrencyLimit(options.maxConcurrent);
    this.#leadLimit = new ConcurrencyLimit(options.maxLeading ?? options.maxConcurrent);
    this.#ttlMs = options.confirmTtlMs ?? DEFAULT_CONFIRM_TTL_MS;
    this.#slotHoldMs = options.slotHoldMs;
    this.#confirmed = new LRUCache({ max: options.maxConfirmed ?? DEFAULT_MAX_CONFIRMED });
    this.#now = options.now ?? (() => Date.now());
  }

  /**
   * Runs `send` under the gate and returns (or throws) exactly what it does.
   *
   * For each key not yet confirmed, the first send leads and later ones wait for it; keys
   * are taken in sorted order so two sends with the same keys in any order cannot
   * deadlock. When the leader's result passes `succeeded` its keys are confirmed and the
   * waiters go through. When it rejects or fails `succeeded`, the waiters go on together
   * (under the caps), not one leader after another: N sends that each fail after T would
   * otherwise answer after N × T. With a deadline, no wait outlasts it (WaitTimeoutError;
   * `send` never ran). Sends without keys are not gated at all.
   */
  async pass<T>(
    keys: readonly string[],
    send: () => Promise<T>,
    succeeded: (result: T) => boolean = () => true,
    options: PassOptions = {},
  ): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    if (sorted.length === 0) return send();

    const leading: Array<{ key: string; release: (outcome: Outcome) => void }> = [];
    let outcome: Outcome = 'abandoned';
    try {
      for (const key of sorted) {
        // A confirmed key goes straight through, without a turn of the event loop.
        if (this.isConfirmed(key)) {
          this.#passed++;
          continue;
        }
        const release = await this.#claim(key, options.deadline);
        if (release) leading.push({ key, release });
      }
      const { deadline } = options;
      const left = () => (deadline === undefined ? undefined : deadline - this.#now());
      const run = () =>
        this.#limit.run(
          () => {
            outcome = 'failed'; // until it says otherwise: it ran
            if (leading.length > 0) options.onLead?.(leading.map((l) => l.key));
            return send();
          },
          left(),
          this.#slotHoldMs,
        );
      // A leading send takes its lead slot first, so sends queued for one never hold a
      // slot under maxConcurrent that confirmed sends could use.
      const result = leading.length > 0 ? await this.#leadLimit.run(run, left()) : await run();
      outcome = succeeded(result) ? 'succeeded' : 'failed';
      return result;
    } finally {
      // Confirm before releasing, so the waiters woken next already see the key confirmed.
      for (const { key, release } of leading) {
        if (outcome === 'succeeded') this.#confirmed.set(key, this.#now());
        else if (outcome === 'failed') this.#leaderFailures++;
        release(outcome);
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

  /** For a key not confirmed: a releaser when this send leads `key` (alone or together), nothing when it followed a leader that succeeded. */
  async #claim(key: string, deadline: number | undefined): Promise<((outcome: Outcome) => void) | undefined> {
    let lane = this.#lanes.get(key);
    if (!lane) {
      lane = { leading: false, together: false, running: 0, waiters: [] };
      this.#lanes.set(key, lane);
    }
    if (lane.together || !lane.leading) {
      if (!lane.together) lane.leading = true;
      return this.#start(key, lane);
    }
    const wake = await this.#wait(lane, deadline);
    if (this.isConfirmed(key)) {
      this.#followed++;
      if (wake === 'lead') lane.leading = false;
      this.#settle(key, lane);
      return undefined;
    }
    if (wake === 'lead') lane.leading = true;
    return this.#start(key, lane);
  }

  #start(key: string, lane: Lane): (outcome: Outcome) => void {
    lane.running++;
    this.#led++;
    let done = false;
    return (outcome) => {
      if (done) return;
      done = true;
      lane.running--;
      if (outcome === 'succeeded') {
        lane.leading = false;
        lane.together = false;
        for (const wake of lane.waiters.splice(0)) wake('together');
      } else if (outcome === 'failed') {
        lane.leading = false;
        lane.together = true;
        for (const wake of lane.waiters.splice(0)) wake('together');
      } else if (!lane.together) {
        // It never ran (its wait timed out): the next waiter leads instead.
        const next = lane.waiters.shift();
        lane.leading = next !== undefined;
        next?.('lead');
      }
      this.#settle(key, lane);
    };
  }

  /** Waits for the lane's leader to end; rejects with WaitTimeoutError at the deadline. */
  #wait(lane: Lane, deadline: number | undefined): Promise<Wake> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter = (wake: Wake) => {
        if (timer) clearTimeout(timer);
        resolve(wake);
      };
      lane.waiters.push(waiter);
      if (deadline === undefined) return;
      timer = setTimeout(() => {
        const at = lane.waiters.indexOf(waiter);
        if (at < 0) return;
        lane.waiters.splice(at, 1);
        reject(new WaitTimeoutError());
      }, Math.max(0, deadline - this.#now()));
    });
  }

  /** Drops a lane nobody runs or waits on, so the map holds only keys in play. */
  #settle(key: string, lane: Lane): void {
    if (lane.running > 0 || lane.waiters.length > 0) return;
    lane.together = false;
    if (!lane.leading && this.#lanes.get(key) === lane) this.#lanes.delete(key);
  }
}
