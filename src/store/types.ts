// Public shapes of the store. Nothing here knows NapCat.

/** One published, content-addressed file. Immutable once handed out. */
export interface MediaInfo {
  /** sha-256 hex of the bytes: the identity (collision-safe). */
  readonly hash: string;
  /** md5 hex: what NTQQ needs; computed once per distinct content. */
  readonly md5: string;
  readonly size: number;
  /** Sniffed from magic bytes ('.png', '.jpg', …) or '' when unknown. */
  readonly ext: string;
  /** Absolute path of the published file; never overwritten while it exists. */
  readonly path: string;
}

/** Keeps `media.path` on disk until released. `release()` is idempotent. */
export interface Lease {
  readonly media: MediaInfo;
  /**
   * Set when `putBase64` was answered by the base64 fast path: the text as the index keeps it
   * (equal to the one passed in, and the same string on every such hit). A caller that keeps one
   * text per content and compares with this one pays a pointer compare, not a second pass over
   * megabytes of text.
   */
  readonly text?: string;
  release(): void;
}

export interface StoreStats {
  /** Entries in this process's index (evictable, not counting doomed-but-leased ones). */
  entries: number;
  /** Bytes of those entries. */
  bytes: number;
  /** Leases currently held in this process. */
  leases: number;
  /** Puts answered by the base64-string map: no decode, no hash, no disk. */
  fastPathHits: number;
  /** Puts answered after hashing, without writing (in the index or already on disk). */
  hashedHits: number;
  /** Puts that had to publish a new file. */
  misses: number;
  /** Puts that joined another put of the same content already in flight. */
  coalesced: number;
  /** Content files this process wrote. */
  writes: number;
  /** Content files published by renaming a file a caller handed over (`putFile` with `consume`): no bytes written. */
  filesMoved: number;
  /** Bytes not written thanks to hits and coalescing. */
  bytesNotWritten: number;
  /** Entries dropped from the index by size, count or idle time (or `evict()`). */
  evictions: number;
  /** Files this process deleted. */
  deletions: number;
  /** Entries taken out of service because their file was found corrupt (`quarantine()`). */
  quarantined: number;
  /** Entries a hit found without their file, or with the wrong size (removed or changed from outside); the put published them again. */
  vanished: number;
}
