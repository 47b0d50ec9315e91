// NapCat's cleanTaskQueue (clean-task.ts, §1.6, §9 item 8): one per process, keyed by
// path, so re-adding a path resets its timer (the shared Ori/<md5> file is deleted
// `delay` after the LAST send that queued it finished). Deletes run one per event-loop
// turn as existsSync + unlinkSync (asked of the native thread, which owns the
// file-sharing rules); ENOENT counts as done; other errors retry twice at
// the same delay, then the task is dropped without a word.
import { nextTurn, type ModelClock } from '../clock';
import type { Counters } from '../counters';
import type { NativeClient } from '../ntqq/native-client';

const MAX_ATTEMPTS = 3;

interface Task {
  cancel: () => void;
  attempts: number;
  delay: number;
}

export class CleanTaskQueue {
  private readonly tasks = new Map<string, Task>();
  private readonly ready: Array<() => Promise<void>> = [];
  private draining = false;

  constructor(
    private readonly clock: ModelClock,
    private readonly native: NativeClient,
    private readonly counters: Counters,
  ) {}

  /** Paths with a pending deletion timer (for tests). */
  pending(): string[] {
    return [...this.tasks.keys()];
  }

  addFiles(paths: string[], delay: number): void {
    for (const p of paths) {
      this.tasks.get(p)?.cancel();
      this.schedule(p, { cancel: () => {}, attempts: 0, delay });
    }
  }

  private schedule(p: string, task: Task): void {
    task.cancel = this.clock.setTimeout(() => this.enqueue(() => this.cleanup(p, task)), task.delay);
    this.tasks.set(p, task);
  }

  private enqueue(op: () => Promise<void>): void {
    this.ready.push(op);
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    while (this.ready.length > 0 && !this.clock.closed) {
      await this.ready.shift()?.();
      await nextTurn();
    }
    this.draining = false;
  }

  private async cleanup(p: string, task: Task): Promise<void> {
    if (this.tasks.get(p) !== task) return;
    this.tasks.delete(p);
    try {
      if (!(await this.native.exists(p))) return;
      await this.native.unlink(p);
      this.counters.deletions++;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'UNKNOWN';
      if (code === 'ENOENT') return;
      this.counters.deletionErrors[code] = (this.counters.deletionErrors[code] ?? 0) + 1;
      task.attempts++;
      if (task.attempts < MAX_ATTEMPTS) this.schedule(p, task);
      else this.counters.deletionsDropped++;
    }
  }
}
