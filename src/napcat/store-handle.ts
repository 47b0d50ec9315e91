import { cacheUnusable } from '../errors/catalog';
import type { Logger } from '../logger';
import { MediaStore, StoreError, type MediaStoreOptions } from '../store';
import { errnoOf } from '../store/errors';
import type { FileDigest } from '../store/incoming';
import type { Lease, StoreStats } from '../store/types';
import type { MediaSource } from './media-source';

export interface StoreHandleOptions extends MediaStoreOptions {
  /**
   * The plugin's own default folder (under its data path), claimed whatever it holds; used
   * instead of `dir` when the store refuses `dir` as another's folder (FOREIGN_DIR).
   */
  fallbackDir: string;
}

/** The store counters the plugin's Stats mirror, as increments since the last put. */
export interface StoreCounts {
  hits: number;
  misses: number;
  coalesced: number;
  bytesNotWritten: number;
}

/** What the handle tells the plugin's stats. */
export interface StoreReports {
  counts(delta: StoreCounts): void;
  /** An attempt to open the store failed (CACHE_UNUSABLE); said in the log already. */
  unusable(): void;
}

/**
 * The MediaStore, opened on first use and re-tried after a failure (an unwritable cache
 * folder at start-up must not keep the plugin broken once the operator fixes it). While it
 * cannot open, puts reject and the hooks send the request down NapCat's own path.
 */
export class StoreHandle implements MediaSource {
  readonly #options: StoreHandleOptions;
  readonly #logger: Logger;
  readonly #retryMs: number;
  #store: MediaStore | undefined;
  #opening: Promise<MediaStore> | undefined;
  #failedAt = -Infinity;
  #lastError: unknown;
  #closed = false;
  #seen: StoreCounts = { hits: 0, misses: 0, coalesced: 0, bytesNotWritten: 0 };
  readonly #reports: StoreReports;

  constructor(options: StoreHandleOptions, logger: Logger, reports: StoreReports, retryMs = 10_000) {
    this.#options = options;
    this.#logger = logger;
    this.#reports = reports;
    this.#retryMs = retryMs;
  }

  get store(): MediaStore | undefined {
    return this.#store;
  }

  /** Opens now; a failure is logged and left for the next put to retry. */
  async open(): Promise<void> {
    await this.#get().catch(() => undefined);
  }

  putBase64(base64: string): Promise<Lease> {
    return this.#put((store) => store.putBase64(base64));
  }

  /** The fast path of a put of repeated text; undefined (put it then) also while the store is not open. */
  hitBase64(base64: string): Lease | undefined {
    const store = this.#store;
    if (!store) return undefined;
    const lease = store.hitBase64(base64);
    if (lease) this.#count(store.stats());
    return lease;
  }

  putBytes(bytes: Uint8Array): Promise<Lease> {
    return this.#put((store) => store.putBytes(bytes));
  }

  putFile(source: string, options: { consume: boolean; digest?: FileDigest }): Promise<Lease> {
    return this.#put((store) => store.putFile(source, options));
  }

  /** Runs a put on the opened store and passes its counters on, whether it succeeded or not. */
  async #put(put: (store: MediaStore) => Promise<Lease>): Promise<Lease> {
    const store = await this.#get();
    try {
      return await put(store);
    } finally {
      this.#count(store.stats());
    }
  }

  #count(now: StoreStats): void {
    const total: StoreCounts = {
      hits: now.fastPathHits + now.hashedHits,
      misses: now.misses,
      coalesced: now.coalesced,
      bytesNotWritten: now.bytesNotWritten,
    };
    const seen = this.#seen;
    this.#seen = total;
    this.#reports.counts({
      hits: total.hits - seen.hits,
      misses: total.misses - seen.misses,
      coalesced: total.coalesced - seen.coalesced,
      bytesNotWritten: total.bytesNotWritten - seen.bytesNotWritten,
    });
  }

  acquire(hash: string): Lease | undefined {
    return this.#store?.acquire(hash);
  }

  async quarantine(hash: string): Promise<boolean> {
    return (await this.#get()).quarantine(hash);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const store = this.#store ?? (await this.#opening?.catch(() => undefined));
    this.#store = undefined;
    await store?.close();
  }

  #get(): Promise<MediaStore> {
    if (this.#store) return Promise.resolve(this.#store);
    if (this.#closed) return Promise.reject(new Error('媒体缓存已关闭 / media store is closed'));
    if (this.#opening) return this.#opening;
    if (Date.now() - this.#failedAt < this.#retryMs) return Promise.reject(this.#lastError);
    this.#opening = this.#openStore().then(
      (store) => {
        this.#opening = undefined;
        if (this.#closed) return store.close().then(() => Promise.reject(new Error('媒体缓存已关闭 / media store is closed')));
        this.#store = store;
        this.#seen = { hits: 0, misses: 0, coalesced: 0, bytesNotWritten: 0 };
        return store;
      },
      (error: unknown) => {
        this.#opening = undefined;
        this.#failedAt = Date.now();
        this.#lastError = error;
        this.#unusable(error);
        throw error;
      },
    );
    return this.#opening;
  }

  /** Says, in the catalog's words, why the store cannot open and what happens meanwhile. */
  #unusable(error: unknown): void {
    const errno = error instanceof StoreError ? (error.errno ?? error.code) : (errnoOf(error) ?? 'EUNKNOWN');
    const seconds = this.#retryMs / 1000;
    const text = cacheUnusable({
      errno,
      dir: this.#options.dir,
      meanwhile: {
        zh: `请求暂走 NapCat 原流程（不会失败），${seconds} 秒后再试打开`,
        en: `requests take NapCat's own path meanwhile (none fails), opening again in ${seconds} s`,
      },
    });
    this.#logger.warn(`${text}: ${(error as Error)?.message ?? String(error)}`);
    this.#reports.unusable();
  }

  /** The configured folder, or the default one when the store refuses it as someone else's. */
  async #openStore(): Promise<MediaStore> {
    const { fallbackDir, ...options } = this.#options;
    try {
      return await MediaStore.open({ ...options, ownsDir: options.dir === fallbackDir });
    } catch (error) {
      if (!(error instanceof StoreError && error.code === 'FOREIGN_DIR')) throw error;
      this.#logger.warn(
        `缓存目录 ${options.dir} 非空，且不是媒体缓存建立的，为免删除其中的文件而不使用它，改用默认目录 ${fallbackDir} / ` +
          `cache folder ${options.dir} is not empty and was not made by the media cache: not using it, so none of its files can be deleted; using the default folder ${fallbackDir}`,
      );
      return MediaStore.open({ ...options, dir: fallbackDir, ownsDir: true });
    }
  }
}
