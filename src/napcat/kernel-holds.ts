import type { Releasable } from './send-scopes';

/** A file NTQQ may still be reading, and until when. Plain data, so it can pass to the next plugin instance. */
export interface HeldFile {
  path: string;
  /** Date.now() until which it stays held. */
  until: number;
  /** The store entry, when the file is a store file (store leases are per store instance). */
  hash?: string;
}

interface Hold extends HeldFile {
  lease: Releasable;
}

/**
 * NapCat's `Timeout` only stops NapCat waiting: NTQQ goes on uploading the message's media
 * files until its own upload ends (a message can still be delivered, NapCat #932). The files
 * of a timed-out send therefore stay leased after the request has been answered, for as long
 * as NTQQ may still read them (NapCat's `maxTimeout`). One timer, set for the earliest end.
 */
export class KernelHolds {
  readonly #holds = new Set<Hold>();
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Keeps each lease until `until`; the lease is released then (or by releaseAll). */
  hold(files: ReadonlyArray<HeldFile & { lease: Releasable }>): void {
    for (const file of files) this.#holds.add({ ...file });
    this.#schedule();
  }

  /** Files held now. */
  get size(): number {
    return this.#holds.size;
  }

  /**
   * What is still held, as data for the next instance, and lets go of the timer without
   * releasing anything: the files stay leased (never deleted) by this instance.
   */
  park(): HeldFile[] {
    this.#clearTimer();
    const now = this.#now();
    return [...this.#holds].filter((h) => h.until > now).map(({ path, until, hash }) => ({ path, until, ...(hash ? { hash } : {}) }));
  }

  /** Releases every hold now. */
  releaseAll(): void {
    this.#clearTimer();
    const all = [...this.#holds];
    this.#holds.clear();
    for (const hold of all) hold.lease.release();
  }

  #expire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = this.#now();
    for (const hold of [...this.#holds]) {
      if (hold.until > now) continue;
      this.#holds.delete(hold);
      hold.lease.release();
    }
    this.#schedule();
  }

  #schedule(): void {
    let next = Infinity;
    for (const hold of this.#holds) next = Math.min(next, hold.until);
    if (next === Infinity || next >= this.#timerAt) return;
    this.#clearTimer();
    this.#timerAt = next;
    // setTimeout takes at most 2^31-1 ms; a later end is looked at again then.
    this.#timer = setTimeout(() => this.#expire(), Math.min(2 ** 31 - 1, Math.max(0, next - this.#now())));
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }
}
