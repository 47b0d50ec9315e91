import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { silentLogger, type Logger } from '../logger';
import { errnoOf } from './errors';
import { NormalPaths } from './normal-paths';

export interface PathLeasesOptions {
  /**
   * Wait after the last release before deleting, ms. Long enough that a send starting
   * just after another finished reuses the file instead of copying it again.
   */
  graceMs: number;
  /** Deletes one file. Default fs.promises.unlink. */
  unlink?: (file: string) => Promise<void>;
  /** Where failed deletions are reported, once per deletion. Default silent. */
  logger?: Logger;
  /**
   * Extra attempts after EBUSY/EPERM/EACCES (Windows: QQ, an antivirus or the indexer still
   * holds the file). Default 20, which with the default delays keeps trying for about 16 min.
   */
  busyRetries?: number;
  /** The first extra attempt waits this long, ms, each next one twice as long, up to a minute. Default 500. */
  busyRetryDelayMs?: number;
  /** Clock in ms, injectable for tests. Default Date.now. */
  now?: () => number;
}

export interface PathLease {
  /** The normalised absolute path. */
  readonly path: string;
  /**
   * Resolves once no deletion of this path is in flight. An unlink already issued cannot
   * be called back, so create or verify the file only after this.
   */
  readonly ready: Promise<void>;
  /** Whether a deletion of this path was in flight when it was leased (then wait for `ready`). */
  readonly deleting: boolean;
  /** Idempotent. */
  release(): void;
}

export interface SweptLease {
  path: string;
  ageMs: number;
}

interface LeaseRecord {
  readonly path: string;
  readonly acquiredAt: number;
  released: boolean;
}

interface PathEntry {
  readonly leases: Set<LeaseRecord>;
  /** Counts acquires, so an unlink can tell whether the path was used while it ran. */
  acquisitions: number;
  /**
   * A pending grace deletion or a busy retry; never set while an unlink runs. A grace timer is
   * left running when the path is leased again (re-arming one per send cost more than the rest
   * of a lease): when it fires it deletes only an idle path whose grace is over, and re-arms
   * for the rest of the grace otherwise.
   */
  timer?: NodeJS.Timeout;
  /** Which deletion `timer` is. */
  timerKind?: 'grace' | 'busy';
  /** When the last lease went, while no lease is held and a grace timer runs (setGraceMs reschedules those). */
  idleSince?: number;
  /** The unlink in flight and its bookkeeping; never rejects. */
  deleting?: Promise<void>;
}

type UnlinkOutcome = { ok: true } | { ok: false; error: unknown };

const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_BUSY_DELAY_MS = 60_000;

/**
 * Reference counts for files the plugin shares between sends (the NTQQ `Ori/<md5>` copies).
 * A path is deleted only a grace period after its last lease is released, never while one
 * is held, because NapCat's own path-keyed deletion queue has no count and deletes files
 * other sends are still uploading.
 */
export class PathLeases {
  readonly #entries = new Map<string, PathEntry>();
  readonly #unlink: (file: string) => Promise<void>;
  readonly #logger: Logger;
  readonly #busyRetries: number;
  readonly #busyRetryDelayMs: number;
  readonly #now: () => number;
  readonly #keys = new NormalPaths();
  #graceMs: number;
  #count = 0;
  #closed = false;
  /** No deletion is scheduled any more (a retiring plugin instance leaves them to its successor). */
  #keep = false;

  constructor(options: PathLeasesOptions) {
    this.#graceMs = checkDelay(options.graceMs);
    this.#unlink = options.unlink ?? fsp.unlink;
    this.#logger = options.logger ?? silentLogger;
    this.#busyRetries = options.busyRetries ?? 20;
    this.#busyRetryDelayMs = options.busyRetryDelayMs ?? 500;
    this.#now = options.now ?? (() => Date.now());
  }

  acquire(file: string): PathLease {
    if (this.#closed) throw new Error(`路径租约已关闭 / PathLeases is closed: ${file}`);
    if (!path.isAbsolute(file)) throw new TypeError(`需要绝对路径 / an absolute path is required: ${file}`);
    const key = this.#keys.of(file);
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { leases: new Set(), acquisitions: 0 };
      this.#entries.set(key, entry);
    }
    // A busy retry stops here; a grace timer finds the path held when it fires.
    if (entry.timerKind === 'busy') cancelTimer(entry);
    entry.idleSince = undefined;
    entry.acquisitions++;
    const record: LeaseRecord = { path: key, acquiredAt: this.#now(), released: false };
    entry.leases.add(record);
    this.#count++;
    const deleting = entry.deleting;
    return {
      path: key,
      // Made only when asked for: most callers look at `deleting` first.
      get ready() {
        return deleting ?? Promise.resolve();
      },
      deleting: deleting !== undefined,
      release: () => this.#release(record),
    };
  }

  /** True once close() has begun: acquire() then throws. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Whether any lease on `file` is held. */
  held(file: string): boolean {
    return (this.#entries.get(this.#keys.of(file))?.leases.size ?? 0) > 0;
  }

  /** Leases held now, over all paths. */
  get count(): number {
    return this.#count;
  }

  /** Paths with no lease that are waiting for, or in, deletion. */
  get pending(): number {
    let n = 0;
    for (const entry of this.#entries.values()) if (entry.leases.size === 0) n++;
    return n;
  }

  /**
   * Stops deleting: waiting deletions are cancelled and paths whose last lease goes from now
   * on are only remembered (see pendingPaths). For a plugin instance that retires while its
   * successor may already use the same files.
   */
  suspendDeletions(): void {
    this.#keep = true;
    for (const entry of this.#entries.values()) cancelTimer(entry);
  }

  /** Paths with no lease that are waiting for (or, after suspendDeletions, spared) deletion. */
  pendingPaths(): string[] {
    return [...this.#entries].filter(([, entry]) => entry.leases.size === 0).map(([key]) => key);
  }

  /** Changes the grace period; deletions already waiting are moved to last release + the new grace. */
  setGraceMs(ms: number): void {
    this.#graceMs = checkDelay(ms);
    for (const [key, entry] of this.#entries) {
      if (entry.timerKind !== 'grace' || entry.idleSince === undefined) continue;
      clearTimeout(entry.timer);
      this.#scheduleDeletion(key, entry, Math.max(0, entry.idleSince + ms - this.#now()), entry.idleSince);
    }
  }

  /**
   * Backstop for leases nobody released: force-releases every lease older than `ms` and
   * returns them so the caller can log what leaked.
   */
  sweepOlderThan(ms: number): SweptLease[] {
    const now = this.#now();
    const stale: LeaseRecord[] = [];
    for (const entry of this.#entries.values()) {
      for (const record of entry.leases) if (now - record.acquiredAt > ms) stale.push(record);
    }
    for (const record of stale) this.#release(record);
    return stale.map((record) => ({ path: record.path, ageMs: now - record.acquiredAt }));
  }

  /**
   * Stops every timer. With `deletePending`, paths waiting out their grace are deleted now
   * (one attempt each); held paths are never deleted. Resolves when no unlink is in flight.
   */
  async close({ deletePending }: { deletePending: boolean }): Promise<void> {
    this.#closed = true;
    for (const [key, entry] of this.#entries) {
      // Idle with a deletion pending (a grace timer also runs on while its path is held again).
      const waiting = entry.timer !== undefined && entry.leases.size === 0;
      cancelTimer(entry);
      if (deletePending && waiting) this.#delete(key, entry, 0);
    }
    await Promise.all([...this.#entries.values()].map((entry) => entry.deleting));
    this.#entries.clear();
    this.#count = 0;
  }

  #release(record: LeaseRecord): void {
    if (record.released) return;
    record.released = true;
    // No entry after close(): the leases were dropped with it.
    const entry = this.#entries.get(record.path);
    if (!entry) return;
    entry.leases.delete(record);
    this.#count--;
    // With an unlink in flight, #afterUnlink sees this acquisition and schedules afresh.
    if (entry.leases.size === 0 && !entry.deleting && !this.#closed && !this.#keep) {
      // A grace timer already running re-arms for the rest of the grace when it fires.
      if (entry.timerKind === 'grace') entry.idleSince = this.#now();
      else this.#scheduleDeletion(record.path, entry, this.#graceMs);
    }
  }

  #scheduleDeletion(key: string, entry: PathEntry, delayMs: number, idleSince = this.#now()): void {
    entry.idleSince = idleSince;
    entry.timerKind = 'grace';
    entry.timer = setTimeout(() => this.#graceOver(key, entry), delayMs).unref();
  }

  /** A grace timer fired: deletes the path if it has been idle for the whole grace, waits out the rest if it went idle since. */
  #graceOver(key: string, entry: PathEntry): void {
    const idleSince = entry.idleSince;
    entry.timer = undefined;
    entry.timerKind = undefined;
    if (entry.leases.size > 0 || idleSince === undefined) return; // held: its last release schedules anew
    const left = idleSince + this.#graceMs - this.#now();
    if (left > 0) this.#scheduleDeletion(key, entry, left, idleSince);
    else this.#delete(key, entry, 0);
  }

  #delete(key: string, entry: PathEntry, retry: number): void {
    entry.timer = undefined;
    entry.timerKind = undefined;
    entry.idleSince = undefined;
    if (entry.leases.size > 0 || this.#entries.get(key) !== entry) return;
    const acquisitions = entry.acquisitions;
    entry.deleting = Promise.resolve()
      .then(() => this.#unlink(key))
      .then(
        (): UnlinkOutcome => ({ ok: true }),
        (error: unknown): UnlinkOutcome => ({ ok: false, error }),
      )
      .then((outcome) => {
        entry.deleting = undefined;
        this.#afterUnlink(key, entry, retry, outcome, acquisitions !== entry.acquisitions);
      });
  }

  #afterUnlink(key: string, entry: PathEntry, retry: number, outcome: UnlinkOutcome, usedMeanwhile: boolean): void {
    // Acquired while the unlink ran: a holder waited on `ready` and may have recreated the
    // file, so it gets a fresh grace period once the last lease goes.
    if (entry.leases.size > 0) return;
    if (this.#keep) {
      // Gone for good unless someone used it meanwhile; either way no retry from here on.
      if (outcome.ok && !usedMeanwhile && this.#entries.get(key) === entry) this.#entries.delete(key);
      return;
    }
    if (usedMeanwhile && !this.#closed) {
      this.#scheduleDeletion(key, entry, this.#graceMs);
      return;
    }
    if (!outcome.ok) {
      const code = errnoOf(outcome.error);
      if ((code === 'EBUSY' || code === 'EPERM' || code === 'EACCES') && retry < this.#busyRetries && !this.#closed) {
        const delay = Math.min(MAX_BUSY_DELAY_MS, this.#busyRetryDelayMs * 2 ** retry);
        entry.timerKind = 'busy';
        entry.timer = setTimeout(() => this.#delete(key, entry, retry + 1), delay).unref();
        return;
      }
      if (code !== 'ENOENT') {
        this.#logger.warn(`删除共享媒体文件失败，已放弃 / could not delete shared media file, giving up: ${key}`, outcome.error);
      }
    }
    if (this.#entries.get(key) === entry) this.#entries.delete(key);
  }
}

function cancelTimer(entry: PathEntry): void {
  if (entry.timer !== undefined) clearTimeout(entry.timer);
  entry.timer = undefined;
  entry.timerKind = undefined;
  entry.idleSince = undefined;
}

function checkDelay(ms: number): number {
  if (!(ms >= 0 && ms <= MAX_TIMER_MS)) {
    throw new RangeError(`宽限期须在 0 到 ${MAX_TIMER_MS} ms 之间 / graceMs must be within 0..${MAX_TIMER_MS}, got ${ms}`);
  }
  return ms;
}
