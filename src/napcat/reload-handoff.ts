import type { MethodHandler } from './method-patches';
import type { Method } from './shapes';

/** Where a retiring instance hears that its successor has installed its hooks (one per process). */
const SUCCESSOR = Symbol.for('napcat-plugin-media-cache/successor');
type Slot = { [SUCCESSOR]?: () => void };
const slot = (): Slot => globalThis as Slot;

/** Tells a retiring instance, if any, that this instance's hooks are in place. */
export function announceSuccessor(): void {
  const wake = slot()[SUCCESSOR];
  delete slot()[SUCCESSOR];
  wake?.();
}

interface Deferred {
  owner: object;
  method: string;
  self: unknown;
  args: unknown[];
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * A reload without a gap: NapCat's plugin manager runs `plugin_cleanup`, imports the entry
 * again and runs `plugin_init`. Sends that arrive meanwhile would otherwise take NapCat's own
 * path, whose copy rewrites the shared `Ori/<md5>` file under the sends still uploading it.
 *
 * From `retire()` on, a call that belongs to a request already in flight (it runs inside one
 * of our send scopes) goes on through this instance's hooks, and a new request waits. Once
 * this instance has drained and let go of its files, the waiting calls go to whatever serves
 * the method then: the next instance's hooks when it has installed them, NapCat's own method
 * when none comes within the hand-over time (the plugin was switched off).
 */
export class ReloadHandoff {
  readonly #inFlight: () => boolean;
  #running = 0;
  #idle: Array<() => void> = [];
  #retiring = false;
  #deferred: Deferred[] = [];
  #handedOff = false;
  /** #done as one function for every call's promise, rather than a new closure per call. */
  readonly #doneOnce = (): void => this.#done();

  /** `inFlight`: whether the current call belongs to a request already running (an open send scope). */
  constructor(inFlight: () => boolean) {
    this.#inFlight = inFlight;
  }

  /** Guards a hook's handler: counts its running calls, and holds new requests back while retiring. */
  guard(handler: MethodHandler, owner: object, method: string): MethodHandler {
    return (original, self, args) => {
      if (this.#retiring && !this.#inFlight()) {
        return new Promise((resolve, reject) => this.#deferred.push({ owner, method, self, args, resolve, reject }));
      }
      this.#running++;
      let result: unknown;
      try {
        result = handler(original, self, args);
      } catch (error) {
        this.#done();
        throw error;
      }
      if (result instanceof Promise) {
        result.then(this.#doneOnce, this.#doneOnce);
      } else {
        this.#done();
      }
      return result;
    };
  }

  /** New requests wait from now on; requests in flight go on. */
  retire(): void {
    this.#retiring = true;
  }

  /** Calls held back so far. */
  get waiting(): number {
    return this.#deferred.length;
  }

  /** Resolves when no hooked call is running, or after `maxMs` (when given); true when drained. */
  drained(maxMs?: number): Promise<boolean> {
    if (this.#running === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = maxMs === undefined ? undefined : setTimeout(() => resolve(false), maxMs);
      this.#idle.push(() => {
        if (timer) clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /**
   * Ends the retirement. With nothing held back, `restore` (NapCat's originals back) runs at
   * once. Otherwise the held calls wait for the next instance's hooks, at most `waitMs`, then
   * `restore` runs (it leaves alone what the next instance has wrapped) and each held call
   * goes to the method as it is then.
   */
  handOff(waitMs: number, restore: () => void): void {
    if (this.#deferred.length === 0) {
      restore();
      this.#handedOff = true;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const release = () => {
      if (this.#handedOff) return;
      this.#handedOff = true;
      if (timer) clearTimeout(timer);
      if (slot()[SUCCESSOR] === release) delete slot()[SUCCESSOR];
      restore();
      for (const call of this.#deferred.splice(0)) {
        try {
          const method = (call.owner as Record<string, unknown>)[call.method] as Method;
          Promise.resolve(method.apply(call.self, call.args)).then(call.resolve, call.reject);
        } catch (error) {
          call.reject(error);
        }
      }
      this.#retiring = false;
    };
    slot()[SUCCESSOR] = release;
    timer = setTimeout(release, waitMs);
  }

  #done(): void {
    if (--this.#running === 0) for (const wake of this.#idle.splice(0)) wake();
  }
}
