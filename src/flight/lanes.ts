import { checkMax } from './concurrency-limit';
import type { AttemptOutcome } from './retry';

export interface LanesOptions {
  /** Sends running at once across all lanes. Different keys run in parallel up to this. */
  maxConcurrent: number;
}

export interface LaneStats {
  /** Sends running now. */
  running: number;
  /** Sends waiting for a lane or a slot. */
  waiting: number;
  /** Keys with a send running or waiting. */
  lanes: number;
  /** Sends that had to wait behind another send of the same key. */
  queued: number;
  /** Times a lane or the cap let every waiter go at once: a send timed out or held past its limit. */
  opened: number;
  /** Sends that held past their limit (their lanes and slot moved on without them). */
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

/** A lane admits `capacity` sends at a time: 1 per key; the global cap is a lane too. */
interface Lane {
  capacity: number;
  /** Sends admitted and still within their hold limit. */
  holding: number;
  /** Sends admitted or waiting; a key's lane is dropped at zero. */
  users: number;
  queue: Waiter[];
  /** The next admission lets every waiter go (after a timeout or an overstay). */
  open: boolean;
}

/** One admission to one lane: left once, expired at most once. */
interface Ticket {
  lane: Lane;
  /** Undefined for the global cap, which is never dropped. */
  key?: string;
  holding: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * One send per key at a time (a lane per key, FIFO), different keys in parallel under a
 * global cap. A send with several keys takes its lanes in sorted order, then a slot under the
 * cap, so two sends never deadlock. A send never keeps a lane or a slot longer than its hold
 * limit: past it, or when it comes back timed out, that lane (and the cap) lets everyone
 * waiting go at once. An outage therefore costs a waiting send about two hold limits (the one
 * ahead, then its own), never one per send ahead of it.
 */
export class Lanes {
  readonly #lanes = new Map<string, Lane>();
  readonly #slots: Lane;
  /**
   * A send timed out or overstayed and none has come back in time since: the cap admits
   * everyone, so sends of other contents (or released from a lane) do not wait out NapCat's
   * timeout once per slot. The next send that comes back in time restores the cap.
   */
  #outage = false;
  #running = 0;
  #waiting = 0;
  #queued = 0;
  #opened = 0;
  #overstayed = 0;

  constructor(options: LanesOptions) {
    this.#slots = { capacity: checkMax(options.maxConcurrent), holding: 0, users: 0, queue: [], open: false };
  }

  /**
   * Runs `send` once every lane of `keys` and a slot are free, and returns (or throws) what
   * it does. `holdMs` is how long it may keep them; `timedOut` says whether its outcome was a
   * timeout (they then open). Sends without keys run at once, outside the lanes and the cap.
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
    let waiting = true;
    try {
      for (const key of sorted) tickets.push(await this.#enter(this.#laneOf(key), key, signal));
      tickets.push(await this.#enter(this.#slots, undefined, signal));
      this.#waiting--;
      waiting = false;
      for (const ticket of tickets) this.#startHold(ticket, holdMs);
      this.#running++;
      let outcome: AttemptOutcome<T>;
      try {
        outcome = { ok: true, value: await send() };
      } catch (error) {
        outcome = { ok: false, error };
      } finally {
        this.#running--;
      }
      timeout = timedOut(outcome);
      if (outcome.ok) return outcome.value;
      throw outcome.error;
    } finally {
      if (waiting) this.#waiting--;
      for (const ticket of tickets) this.#leave(ticket, timeout);
    }
  }

  /** Changes the global cap; running sends are never interrupted. */
  setMax(maxConcurrent: number): void {
    this.#slots.capacity = checkMax(maxConcurrent);
    this.#admit(this.#slots);
  }

  stats(): LaneStats {
    return {
      running: this.#running,
      waiting: this.#waiting,
      lanes: this.#lanes.size,
      queued: this.#queued,
      opened: this.#opened,
      overstayed: this.#overstayed,
    };
  }

  #laneOf(key: string): Lane {
    let lane = this.#lanes.get(key);
    if (!lane) {
      lane = { capacity: 1, holding: 0, users: 0, queue: [], open: false };
      this.#lanes.set(key, lane);
    }
    return lane;
  }

  #enter(lane: Lane, key: string | undefined, signal: AbortSignal | undefined): Promise<Ticket> {
    if (signal?.aborted) {
      if (key !== undefined) this.#drop(lane, key, false);
      return Promise.reject(new LaneAbortError());
    }
    lane.users++;
    const ticket: Ticket = { lane, key, holding: true };
    if ((lane.holding < lane.capacity && lane.queue.length === 0) || (lane === this.#slots && this.#outage)) {
      // Nobody waited through whatever opened this lane before: it admits by capacity again.
      lane.open = false;
      lane.holding++;
      return Promise.resolve(ticket);
    }
    if (key !== undefined) this.#queued++;
    return new Promise<Ticket>((resolve, reject) => {
      const waiter: Waiter = {
        admit: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(ticket);
        },
      };
      const onAbort = () => {
        const index = lane.queue.indexOf(waiter);
        if (index < 0) return;
        lane.queue.splice(index, 1);
        this.#drop(lane, key, true);
        reject(new LaneAbortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      lane.queue.push(waiter);
    });
  }

  #startHold(ticket: Ticket, holdMs: number): void {
    if (!(holdMs > 0) || !Number.isFinite(holdMs)) return;
    ticket.timer = setTimeout(() => {
      ticket.timer = undefined;
      if (!ticket.holding) return;
      if (ticket.key !== undefined) this.#overstayed++;
      this.#stopHolding(ticket, true);
    }, holdMs);
    ticket.timer.unref?.();
  }

  #leave(ticket: Ticket, timeout: boolean): void {
    if (ticket.timer) clearTimeout(ticket.timer);
    ticket.timer = undefined;
    if (ticket.holding) this.#stopHolding(ticket, timeout);
    this.#drop(ticket.lane, ticket.key, true);
  }

  #stopHolding(ticket: Ticket, open: boolean): void {
    const lane = ticket.lane;
    ticket.holding = false;
    lane.holding--;
    if (lane === this.#slots) this.#outage = open;
    if (open && lane.queue.length > 0) lane.open = true;
    this.#admit(lane);
  }

  /** Admits waiters up to the capacity, or every waiter when the lane is open. */
  #admit(lane: Lane): void {
    if (lane.queue.length === 0) return;
    const all = lane.open || (lane === this.#slots && this.#outage);
    const free = lane.capacity - lane.holding;
    if (!all && free <= 0) return;
    const admitted = all ? lane.queue.splice(0) : lane.queue.splice(0, free);
    if (all) this.#opened++;
    lane.open = false;
    lane.holding += admitted.length;
    for (const waiter of admitted) waiter.admit();
  }

  #drop(lane: Lane, key: string | undefined, entered: boolean): void {
    if (entered) lane.users--;
    if (key !== undefined && lane.users === 0 && this.#lanes.get(key) === lane) this.#lanes.delete(key);
  }
}

