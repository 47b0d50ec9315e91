// The only door to proper-lockfile. It adds what the library lacks for an in-process plugin:
// an in-process keyed mutex in front (its locks are not re-entrant: a second lock() from this
// process would get ELOCKED), an onCompromised that logs instead of throwing from a timer
// (which would crash NapCat), a short retry policy instead of its 1 s back-off, and lazy
// loading so that importing the bundle does not let graceful-fs / signal-exit patch the process.
import { rmdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { Mutex } from 'async-mutex';
import type * as ProperLockfile from 'proper-lockfile';
import type { Logger } from '../logger';
import { StoreError, errnoOf, ioError, lockTimeoutError } from './errors';

type LockfileApi = typeof ProperLockfile;

// One per process (A9): NapCat re-imports the plugin on every reload, and proper-lockfile keeps
// its held locks in a module-level map, so all instances must share one copy and one mutex map.
const LIBRARY: unique symbol = Symbol.for('napcat-plugin-media-cache/proper-lockfile');
const MUTEXES: unique symbol = Symbol.for('napcat-plugin-media-cache/file-lock-mutexes');

interface ProcessSlots {
  [LIBRARY]?: LockfileApi;
  [MUTEXES]?: Map<string, { mutex: Mutex; users: number }>;
}
const slots = (): ProcessSlots => globalThis as ProcessSlots;

function lockfileLibrary(): LockfileApi {
  // In the rollup bundle the commonjs plugin (strictRequires) turns this require() into a lazy
  // call of the bundled copy; under tsx the code runs as ESM, where require is undefined.
  return (slots()[LIBRARY] ??=
    typeof require === 'function'
      ? (require('proper-lockfile') as LockfileApi)
      : (createRequire(import.meta.url)('proper-lockfile') as LockfileApi));
}

/** Serialises in-process callers per key, across every store instance in this process. */
async function withKeyedMutex<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const map = (slots()[MUTEXES] ??= new Map());
  let slot = map.get(key);
  if (!slot) map.set(key, (slot = { mutex: new Mutex(), users: 0 }));
  slot.users++;
  try {
    return await slot.mutex.runExclusive(fn);
  } finally {
    if (--slot.users === 0) map.delete(key);
  }
}

export interface FileLockOptions {
  /** A lock not refreshed for this long is taken as abandoned (its holder was killed). */
  staleMs: number;
  /** Give up on a contended lock after about this long. */
  waitMs: number;
  logger: Logger;
  /**
   * Puts back the folder a lock directory goes in, once it is found missing (someone removed
   * it while the store ran). Without it, the library retried ENOENT as if the lock were held,
   * and every put waited `waitMs` and failed.
   */
  restoreFolder: () => Promise<void>;
}

/** Retry delays 5 ms × 1.2ⁿ capped at 40 ms, enough attempts to cover `waitMs`. */
export function retryPolicy(waitMs: number): { retries: number; minTimeout: number; maxTimeout: number; factor: number } {
  const minTimeout = 5;
  const maxTimeout = 40;
  const factor = 1.2;
  let retries = 0;
  for (let total = 0, delay = minTimeout; total < waitMs; retries++) {
    total += delay;
    delay = Math.min(delay * factor, maxTimeout);
  }
  return { retries, minTimeout, maxTimeout, factor };
}

export class FileLocks {
  private readonly retries: ReturnType<typeof retryPolicy>;
  /** Runs whose caller has its result but whose lock is still being released. */
  private readonly releasing = new Set<Promise<void>>();

  constructor(private readonly options: FileLockOptions) {
    this.retries = retryPolicy(options.waitMs);
  }

  /**
   * Runs `fn` holding the in-process mutex and the cross-process lock for `target`
   * (lock directory `<target>.lock`; its parent must exist; the target itself need not).
   * Resolves with `fn`'s result as soon as `fn` settles: nothing a caller needs waits for the
   * lock directory's removal (0.5 ms on this machine's disk). Both the mutex and the lock
   * stay held until it is removed, so the next holder still starts after it; `settle()`
   * waits for those removals.
   */
  run<T>(target: string, fn: () => Promise<T>): Promise<T>;
  /** As above, but gives up (resolving undefined) when `wanted()` is false once the mutex is ours. */
  run<T>(target: string, fn: () => Promise<T>, wanted: () => boolean): Promise<T | undefined>;
  run<T>(target: string, fn: () => Promise<T>, wanted?: () => boolean): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve, reject) => {
      const held = withKeyedMutex(target, async () => {
        if (wanted && !wanted()) return resolve(undefined);
        const release = await this.acquire(target);
        try {
          resolve(await fn());
        } catch (err) {
          reject(err);
        } finally {
          await this.release(target, release);
        }
      }).catch(reject); // the acquire failed; release() never rejects
      this.releasing.add(held);
      void held.finally(() => this.releasing.delete(held));
    });
  }

  /** Resolves when every lock taken so far has been released. */
  async settle(): Promise<void> {
    while (this.releasing.size > 0) await Promise.allSettled([...this.releasing]);
  }

  private async acquire(target: string): Promise<() => Promise<void>> {
    const lockfilePath = `${target}.lock`;
    let reported = false;
    const options = {
      realpath: false,
      lockfilePath,
      stale: this.options.staleMs,
      onCompromised: (err: Error) => {
        if (reported) return;
        reported = true;
        this.options.logger.warn(
          `[media-cache] 跨进程锁失效（被删除或长时间未刷新），本次操作继续：${lockfilePath} / ` +
            `cross-process lock compromised (removed or not refreshed in time); continuing: ${err.message}`,
        );
      },
    };
    // A free lock (nearly always) is taken with one synchronous attempt: a mkdir and a stat of
    // a few tens of µs. Each step of the async API waits its turn in a threadpool that the
    // store's own writes keep busy: 1.2 ms to lock and 0.75 ms to unlock per 1 MiB miss,
    // measured during the store bench. A held lock, or any error, takes the async path below,
    // which retries and reports.
    const unlock = () => lockfileLibrary().unlock(target, { realpath: false, lockfilePath });
    try {
      lockfileLibrary().lockSync(target, options);
      // Released through the async API: the removal is off the caller's path (see run()),
      // so it need not block the main thread. It finds the lock by the same resolved path.
      return unlock;
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') {
        await this.options.restoreFolder();
        try {
          lockfileLibrary().lockSync(target, options);
          return unlock;
        } catch {
          // fall through
        }
      }
    }
    try {
      // The retry library retries every failed attempt, so Windows' transient EPERM on a
      // delete-pending lock directory is retried here like EEXIST.
      return await lockfileLibrary().lock(target, { ...options, retries: this.retries });
    } catch (err) {
      if (err instanceof StoreError) throw err;
      if (errnoOf(err) === 'ELOCKED') throw lockTimeoutError(lockfilePath, this.options.waitMs, err);
      throw ioError('lock', lockfilePath, err);
    }
  }

  private async release(target: string, release: () => Promise<void>): Promise<void> {
    try {
      await release();
    } catch (err) {
      // ERELEASED / ENOTACQUIRED: the lock was compromised and already reported. Anything else
      // (say, EPERM from rmdir on Windows) leaves a lock directory that goes stale on its own.
      let code = errnoOf(err);
      if (code === 'EPERM' && process.platform === 'win32') code = await retryRmdir(`${target}.lock`);
      if (code !== undefined && code !== 'ERELEASED' && code !== 'ENOTACQUIRED') {
        this.options.logger.warn(
          `[media-cache] 释放跨进程锁失败（${code}），它将在 ${this.options.staleMs} ms 后过期：${target}.lock / ` +
            `failed to release cross-process lock (${code}); it expires after ${this.options.staleMs} ms`,
        );
      }
    }
  }
}

/** Windows reports EPERM for a directory still being deleted; a few short retries clear it. */
async function retryRmdir(path: string): Promise<string | undefined> {
  let code: string | undefined = 'EPERM';
  for (let attempt = 0; attempt < 5 && code === 'EPERM'; attempt++) {
    await sleep(10);
    code = await rmdir(path).then(
      () => undefined,
      (err: unknown) => (errnoOf(err) === 'ENOENT' ? undefined : errnoOf(err)),
    );
  }
  return code;
}
