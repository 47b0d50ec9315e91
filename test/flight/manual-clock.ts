import type { PacingClock } from '../../src/flight/pacing';

/**
 * A PacingClock whose timers run only when a test moves the clock, each as late as the clock
 * then is (a busy event loop, or a test that wants to look between two tokens).
 */
export function manualClock() {
  let now = 0;
  const due: Array<{ at: number; fn: () => void }> = [];
  const clock: PacingClock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const timer = { at: now + ms, fn };
      due.push(timer);
      return timer;
    },
    clearTimeout: (handle) => {
      const at = due.indexOf(handle as (typeof due)[number]);
      if (at >= 0) due.splice(at, 1);
    },
  };
  return {
    clock,
    now: () => now,
    /** Moves the clock to `to` and runs the timers due by then. */
    runAt(to: number): void {
      now = to;
      for (const timer of due.filter((t) => t.at <= now)) {
        due.splice(due.indexOf(timer), 1);
        timer.fn();
      }
    },
  };
}
