// The content-addressed, refcounted media store. See docs/store.md for the design and the
// cross-process reasoning; the short version:
// - identity is sha-256 of the bytes; md5 (what NTQQ needs) is computed when written, and
//   once per process when adopting a file another process (or run) wrote, to check its meta;
// - a put returns a Lease, and a file is deleted only when it has left the index, its last
//   lease in this process is released, and no live process holds a lease marker for it;
// - every write or delete of one content runs under its keyed mutex + cross-process lock;
// - every hit checks its file with one stat: a file removed from outside is published again.
import { Semaphore } from 'async-mutex';
import { LRUCache } from 'lru-cache';
import { type Logger, silentLogger } from '../logger';
import { Base64Index } from './base64-index';
import { StoreError, closedError, emptyError, errnoOf, ioError, tooLargeError } from './errors';
import { FileLocks } from './file-lock';
import { StoreLayout, markerName } from './layout';
import { addMarker, heldElsewhere, removeMarker, removeMarkerDir } from './lease-markers';
import { readMeta, writeMeta } from './meta';
import { type MediaStoreOptions, type ResolvedOptions, resolveOptions } from './options';
import { type ProcessIdentity, currentIdentity, identityTag } from './process-identity';
import { digestFile } from './file-digest';
import { type FileDigest, type Incoming, type Placement, incomingBytes, incomingFile } from './incoming';
import { prepareFolder } from './publish';
import { decodeBase64InSlices, digestInSlices } from './slices';
import { type StoreFs, nodeFs, statIfExists, unlinkIfExists } from './store-fs';
import { claimRoot, restoreLayout } from './store-root';
import { type SweepReport, sweep } from './sweep';
import type { Lease, MediaInfo, StoreStats } from './types';

interface Entry {
  readonly info: MediaInfo;
  refs: number;
  /** In this process's LRU index; an entry out of it is deleted once `refs` is 0. */
  indexed: boolean;
  /** Its deletion has begun, or it was dropped: it can no longer be leased. */
  deleting: boolean;
}

type Counters = Omit<StoreStats, 'entries' | 'bytes' | 'leases'>;

export class MediaStore {
  private readonly entries = new Map<string, Entry>();
  private readonly index: LRUCache<string, Entry>;
  private readonly base64: Base64Index;
  private readonly flights = new Map<string, Promise<Entry>>();
  private readonly base64Flights = new Map<string, Promise<Entry>>();
  private readonly deletions = new Set<Promise<void>>();
  /** Bounds the file work in flight, and so the store's open files (options.ts). */
  private readonly io: Semaphore;
  private readonly counters: Counters = {
    fastPathHits: 0,
    hashedHits: 0,
    misses: 0,
    coalesced: 0,
    writes: 0,
    filesMoved: 0,
    bytesNotWritten: 0,
    evictions: 0,
    deletions: 0,
    quarantined: 0,
    vanished: 0,
  };
  private readonly locks: FileLocks;
  private readonly marker: string;
  private readonly ownerTag: string;
  private leases = 0;
  private closed = false;
  private purgeTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<SweepReport> | undefined;
  private restoring: Promise<void> | undefined;

  private constructor(
    private readonly options: ResolvedOptions,
    private readonly fs: StoreFs,
    private readonly layout: StoreLayout,
    private readonly self: ProcessIdentity,
    private readonly logger: Logger,
  ) {
    this.ownerTag = identityTag(self);
    this.marker = markerName(this.ownerTag);
    this.io = new Semaphore(options.ioConcurrency);
    this.locks = new FileLocks({
      staleMs: options.lockStaleMs,
      waitMs: options.lockWaitMs,
      logger,
      restoreFolder: () => this.restoreLayout(),
    });
    this.base64 = new Base64Index(options.memoryBudgetBytes);
    this.index = new LRUCache<string, Entry>({
      max: options.maxEntries,
      maxSize: options.maxTotalBytes,
      sizeCalculation: (entry) => entry.info.size,
      ttl: options.idleMs,
      updateAgeOnGet: true,
      ttlResolution: 0, // no cached clock, hence no lru-cache timer of its own
      dispose: (entry, _hash, reason) => this.onLeaveIndex(entry, reason),
    });
  }

  /**
   * Claims the folder (a non-empty one the store did not make is refused with FOREIGN_DIR),
   * creates its layout, and starts the idle timer and, in the background, the start-up sweep:
   * puts are served while it runs (`swept()` resolves when it is done).
   */
  static async open(options: MediaStoreOptions): Promise<MediaStore> {
    const resolved = resolveOptions(options);
    const fs = options.fs ?? nodeFs;
    const layout = new StoreLayout(resolved.dir);
    await claimRoot(fs, layout, resolved.ownsDir);
    const store = new MediaStore(resolved, fs, layout, await currentIdentity(), options.logger ?? silentLogger);
    store.startSweep();
    store.startIdleTimer();
    return store;
  }

  /** Stores `bytes` (not to be modified until the promise settles) and leases the file. */
  async putBytes(bytes: Uint8Array): Promise<Lease> {
    this.assertOpen();
    if (bytes.length === 0) throw emptyError();
    if (bytes.length > this.options.maxEntryBytes) throw tooLargeError(bytes.length, this.options.maxEntryBytes);
    const hash = await digestInSlices('sha256', bytes, this.options.sliceBytes);
    return this.leaseWhenReady(() => this.load(hash, this.incomingBytes(bytes)));
  }

  /**
   * Stores the file at `source` and leases it. With `consume` the store takes the file over:
   * it is renamed into the content tree when the content is new (no bytes written; copied
   * and removed when the rename crosses filesystems) and removed when the content is already
   * there; it must not change until this settles. Without, the file is the caller's and may
   * change at any time: it is copied, and the copy is hashed again before it is published, so
   * a file changed meanwhile is refused (CHANGED) rather than stored under a hash its bytes do
   * not have. `digest`, when the caller already hashed the file (FileDigests), saves the first
   * read; content already in the store is then answered without reading the file at all.
   * On failure the caller's file is left where it was.
   */
  async putFile(source: string, options: { consume: boolean; digest?: FileDigest }): Promise<Lease> {
    this.assertOpen();
    const size = await this.fs.stat(source).then(
      (found) => found.size,
      (err: unknown) => Promise.reject(ioError('read', source, err)),
    );
    if (size === 0) throw emptyError();
    if (size > this.options.maxEntryBytes) throw tooLargeError(size, this.options.maxEntryBytes);
    const found: FileDigest =
      options.digest ??
      (await this.io.runExclusive(() => digestFile(source)).catch((err: unknown): never => {
        throw ioError('read', source, err);
      }));
    const incoming = incomingFile(this.fs, () => this.layout.tmp(this.ownerTag), source, found, options.consume);
    const lease = await this.leaseWhenReady(() => this.load(found.hash, incoming));
    if (options.consume && !incoming.moved) await unlinkIfExists(this.fs, source).catch(() => undefined);
    return lease;
  }

  /**
   * Decodes (as `Buffer.from(text, 'base64')` does) and stores base64 text. Repeated text is
   * answered without decoding or hashing, after one stat that the file is still there (removed
   * from outside, it is published again from this text).
   */
  async putBase64(text: string): Promise<Lease> {
    return this.hitBase64(text) ?? this.leaseWhenReady(() => this.loadBase64(text));
  }

  /**
   * putBase64's fast path alone, synchronously: a lease when this exact text was stored before
   * and its file is still there, else undefined (then putBase64 decodes and stores it).
   */
  hitBase64(text: string): Lease | undefined {
    this.assertOpen();
    const known = this.base64.get(text);
    const entry = known && this.entries.get(known.hash);
    if (!known || !entry || entry.deleting) return undefined;
    if (this.present(entry)) {
      this.counters.fastPathHits++;
      this.counters.bytesNotWritten += entry.info.size;
      return this.lease(entry, known.text);
    }
    this.drop(entry);
    return undefined;
  }

  /** A new lease on content already in this process (its file checked by one stat), or undefined. */
  acquire(hash: string): Lease | undefined {
    const entry = this.entries.get(hash);
    if (!entry || entry.deleting || this.closed) return undefined;
    if (this.present(entry)) return this.lease(entry);
    this.drop(entry);
    return undefined;
  }

  /** Takes `hash` out of the index now, as the LRU would; its file goes when its leases do. */
  evict(hash: string): boolean {
    if (!this.index.has(hash)) return false;
    this.counters.evictions++;
    return this.index.delete(hash);
  }

  /**
   * Takes a content whose file was found corrupt out of service: the file moves to `tmp/`
   * (out of the content tree, so its final name is free; the next start-up sweep deletes it),
   * and the entry, its meta and its fast-path keys are dropped. Leases on it stay valid
   * objects: the next put of the same bytes republishes the same path. Returns whether an
   * entry or a file was there to take out.
   *
   * The file is first checked by its identity, sha-256: one that is whole is left in place
   * (only its meta is rewritten, if its md5 was wrong) and false is returned.
   */
  async quarantine(hash: string): Promise<boolean> {
    this.assertOpen();
    return this.io.runExclusive(() => this.locks.run(this.layout.lockTarget(hash), () => this.quarantineLocked(hash)));
  }

  /** Resolves when every deletion scheduled so far has finished and its lock is released. */
  async settle(): Promise<void> {
    await this.sweeping;
    while (this.deletions.size > 0) await Promise.allSettled([...this.deletions]);
    await this.locks.settle();
  }

  /** The start-up sweep's report, once the sweep (started by `open`) has finished. */
  swept(): Promise<SweepReport> {
    return this.sweeping!;
  }

  stats(): StoreStats {
    return { entries: this.index.size, bytes: this.index.calculatedSize, leases: this.leases, ...this.counters };
  }

  /**
   * Stops timers and the sweep, waits for work in flight, and withdraws this instance's lease
   * markers. Files stay for the next start; leases still held lose their cross-process protection.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.purgeTimer);
    await Promise.allSettled([...this.flights.values(), ...this.base64Flights.values()]);
    await this.settle();
    if (this.leases > 0) {
      this.logger.warn(`[media-cache] 关闭时仍有 ${this.leases} 个租约未释放 / closing with ${this.leases} leases still held`);
    }
    await Promise.allSettled(
      [...this.entries.keys()].map((hash) => removeMarker(this.fs, this.layout, hash, this.marker)),
    );
    this.entries.clear();
    this.index.clear();
    this.base64.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw closedError();
  }

  private startIdleTimer(): void {
    if (this.options.idleMs <= 0) return;
    const every = Math.min(Math.max(this.options.idleMs / 4, 100), 60_000);
    this.purgeTimer = setInterval(() => this.index.purgeStale(), every);
    this.purgeTimer.unref();
  }

  private startSweep(): void {
    const started = performance.now();
    this.sweeping = sweep({
      fs: this.fs,
      layout: this.layout,
      locks: this.locks,
      self: this.self,
      logger: this.logger,
      options: this.options,
      stopped: () => this.closed,
    }).then((report) => {
      this.logger.info(
        `[media-cache] 缓存目录已整理（${Math.round(performance.now() - started)} ms）：删除临时文件 ${report.tempFiles} 个、失效记录 ${report.dropped} 个、超限或闲置 ${report.trimmed} 个，保留 ${report.kept} 个 / ` +
          `store swept in ${Math.round(performance.now() - started)} ms: removed ${report.tempFiles} temp files, ${report.dropped} broken and ${report.trimmed} over-bound or idle entries, kept ${report.kept}`,
      );
      return report;
    });
  }

  /** Puts back the root, its mark and its folders after someone removed them; callers share one run. */
  private restoreLayout(): Promise<void> {
    this.restoring ??= restoreLayout(this.fs, this.layout).finally(() => (this.restoring = undefined));
    return this.restoring;
  }

  /** Leases the loaded entry; retries in the rare case it began deleting before we got to it. */
  private async leaseWhenReady(load: () => Promise<Entry>): Promise<Lease> {
    for (let attempt = 0; ; attempt++) {
      const entry = await load();
      if (!entry.deleting) return this.lease(entry);
      if (attempt === 3) throw new StoreError('IO', '媒体缓存条目反复被回收 / media cache entry kept being evicted');
    }
  }

  private lease(entry: Entry, text?: string): Lease {
    entry.refs++;
    this.leases++;
    if (entry.indexed) this.index.get(entry.info.hash); // refresh recency and idle time
    else this.reindex(entry);
    let released = false;
    return {
      media: entry.info,
      ...(text !== undefined && { text }),
      release: () => {
        if (released) return;
        released = true;
        entry.refs--;
        this.leases--;
        if (entry.refs === 0 && !entry.indexed && !entry.deleting) this.scheduleDelete(entry);
      },
    };
  }

  private reindex(entry: Entry): void {
    entry.indexed = true;
    this.index.set(entry.info.hash, entry);
  }

  private onLeaveIndex(entry: Entry, reason: LRUCache.DisposeReason): void {
    if (reason === 'set' || this.closed) return;
    entry.indexed = false;
    if (reason === 'evict' || reason === 'expire') this.counters.evictions++;
    if (entry.refs === 0 && !entry.deleting) this.scheduleDelete(entry);
  }

  /** Whether an entry's file is still there with its size: the one stat of a hit. */
  private present(entry: Entry): boolean {
    try {
      return this.fs.statNow(entry.info.path)?.size === entry.info.size;
    } catch {
      return false;
    }
  }

  /**
   * Forgets an entry whose file was removed or changed from outside. Nothing is deleted: the
   * put that found it publishes the file again from its own bytes, under the same name, and
   * leases already handed out point at it again.
   */
  private drop(entry: Entry): void {
    const { hash, path } = entry.info;
    if (entry.deleting || this.entries.get(hash) !== entry) return;
    entry.deleting = true;
    this.entries.delete(hash);
    this.index.delete(hash);
    this.base64.forget(hash);
    this.counters.vanished++;
    this.logger.warn(`[media-cache] 缓存文件被外部删除或改动，将由本次请求重建：${path} / cached file was removed or changed from outside; this request publishes it again`);
  }

  /** Single-flight by the text itself, so a burst of one image decodes and hashes it once. */
  private loadBase64(text: string): Promise<Entry> {
    const running = this.base64Flights.get(text);
    if (running) {
      this.counters.coalesced++;
      return running.then((entry) => {
        this.counters.bytesNotWritten += entry.info.size;
        return entry;
      });
    }
    const flight = (async () => {
      const bytes = await decodeBase64InSlices(text, this.options.maxEntryBytes, this.options.sliceBytes);
      const hash = await digestInSlices('sha256', bytes, this.options.sliceBytes);
      const entry = await this.load(hash, this.incomingBytes(bytes));
      this.base64.remember(text, entry.info.hash);
      return entry;
    })().finally(() => this.base64Flights.delete(text));
    this.base64Flights.set(text, flight);
    return flight;
  }

  private incomingBytes(bytes: Uint8Array): Incoming {
    return incomingBytes(this.fs, () => this.layout.tmp(this.ownerTag), bytes, this.options.sliceBytes);
  }

  /** Single-flight by content hash: one caller writes, the others share its result. */
  private load(hash: string, incoming: Incoming): Promise<Entry> {
    const entry = this.entries.get(hash);
    if (entry && !entry.deleting) {
      if (this.present(entry)) {
        this.counters.hashedHits++;
        this.counters.bytesNotWritten += entry.info.size;
        return Promise.resolve(entry);
      }
      this.drop(entry);
    }
    const running = this.flights.get(hash);
    if (running) {
      this.counters.coalesced++;
      this.counters.bytesNotWritten += incoming.size;
      return running;
    }
    const flight = this.io
      .runExclusive(async () => {
        // The temp file is created while we wait for the lock; dropped if the content was there.
        incoming.prepare();
        try {
          return await this.locks.run(this.layout.lockTarget(hash), () => this.loadLocked(hash, incoming));
        } catch (err) {
          // A folder of the store removed while it runs: put the layout back and try once more.
          if (!(err instanceof StoreError && err.errno === 'ENOENT') || this.closed) throw err;
          await this.restoreLayout();
          return await this.locks.run(this.layout.lockTarget(hash), () => this.loadLocked(hash, incoming));
        } finally {
          await incoming.discard();
        }
      })
      .finally(() => this.flights.delete(hash));
    this.flights.set(hash, flight);
    return flight;
  }

  private async loadLocked(hash: string, incoming: Incoming): Promise<Entry> {
    // Checked again under the lock (groupcache's double check): a deletion that was running
    // when we started may have been called off.
    const known = this.entries.get(hash);
    if (known && !known.deleting) return known;
    const ext = await incoming.ext;
    const path = this.layout.content(hash, ext);
    const found = await this.adopt(hash, ext, path, incoming);
    // The marker goes down beside the write (it is needed either way); a failed put removes it.
    const marking = addMarker(this.fs, this.layout, hash, this.marker).catch((err: unknown) => {
      throw ioError('write', this.layout.leaseDir(hash), err);
    });
    marking.catch(() => undefined); // awaited below, or by the publication it gates
    let info: MediaInfo;
    try {
      info = found.info ?? (await this.publish(hash, ext, path, incoming, found.fileExists, marking));
      await marking;
    } catch (err) {
      // Nothing of a failed put stays: not its marker, nor the folder made for it.
      if (await marking.then(() => true, () => false)) {
        await removeMarker(this.fs, this.layout, hash, this.marker).catch(() => undefined);
        await removeMarkerDir(this.fs, this.layout, hash);
      }
      throw err;
    }
    const entry: Entry = { info, refs: 0, indexed: false, deleting: false };
    this.entries.set(hash, entry);
    this.reindex(entry);
    return entry;
  }

  /**
   * The file another process (or an earlier run) published, if it is whole and its meta is
   * right; else whether a whole file is there at all (then only its meta is rewritten). The
   * md5 on record is checked against the put's own bytes, which hash to `hash`: a wrong one
   * would have every send of this content fail its md5 check, so it is rewritten.
   */
  private async adopt(hash: string, ext: string, path: string, incoming: Incoming): Promise<{ info?: MediaInfo; fileExists: boolean }> {
    const size = incoming.size;
    try {
      const found = await statIfExists(this.fs, path);
      if (found === undefined) return { fileExists: false };
      if (found.size !== size) {
        this.logger.warn(`[media-cache] 缓存文件大小不符，重新写入：${path} / cached file has the wrong size; rewriting`);
        await unlinkIfExists(this.fs, path);
        return { fileExists: false };
      }
    } catch (err) {
      throw ioError('read', path, err);
    }
    const meta = await readMeta(this.fs, this.layout, hash).catch(() => undefined);
    this.counters.hashedHits++;
    this.counters.bytesNotWritten += size;
    if (!meta || meta.size !== size || meta.ext !== ext) return { fileExists: true };
    const md5 = await incoming.md5();
    if (meta.md5 === md5) return { info: { hash, md5, size, ext, path }, fileExists: true };
    this.logger.warn(`[media-cache] 缓存记录的 md5 有误，已按内容重写：${this.layout.meta(hash)} / the md5 on record was wrong; rewritten from the content`);
    return { fileExists: true };
  }

  /**
   * Publishes the content (or, for a whole file whose meta is missing or wrong, only its meta).
   * A put that fails leaves no content, no meta and no temp file: bytes published before their
   * meta or marker failed are removed again, and a caller's file moves only after both.
   */
  private async publish(
    hash: string,
    ext: string,
    path: string,
    incoming: Incoming,
    fileExists: boolean,
    marking: Promise<void>,
  ): Promise<MediaInfo> {
    let recording: Promise<void> | undefined;
    const record = (md5: string) =>
      (recording ??= writeMeta(this.fs, this.layout, { hash, md5, size: incoming.size, ext }, this.layout.tmp(this.ownerTag)).catch(
        (err: unknown) => {
          throw ioError('write', this.layout.meta(hash), err);
        },
      ));
    if (fileExists) {
      await record(await incoming.md5());
      return { hash, md5: await incoming.md5(), size: incoming.size, ext, path };
    }
    let ready: Promise<unknown> | undefined;
    let placed: Placement | undefined;
    try {
      placed = await incoming.place(path, {
        folder: prepareFolder(this.fs, path),
        ready: (md5) => (ready ??= Promise.all([marking, record(md5)])),
      });
      await ready;
    } catch (err) {
      if (placed) await unlinkIfExists(this.fs, path).catch(() => undefined);
      // Recorded or not, no meta may stay for a content that did not arrive.
      if (recording && (await recording.then(() => true, () => false))) {
        await unlinkIfExists(this.fs, this.layout.meta(hash)).catch(() => undefined);
      }
      throw err;
    }
    this.counters.misses++;
    this.counters[placed === 'written' ? 'writes' : 'filesMoved']++;
    return { hash, md5: await incoming.md5(), size: incoming.size, ext, path };
  }

  private async quarantineLocked(hash: string): Promise<boolean> {
    const entry = this.entries.get(hash);
    const meta = await readMeta(this.fs, this.layout, hash).catch(() => undefined);
    const ext = entry?.info.ext ?? meta?.ext;
    if (ext === undefined) return this.takeOut(hash, entry, false);
    const path = this.layout.content(hash, ext);
    const found = await digestFile(path).catch((err: unknown) => {
      if (errnoOf(err) === 'ENOENT') return undefined;
      throw ioError('read', path, err);
    });
    if (found?.hash === hash) {
      // The file is what its name says: whoever found it wrong had a wrong md5 (from its meta).
      if (meta?.md5 !== found.md5 || meta.size !== found.size || meta.ext !== ext) {
        await writeMeta(this.fs, this.layout, { hash, md5: found.md5, size: found.size, ext }, this.layout.tmp(this.ownerTag));
        this.logger.warn(`[media-cache] 缓存文件完好，只是记录的 md5 有误，已重写：${path} / cached file is whole; only its recorded md5 was wrong, rewritten`);
      }
      return false;
    }
    if (found) {
      const aside = this.layout.tmp(this.ownerTag);
      try {
        await this.fs.rename(path, aside);
      } catch (err) {
        if (errnoOf(err) !== 'ENOENT') throw ioError('delete', path, err);
        await this.restoreLayout(); // tmp/ was removed
        await this.fs.rename(path, aside).catch((again: unknown) => Promise.reject(ioError('delete', path, again)));
      }
    }
    await unlinkIfExists(this.fs, this.layout.meta(hash)).catch(() => undefined);
    return this.takeOut(hash, entry, found !== undefined);
  }

  /** Drops an entry and its fast-path keys; counts and logs a quarantine when there was something to take out. */
  private async takeOut(hash: string, entry: Entry | undefined, moved: boolean): Promise<boolean> {
    if (entry) {
      // Out of `entries` first, so the deletion the index schedules below finds it gone.
      entry.deleting = true;
      this.entries.delete(hash);
      this.index.delete(hash);
    }
    this.base64.forget(hash);
    await removeMarker(this.fs, this.layout, hash, this.marker).catch(() => undefined);
    if (!entry && !moved) return false;
    this.counters.quarantined++;
    this.logger.warn(
      `[media-cache] 缓存文件已损坏，已隔离，下次写入时重建：${hash} / cached file is corrupt; quarantined, the next put rebuilds it`,
    );
    return true;
  }

  private scheduleDelete(entry: Entry): void {
    if (this.closed) return;
    const deletion = this.io.runExclusive(() => this.delete(entry)).finally(() => this.deletions.delete(deletion));
    this.deletions.add(deletion);
  }

  private async delete(entry: Entry): Promise<void> {
    const { hash, path } = entry.info;
    // Leased or re-indexed while we waited: keep it. Checked before the file lock (cheap)
    // and again under it.
    const doomed = () => entry.refs === 0 && !entry.indexed && this.entries.get(hash) === entry;
    try {
      await this.locks.run(this.layout.lockTarget(hash), async () => {
        if (!doomed()) return;
        entry.deleting = true;
        this.entries.delete(hash);
        this.base64.forget(hash);
        if (!(await heldElsewhere(this.fs, this.layout, hash, this.self, this.marker))) {
          await unlinkIfExists(this.fs, path);
          await unlinkIfExists(this.fs, this.layout.meta(hash));
          this.counters.deletions++;
        }
        await removeMarker(this.fs, this.layout, hash, this.marker);
        await removeMarkerDir(this.fs, this.layout, hash);
      }, doomed);
    } catch (err) {
      this.logger.warn(
        `[media-cache] 删除缓存文件失败，下次启动时再清理：${path} / failed to delete cached file, the next start retries: ${String(err)}`,
      );
    }
  }
}
