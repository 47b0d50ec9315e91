/**
 * Opt-in pacing of media sends (`pacing.mediaSendsPerSecond`, `pacing.burst`): a token bucket
 * of `burst` tokens refilled at `rate` per second, served strictly in arrival order. A send
 * never overtakes an earlier one, even when a token has come back before the earlier one's
 * turn, so none starves; QQ's risk control punishes bursts to many chats (NapCat #1658).
 * Knows nothing of NapCat: the caller decides what one send is and takes one token for it.
 */
export interface PacingRate {
  /** Tokens per second; 0 = off (every take goes at once). */
  ratePerSecond: number;
  /** Bucket size: sends that may go at once after a quiet spell; at least 1. */
  burst: number;
}

/** The clock and timers, injectable so specs run on a fake clock. */
export interface PacingClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: PacingClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class Pacer {
  #rate: PacingRate;
  readonly #clock: PacingClock;
  /** Fractional: a token accrues continuously. */
  #tokens: number;
  #refilledAt: number;
  readonly #queue: Array<() => void> = [];
  #timer: unknown;
  #closed = false;

  constructor(rate: PacingRate, clock: PacingClock = realClock) {
    this.#rate = checkRate(rate);
    this.#clock = clock;
    this.#tokens = this.#rate.burst;
    this.#refilledAt = clock.now();
  }

  /** Resolves when this send may start. With a token free and nobody waiting, at once. */
  take(): Promise<void> {
    if (this.#off()) return Promise.resolve();
    this.#refill();
    if (this.#queue.length === 0 && this.#tokens >= 1) {
      this.#tokens -= 1;
      return Promise.resolve();
    }
    const turn = new Promise<void>((resolve) => this.#queue.push(resolve));
    this.#schedule();
    return turn;
  }

  /** Applies a new rate at once; turning pacing off lets every waiting send go. */
  reconfigure(rate: PacingRate): void {
    this.#refill();
    this.#rate = checkRate(rate);
    this.#tokens = Math.min(this.#tokens, this.#rate.burst);
    this.#serve();
  }

  /** Whether sends are paced now (a rate is set and the pacer is not closed). */
  get on(): boolean {
    return !this.#off();
  }

  /** Sends waiting for their token. */
  get queued(): number {
    return this.#queue.length;
  }

  /** How long a send arriving now would wait, in ms (0 with pacing off or a token free). */
  currentWaitMs(): number {
    if (this.#off()) return 0;
    this.#refill();
    const needed = this.#queue.length + 1 - this.#tokens;
    return needed <= 0 ? 0 : (needed * 1000) / this.#rate.ratePerSecond;
  }

  /** plugin_cleanup: no timer left, and every waiting send goes (unpaced, never dropped). */
  close(): void {
    this.#closed = true;
    this.#serve();
  }

  #off(): boolean {
    return this.#closed || this.#rate.ratePerSecond === 0;
  }

  #refill(): void {
    const now = this.#clock.now();
    const rate = this.#rate.ratePerSecond;
    // While sends wait, every token accrued is theirs: a timer that fired late (a busy event
    // loop) must not lose the time it was late, or the queue runs slower than the rate. Only an
    // idle bucket is capped at the burst.
    const cap = this.#queue.length > 0 ? Infinity : this.#rate.burst;
    this.#tokens = Math.min(cap, this.#tokens + ((now - this.#refilledAt) * rate) / 1000);
    this.#refilledAt = now;
  }

  /** Hands out the tokens there are, head of the queue first, and waits for the next one. */
  #serve(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#off()) {
      for (const go of this.#queue.splice(0)) go();
      return;
    }
    this.#refill();
    while (this.#queue.length > 0 && this.#tokens >= 1) {
      this.#tokens -= 1;
      this.#queue.shift()!();
    }
    if (this.#queue.length === 0) this.#tokens = Math.min(this.#tokens, this.#rate.burst);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#queue.length === 0) return;
    const ms = Math.max(0, Math.ceil(((1 - this.#tokens) * 1000) / this.#rate.ratePerSecond));
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#serve();
    }, ms);
  }
}

function checkRate(rate: PacingRate): PacingRate {
  const { ratePerSecond, burst } = rate;
  if (!(Number.isFinite(ratePerSecond) && ratePerSecond >= 0 && Number.isInteger(burst) && burst >= 1)) {
    throw new RangeError(
      `发送节奏无效：速率需 ≥ 0，突发需为正整数 / invalid pacing: rate must be ≥ 0 and burst a positive integer, got ${ratePerSecond}/s, burst ${burst}`,
    );
  }
  return { ratePerSecond, burst };
}
