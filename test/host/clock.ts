// Model time. Every simulated delay (network, timeouts, NapCat's deletion timers) is
// in model milliseconds and runs `timeScale` times as fast on the wall clock, so a
// 10 s NapCat timeout costs 100 ms of test time at timeScale 0.01. Real work (hashing,
// copying, decoding) is not scaled: at small scales it is relatively slower, which
// only widens the race windows the model exists to show.
export class HostClosedError extends Error {
  constructor() {
    super('模型主机已关闭 / model host closed');
  }
}

export class ModelClock {
  private readonly origin = performance.now();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private closedFlag = false;

  constructor(readonly timeScale: number) {
    if (!(timeScale > 0)) throw new RangeError(`timeScale must be > 0, got ${timeScale}`);
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Model milliseconds since the host started. */
  now(): number {
    return (performance.now() - this.origin) / this.timeScale;
  }

  /** A cancellable timer in model time; `onClose` runs instead if the host closes first. */
  setTimeout(fn: () => void, modelMs: number, onClose: () => void = () => {}): () => void {
    if (this.closedFlag) {
      onClose();
      return () => {};
    }
    const handle = setTimeout(() => {
      this.timers.delete(handle);
      fn();
    }, Math.max(0, modelMs * this.timeScale));
    this.timers.set(handle, onClose);
    return () => {
      clearTimeout(handle);
      this.timers.delete(handle);
    };
  }

  /** Resolves after `modelMs`; rejects with HostClosedError if the host closes first. */
  sleep(modelMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.setTimeout(resolve, modelMs, () => reject(new HostClosedError()));
    });
  }

  close(): void {
    this.closedFlag = true;
    const pending = [...this.timers];
    this.timers.clear();
    for (const [handle, onClose] of pending) {
      clearTimeout(handle);
      onClose();
    }
  }
}

/** One event-loop turn: how the native copy and NapCat's deletion queue pace themselves. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
