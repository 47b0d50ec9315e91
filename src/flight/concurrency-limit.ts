/**
 * A counting limit on concurrent operations, FIFO, whose capacity can change while
 * operations are running. async-mutex's Semaphore.setValue() sets the free count rather
 * than the capacity, which would need delta bookkeeping around every in-flight release;
 * a plain counter keeps "never more than max at once" obvious.
 */
export class ConcurrencyLimit {
  #max: number;
  #active = 0;
  readonly #queue: Array<() => void> = [];
  /** Running operations that leave the limit after their hold time, oldest first. */
  readonly #timed: HeldSlot[] = [];
  /** Set only while someone waits: when the oldest timed operation leaves. */
  #holdTimer: NodeJS.Timeout | undefined;

  constructor(max: number) {
    this.#max = checkMax(max);
  }

  /**
   * Runs `fn` once fewer than `max` others are running. With `maxWaitMs`, gives up waiting
   * after that long and rejects with WaitTimeoutError (`fn` never runs). With `holdMs`, `fn`
   * counts against the limit for at most that long, then runs on outside it: the limit then
   * bounds how many start within any `holdMs`, not how many run.
   */
  async run<T>(fn: () => Promise<T>, maxWaitMs?: number, holdMs?: number): Promise<T> {
    if (!this.#tryEnter()) await this.#enter(maxWaitMs);
    let held = true;
    const slot: HeldSlot | undefined = holdMs === undefined ? undefined : { until: performance.now() + holdMs, leave: () => leave() };
    const leave = () => {
      if (!held) return;
      held = false;
      if (slot) this.#timed.splice(this.#timed.indexOf(slot), 1);
      this.#active--;
      this.#dispatch();
    };
    if (slot) {
      this.#timed.push(slot);
      if (this.#queue.length > 0) this.#armHoldTimer();
    }
    try {
      return await fn();
    } finally {
      leave();
    }
  }

  /**
   * Changes the capacity. Running operations are never interrupted: lowering it only
   * makes new ones wait until enough running ones finish; raising it starts waiters now.
   */
  setMax(max: number): void {
    this.#max = checkMax(max);
    this.#dispatch();
  }

  get max(): number {
    return this.#max;
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#queue.length;
  }

  /** Takes a free slot now if there is one and nobody waits for it. */
  #tryEnter(): boolean {
    if (this.#active >= this.#max || this.#queue.length > 0) return false;
    this.#active++;
    return true;
  }

  /** Waits for a slot (FIFO); #tryEnter has just found none free. */
  #enter(maxWaitMs: number | undefined): Promise<void> {
    if (maxWaitMs !== undefined && maxWaitMs <= 0) return Promise.reject(new WaitTimeoutError());
    this.#armHoldTimer();
    return new Promise((resolve, reject) => {
      if (maxWaitMs === undefined) {
        this.#queue.push(resolve);
        return;
      }
      const admit = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const at = this.#queue.indexOf(admit);
        if (at < 0) return;
        this.#queue.splice(at, 1);
        reject(new WaitTimeoutError());
      }, maxWaitMs);
      this.#queue.push(admit);
    });
  }

  /** While someone waits, lets the oldest timed operation leave when its hold time is up. */
  #armHoldTimer(): void {
    if (this.#holdTimer || this.#timed.length === 0) return;
    this.#holdTimer = setTimeout(() => {
      this.#holdTimer = undefined;
      const now = performance.now();
      for (const slot of [...this.#timed]) if (slot.until <= now) slot.leave();
      if (this.#queue.length > 0) this.#armHoldTimer();
    }, Math.max(0, this.#timed[0].until - performance.now()));
  }

  #dispatch(): void {
    while (this.#active < this.#max && this.#queue.length > 0) {
      this.#active++;
      this.#queue.shift()!();
    }
  }
}

interface HeldSlot {
  /** performance.now() when it stops counting. */
  until: number;
  leave: () => void;
}

/** A wait for a slot or a lane outlasted the time it was given; the work never ran. */
export class WaitTimeoutError extends Error {
  readonly code = 'WAIT_TIMEOUT';

  constructor() {
    super('等待超时，未执行 / gave up waiting; not run');
  }
}

export function checkMax(max: number): number {
  if (!Number.isInteger(max) || max < 1) {
    throw new RangeError(`并发上限必须是正整数 / concurrency limit must be a positive integer, got ${max}`);
  }
  return max;
}
