// NapCat's cleanTaskQueue (packages/napcat-common/src/clean-task.ts at v4.18.5, §1.6, §9
// item 8): one per process, keyed by path, so re-adding a path resets its timer (the shared
// Ori/<md5> file is deleted `delay` after the LAST send that queued it finished).
//
// Everything goes through one operation queue that runs one operation per event-loop turn:
// `addFiles` itself (run at once when the queue is idle, otherwise in its turn) and every
// deletion a timer hands in. A deletion already handed to the queue is not called back by a
// newer `addFiles` of the same path: it runs in its turn and removes that path's newer entry
// from the map (whose timer stays live and deletes again later). A deletion is existsSync +
// unlinkSync (asked of the native thread, which owns the file-sharing rules); missing or
// ENOENT counts as done; other errors retry twice at the same delay, then the task is
// dropped without a word.
import type { ModelClock } from '../clock';
import type { Counters } from '../counters';
import type { NativeClient } from '../ntqq/native-client';

const MAX_RETRIES = 3;

interface FileRecord {
  path: string;
  retries: number;
}

interface Task {
  record: FileRecord;
  cancel: () => void;
}

type Operation = () => void | Promise<void>;

export class CleanTaskQueue {
  private readonly tasks = new Map<string, Task>();
  /** Timers not yet fired nor cleared, per path: what will still delete it. */
  private readonly live = new Map<string, number>();
  private readonly operations: Operation[] = [];
  private processing = false;

  constructor(
    private readonly clock: ModelClock,
    private readonly native: NativeClient,
    private readonly counters: Counters,
  ) {}

  /** Paths a live timer will still delete (for tests). */
  pending(): string[] {
    return [...this.live.keys()];
  }

  addFiles(paths: string[], delay: number): void {
    this.safeExecute(() => {
      for (const p of paths) {
        this.tasks.get(p)?.cancel();
        this.schedule({ path: p, retries: 0 }, delay);
      }
    });
  }

  private schedule(record: FileRecord, delay: number): void {
    let fired = false;
    this.live.set(record.path, (this.live.get(record.path) ?? 0) + 1);
    const done = () => {
      if (fired) return;
      fired = true;
      const left = (this.live.get(record.path) ?? 1) - 1;
      if (left > 0) this.live.set(record.path, left);
      else this.live.delete(record.path);
    };
    const clear = this.clock.setTimeout(
      () => {
        done();
        this.cleanupFile(record, delay);
      },
      delay,
      done,
    );
    this.tasks.set(record.path, {
      record,
      cancel: () => {
        clear();
        done();
      },
    });
  }

  /** Runs at once when idle (in the caller's turn), otherwise after the operations queued before it, one per turn. */
  private safeExecute(operation: Operation): void {
    this.operations.push(operation);
    if (!this.processing) void this.executeNext();
  }

  private async executeNext(): Promise<void> {
    this.processing = true;
    while (this.operations.length > 0 && !this.clock.closed) {
      await this.operations.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.processing = false;
  }

  private cleanupFile(record: FileRecord, delay: number): void {
    this.safeExecute(async () => {
      const p = record.path;
      try {
        if (!(await this.native.exists(p))) {
          this.tasks.delete(p);
          return;
        }
        await this.native.unlink(p);
        this.counters.deletions++;
        this.tasks.delete(p);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'UNKNOWN';
        if (code === 'ENOENT') {
          this.tasks.delete(p);
          return;
        }
        this.counters.deletionErrors[code] = (this.counters.deletionErrors[code] ?? 0) + 1;
        if (record.retries < MAX_RETRIES - 1) {
          record.retries++;
          this.schedule(record, delay);
        } else {
          this.tasks.delete(p);
          this.counters.deletionsDropped++;
        }
      }
    });
  }
}
