/**
 * Coalesces concurrent calls per key: the first caller runs `fn`, callers that arrive
 * while it runs get the same promise. Nothing is cached: once the promise settles the
 * next call runs `fn` again, so a failure is never replayed to later callers.
 *
 * There is deliberately no shared AbortSignal: one joiner giving up must not cancel the
 * work the others wait on. A caller that needs its own deadline races the returned
 * promise against its own timer.
 */
export class SingleFlight<K, V> {
  readonly #flights = new Map<K, Promise<V>>();

  run(key: K, fn: () => Promise<V>): Promise<V> {
    const current = this.#flights.get(key);
    if (current) return current;
    // Runs fn synchronously and turns a synchronous throw into a rejection for every caller.
    const flight = new Promise<V>((resolve) => resolve(fn()));
    this.#flights.set(key, flight);
    const settle = () => {
      // Only remove our own entry: after forget() a newer flight may own the key (golang/go#31420).
      if (this.#flights.get(key) === flight) this.#flights.delete(key);
    };
    flight.then(settle, settle);
    return flight;
  }

  /** True while a call for `key` is in flight. */
  has(key: K): boolean {
    return this.#flights.has(key);
  }

  /** Number of keys in flight. */
  get size(): number {
    return this.#flights.size;
  }

  /** Lets the next call for `key` start a fresh run even though the current one is still going. */
  forget(key: K): void {
    this.#flights.delete(key);
  }
}
