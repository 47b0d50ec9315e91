import { ConcurrencyLimit } from './concurrency-limit';
import type { AttemptOutcome } from './retry';

export interface LanesOptions {
  /** Sends running at once across all lanes. Different keys run in parallel up to this. */
  maxConcurrent: number;
}

export interface LaneStats {
  /** Sends running now (admitted to all their lanes and holding a slot). */
  running: number;
  /** Sends waiting for a lane or a slot. */
  waiting: number;
  /** Keys with a send running or waiting. */
  lanes: number;
  /** Sends that had to wait behind another send of the same key. */
  queued: number;
  /** Times a lane let every waiter go at once: the send ahead timed out or held past its limit. */
  opened: number;
  /** Sends that held a lane past their limit (the lane moved on without them). */
  overstayed: number;
}

/** Thrown to a waiting send whose signal aborted; it never ran. */
export class LaneAbortError extends Error {
  constructor() {
    super('发送已取消 / send cancelled before it ran');
    this.name = 'LaneAbortError';
  }
}

interface Waiter {
  admit(): void;
}

interface Lane {
  /** Sends admitted and still within their hold limit. */
  holding: number;
  /** Sends admitted or waiting; the lane is dropped at zero. */
  users: number;
  queue: Waiter[];
  /** The next admission lets every waiter go (after a timeout or an overstay). */
  open: boolean;
}

/** One admission to one lane: released once, expired at most once. */
interface Ticket {
  lane: Lane;
  key: string;
  holding: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * One send per key at a time (a lane per key, FIFO), different keys in parallel under a
 * global cap. A send with several keys takes its lanes in sorted order, so two sends never
 * deadlock. A send never keeps a lane longer than its hold limit: past it, or when it comes
 * back timed out, the lane lets everyone waiting go at once, so a stuck key costs the
 * queue about two hold limits, not one per waiter.
 */
export class Lanes {
  readonly #lanes = new Map<string, Lane>();
  readonly #limit: ConcurrencyLimit;
  #waiting = 0;
  #queued = 0;
  #opened = 0;
  #overstayed = 0;

  constructor(options: LanesOptions) {
    this.#limit = new ConcurrencyLimit(options.maxConcurrent);
  }

  /**
   * Runs `send` once every lane of `keys` and a slot are free, and returns (or throws) what
   * it does. `holdMs` is how long it may keep its lanes; `timedOut` says whether its outcome
   * was a timeout (the lane then opens). Sends without keys run at once, outside the lanes.
   * Aborting `signal` while the send waits removes it (LaneAbortError); a running send is
   * never interrupted.
   */
  async run<T>(
    keys: readonly string[],
    holdMs: number,
    send: () => Promise<T>,
    timedOut: (outcome: AttemptOutcome<T>) => boolean,
    signal?: AbortSignal,
  ): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    if (sorted.length === 0) return send();
    const tickets: Ticket[] = [];
    let timeout = false;
    this.#waiting++;
    let counted = true;
    const stopWaiting = () => {
      if (counted) this.#waiting--;
      counted = false;
    };
    try {
      for (const key of sorted) tickets.push(await this.#enter(key, signal));
      return await this.#limit.run(async () => {
        stopWaiting();
        if (signal?.aborted) throw new LaneAbortError();
        for (const ticket of tickets) this.#startHold(ticket, holdMs);
        let outcome: AttemptOutcome<T>;
        try {
          outcome = { ok: true, value: await send() };
        } catch (error) {
          outcome = { ok: false, error };
        }
        timeout = timedOut(outcome);
        if (outcome.ok) return outcome.value;
        throw outcome.error;
      });
    } finally {
      stopWaiting();
      for (const ticket of tickets) this.#leave(ticket, timeout);
    }
  }

  /** Changes the global cap; running sends are never interrupted. */
  setMax(maxConcurrent: number): void {
    this.#limit.setMax(maxConcurrent);
  }

  stats(): LaneStats {
    return {
      running: this.#limit.active,
      waiting: this.#waiting,
      lanes: this.#lanes.size,
      queued: this.#queued,
      opened: this.#opened,
      overstayed: this.#overstayed,
    };
  }

  #enter(key: string, signal: AbortSignal | undefined): Promise<Ticket> {
    if (signal?.aborted) return Promise.reject(new LaneAbortError());
    let lane = this.#lanes.get(key);
    if (!lane) {
      lane = { holding: 0, users: 0, queue: [], open: false };
      this.#lanes.set(key, lane);
    }
    const owner = lane;
    owner.users++;
    const ticket: Ticket = { lane: owner, key, holding: true };
    if (owner.holding === 0 && owner.queue.length === 0) {
      // Nobody waited through whatever opened this lane before: it is a fresh lane again.
      owner.open = false;
      owner.holding++;
      return Promise.resolve(ticket);
    }
    this.#queued++;
    return new Promise<Ticket>((resolve, reject) => {
      const waiter: Waiter = {
        admit: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(ticket);
        },
      };
      const onAbort = () => {
        const index = owner.queue.indexOf(waiter);
        if (index < 0) return;
        owner.queue.splice(index, 1);
        this.#drop(owner, key);
        reject(new LaneAbortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      owner.queue.push(waiter);
    });
  }

  #startHold(ticket: Ticket, holdMs: number): void {
    if (!(holdMs > 0) || !Number.isFinite(holdMs)) return;
    ticket.timer = setTimeout(() => {
      ticket.timer = undefined;
      if (!ticket.holding) return;
      this.#overstayed++;
      this.#stopHolding(ticket, true);
    }, holdMs);
    ticket.timer.unref?.();
  }

  #leave(ticket: Ticket, timeout: boolean): void {
    if (ticket.timer) clearTimeout(ticket.timer);
    ticket.timer = undefined;
    if (ticket.holding) this.#stopHolding(ticket, timeout);
    this.#drop(ticket.lane, ticket.key);
  }

  #stopHolding(ticket: Ticket, open: boolean): void {
    const lane = ticket.lane;
    ticket.holding = false;
    lane.holding--;
    if (open && lane.queue.length > 0) lane.open = true;
    this.#admit(lane);
  }

  /** Admits the next waiter, or every waiter when the lane is open, once nobody holds it. */
  #admit(lane: Lane): void {
    if (lane.holding > 0 || lane.queue.length === 0) return;
    const admitted = lane.open ? lane.queue.splice(0) : lane.queue.splice(0, 1);
    if (lane.open) this.#opened++;
    lane.open = false;
    lane.holding += admitted.length;
    for (const waiter of admitted) waiter.admit();
  }

  #drop(lane: Lane, key: string): void {
    lane.users--;
    if (lane.users === 0 && this.#lanes.get(key) === lane) this.#lanes.delete(key);
  }
}
