export interface RetryPolicyOptions {
  /** Attempts in total, the first included; 1 means never retry. */
  maxAttempts: number;
  /** Scale of the first delay, ms. */
  baseDelayMs: number;
  /** No delay is longer than this, ms. */
  maxDelayMs: number;
  /**
   * 'full': uniform in [0, min(max, base·2^(n-1))], spreads retries widest (default).
   * 'decorrelated': uniform in [base, min(max, 3·previous)], keeps some growth per attempt.
   */
  jitter?: 'full' | 'decorrelated';
  /** Uniform in [0, 1); inject a seeded one in tests. Default Math.random. */
  random?: () => number;
}

/** What one attempt produced. */
export type AttemptOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface AttemptReport {
  /** 1-based. */
  attempt: number;
  maxAttempts: number;
  /** The attempt resolved (its value may still have been judged retryable). */
  ok: boolean;
  /** isRetryable judged the outcome worth another attempt; with `retrying` false, attempts ran out. */
  retryable: boolean;
  /** Another attempt follows. */
  retrying: boolean;
  /** Wait before the next attempt, ms; 0 when none follows. */
  delayMs: number;
  /** The error message, or a short note for a resolved value. */
  reason: string;
}

export interface RetryHooks<T> {
  /** Decides whether an outcome is worth another attempt. Errors not judged retryable are thrown at once. */
  isRetryable(outcome: AttemptOutcome<T>): boolean;
  /** Called after every attempt, the successful one included. */
  onAttempt?(report: AttemptReport): void;
  /** Waits between attempts; inject for tests. Default setTimeout. */
  sleep?(ms: number): Promise<void>;
}

/** Capped attempts with jittered exponential backoff (see the AWS "Exponential Backoff and Jitter" notes). */
export class RetryPolicy {
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #jitter: 'full' | 'decorrelated';
  readonly #random: () => number;

  constructor(options: RetryPolicyOptions) {
    const { maxAttempts, baseDelayMs, maxDelayMs } = options;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new RangeError(`重试次数必须是正整数 / maxAttempts must be a positive integer, got ${maxAttempts}`);
    }
    if (!(baseDelayMs >= 0) || !(maxDelayMs >= baseDelayMs)) {
      throw new RangeError(
        `重试延迟需满足 0 ≤ base ≤ max / retry delays need 0 ≤ baseDelayMs ≤ maxDelayMs, got ${baseDelayMs}, ${maxDelayMs}`,
      );
    }
    this.#maxAttempts = maxAttempts;
    this.#baseDelayMs = baseDelayMs;
    this.#maxDelayMs = maxDelayMs;
    this.#jitter = options.jitter ?? 'full';
    this.#random = options.random ?? Math.random;
  }

  /** Delay after failed attempt `attempt` (1-based); `previousMs` is the delay used before it (decorrelated only). */
  delayAfter(attempt: number, previousMs: number): number {
    if (this.#jitter === 'decorrelated') {
      const high = Math.min(this.#maxDelayMs, Math.max(this.#baseDelayMs, previousMs * 3));
      return Math.round(this.#baseDelayMs + this.#random() * (high - this.#baseDelayMs));
    }
    const ceiling = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (attempt - 1));
    return Math.round(this.#random() * ceiling);
  }

  /** Runs `fn` until it gives a non-retryable outcome or attempts run out; returns the last value or throws the last error. */
  async withRetry<T>(fn: (attempt: number) => Promise<T>, hooks: RetryHooks<T>): Promise<T> {
    const sleep = hooks.sleep ?? defaultSleep;
    let previousDelay = this.#baseDelayMs;
    for (let attempt = 1; ; attempt++) {
      let outcome: AttemptOutcome<T>;
      try {
        outcome = { ok: true, value: await fn(attempt) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      const retryable = hooks.isRetryable(outcome);
      const retrying = retryable && attempt < this.#maxAttempts;
      const delayMs = retrying ? this.delayAfter(attempt, previousDelay) : 0;
      hooks.onAttempt?.({
        attempt,
        maxAttempts: this.#maxAttempts,
        ok: outcome.ok,
        retryable,
        retrying,
        delayMs,
        reason: outcome.ok ? (retryable ? '结果可重试 / retryable result' : 'ok') : messageOf(outcome.error),
      });
      if (!retrying) {
        if (outcome.ok) return outcome.value;
        throw outcome.error;
      }
      previousDelay = delayMs;
      await sleep(delayMs);
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
