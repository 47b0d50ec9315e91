import { LRUCache } from 'lru-cache';
import { NormalPaths } from '../store/normal-paths';
import type { MediaInfo } from '../store/types';

/** A media path we put in place, and where its bytes come from (to put it back before a retry). */
export interface PlacedMedia {
  src: string;
  /** Known for store files; otherwise read from `src` when needed. */
  size?: number;
}

/**
 * The files the plugin manages: store files it handed to NapCat, NTQQ media paths and video
 * thumbnails it leases. NapCat must never queue these for deletion (its queue is keyed by
 * path with no count); their lifetime is ours. Bounded: an old entry forgotten only means
 * NapCat may delete that file again, as it would without the plugin.
 *
 * Lifetime is not deletion: the plugin deletes only a path NapCat itself means to delete, one
 * its builders put on a deletion list (pictures, videos and their thumbnails, group files).
 * NapCat never queues a voice message's `Ptt/…/Ori` copy (§1.6; the QQ client may still need
 * its own sent voice), so neither does the plugin delete it.
 */
export class ManagedPaths {
  readonly #storeFiles = new LRUCache<string, MediaInfo>({ max: 10_000 });
  readonly #placed = new LRUCache<string, PlacedMedia>({ max: 10_000 });
  readonly #others = new LRUCache<string, true>({ max: 10_000 });
  /** Paths seen on one of NapCat's deletion lists: NapCat would delete them. */
  readonly #queued = new LRUCache<string, true>({ max: 10_000 });
  readonly #keys = new NormalPaths();

  addStoreFile(media: MediaInfo): void {
    const key = this.#keys.of(media.path);
    // A get refreshes recency as a set would, at a fraction of its cost.
    if (this.#storeFiles.get(key) !== media) this.#storeFiles.set(key, media);
  }

  storeFile(file: string): MediaInfo | undefined {
    return this.#storeFiles.get(this.#keys.of(file));
  }

  addPlaced(mediaPath: string, from: PlacedMedia): void {
    const key = this.#keys.of(mediaPath);
    const known = this.#placed.get(key);
    if (known?.src !== from.src || known.size !== from.size) this.#placed.set(key, from);
  }

  placed(mediaPath: string): PlacedMedia | undefined {
    return this.#placed.get(this.#keys.of(mediaPath));
  }

  /** A leased file that is neither a store file nor a placed copy (a thumbnail). */
  addOther(file: string): void {
    this.#others.set(this.#keys.of(file), true);
  }

  has(file: string): boolean {
    const key = this.#keys.of(file);
    return this.#storeFiles.has(key) || this.#placed.has(key) || this.#others.has(key);
  }

  /** Notes every path on a deletion list NapCat's code filled (a builder's `deleteAfterSentFiles`). */
  noteQueued(list: readonly unknown[]): void {
    for (const file of list) if (typeof file === 'string') this.#noteQueued(this.#keys.of(file));
  }

  #noteQueued(key: string): void {
    if (!this.#queued.get(key)) this.#queued.set(key, true);
  }

  /** Whether NapCat would delete `file` after its send: the only paths the plugin may delete. */
  napcatDeletes(file: string): boolean {
    return this.#queued.has(this.#keys.of(file));
  }

  /** Removes managed paths from NapCat's deletion list in place (noting them as NapCat's to delete); returns how many. */
  filterInPlace(list: string[]): number {
    let kept = 0;
    for (const file of list) {
      if (typeof file !== 'string' || !this.has(file)) list[kept++] = file;
      else this.#noteQueued(this.#keys.of(file));
    }
    const removed = list.length - kept;
    list.length = kept;
    return removed;
  }
}
