// MediaStore options, each with the trade-off it controls. Defaults are stated once, here.
import type { Logger } from '../logger';
import type { StoreFs } from './store-fs';

export interface MediaStoreOptions {
  /** Store root. Shared by every NapCat process of one install (`ctx.dataPath`), so all state on disk is cross-process safe. */
  dir: string;
  /**
   * The caller vouches that `dir` is the store's to use (the plugin's own default folder under
   * its data path): claimed even when it holds other files and no mark. Otherwise such a folder
   * is refused with FOREIGN_DIR. Default false.
   */
  ownsDir?: boolean;
  /** Largest accepted content; larger puts reject with TOO_LARGE. Default 256 MiB (clamped to maxTotalBytes). */
  maxEntryBytes?: number;
  /** Index bound on the sum of entry sizes (this process). Default 2 GiB. */
  maxTotalBytes?: number;
  /** Index bound on the entry count (this process). lru-cache preallocates arrays of this length. Default 4096. */
  maxEntries?: number;
  /** An entry unused this long leaves the index (and its file goes once unleased). 0 = never. Default 30 min. */
  idleMs?: number;
  /** Memory for the base64-string fast path: the key strings it keeps alive. 0 disables it. Default 64 MiB. */
  memoryBudgetBytes?: number;
  /** A cross-process lock older than this is taken as abandoned (a killed holder). proper-lockfile clamps it to ≥ 2000. Default 5000. */
  lockStaleMs?: number;
  /** How long to wait for a contended cross-process lock before failing with LOCK. Default 10000. */
  lockWaitMs?: number;
  /**
   * Puts that write (and deletions) running at once; the rest wait their turn. Each holds at
   * most 3 files open (its temp file, its meta, its lease marker), so this bounds the store's
   * file descriptors: a burst of 2,000 distinct images once opened 2,000 temp files and failed
   * with EMFILE (and so did unrelated opens elsewhere in NapCat). More buys nothing on 2 cores.
   * Default 16.
   */
  ioConcurrency?: number;
  /**
   * Decoding and hashing longer than this many bytes is done in slices of it, with a turn of
   * the event loop between them, so a big put does not stall the servers sharing the thread.
   * Smaller puts run at once, as fast as before. Infinity = never slice. Default 1 MiB.
   */
  sliceBytes?: number;
  logger?: Logger;
  /** File functions the store uses; tests inject faults here. Default `node:fs/promises`. */
  fs?: StoreFs;
}

export type ResolvedOptions = Required<Omit<MediaStoreOptions, 'logger' | 'fs'>>;

const MiB = 1024 * 1024;

export function resolveOptions(options: MediaStoreOptions): ResolvedOptions {
  const maxTotalBytes = options.maxTotalBytes ?? 2048 * MiB;
  return {
    dir: options.dir,
    ownsDir: options.ownsDir ?? false,
    // An entry larger than the whole index would be refused by lru-cache; never let that happen.
    maxEntryBytes: Math.min(options.maxEntryBytes ?? 256 * MiB, maxTotalBytes),
    maxTotalBytes,
    maxEntries: options.maxEntries ?? 4096,
    idleMs: options.idleMs ?? 30 * 60_000,
    memoryBudgetBytes: options.memoryBudgetBytes ?? 64 * MiB,
    lockStaleMs: options.lockStaleMs ?? 5000,
    lockWaitMs: options.lockWaitMs ?? 10_000,
    ioConcurrency: Math.max(1, options.ioConcurrency ?? 16),
    sliceBytes: Math.max(1024, options.sliceBytes ?? MiB),
  };
}
