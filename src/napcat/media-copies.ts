import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, statSync, type Stats } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { LRUCache } from 'lru-cache';
import { retryWhileInUse } from '../flight/in-use';
import { FileDigests } from '../store/file-digests';
import type { FileDigest } from '../store/incoming';

/** A file copy that settles once every byte is written (Node's `fs.promises.copyFile`). */
export type FileCopy = (src: string, dst: string) => Promise<unknown>;

export type CopyOutcome = 'present' | 'copied';

interface Flight {
  /** performance.now() when it began. */
  at: number;
  outcome: Promise<CopyOutcome>;
}

interface Seen {
  size: number;
  ino: number;
  mtimeMs: number;
  /** The md5 of the bytes found or placed there. */
  md5: string;
  /** That md5 is the one the destination's name gives (not a source's, as for a thumbnail). */
  byName: boolean;
  /** performance.now() when the disk last showed it so. */
  checkedAt: number;
}

const MD5_NAME = /^([0-9a-f]{32})(\.[^.]*)?$/i;
/**
 * How long a rename into place keeps trying while Windows says the name is in use: QQ reading
 * the file we replace, or a name deleted while QQ still had it open (delete-pending until its
 * upload ends), an antivirus or the indexer holding it.
 */
const IN_USE_RETRY = { firstDelayMs: 20, maxDelayMs: 1000, budgetMs: 30_000 };
/** Copies tried when our temp file vanishes under us (someone cleaning the media folder). */
const COPY_TRIES = 3;

/** The source's bytes are not the ones the destination's md5 name promises: never place them. */
export class CorruptSourceError extends Error {
  readonly code = 'CORRUPT_SOURCE';

  constructor(
    readonly src: string,
    readonly dst: string,
    readonly actualMd5: string,
  ) {
    super(
      `源文件内容与 md5 不符（实际 ${actualMd5}），未放置：${src} → ${path.basename(dst)} / ` +
        `source bytes do not match the md5 the destination is named by (got ${actualMd5}); not placed`,
    );
  }
}

/**
 * Copies onto NTQQ's md5-named media paths at most once while the file is present and
 * verified. NapCat's own copy rewrites that one shared path for every send, under readers
 * that are already uploading it (napcat-pipeline.md §2.4). Here a copy goes to a temp name
 * beside the destination, is checked against the md5 in the destination's name, and is
 * renamed into place, so no reader ever sees a half-written or wrong file; concurrent
 * callers for one destination share one in-flight copy.
 */
export class MediaCopies {
  readonly #copy: FileCopy;
  /** The check-or-copy running per destination, and when it began. */
  readonly #flights = new Map<string, Flight>();
  /** Destinations we published or checked, as they were then; a changed file is checked again. */
  readonly #seen = new LRUCache<string, Seen>({ max: 10_000 });
  /** When a destination was last found missing or wrong by someone else (a failed send). */
  readonly #forgotten = new LRUCache<string, number>({ max: 10_000 });
  /** Sources copied onto destinations whose name promises no md5 (video thumbnails). */
  /** Sources whose md5 a destination name does not give (thumbnails), hashed once per identity. */
  readonly #sources = new FileDigests();
  #copies = 0;

  constructor(copy: FileCopy) {
    this.#copy = copy;
  }

  /** Copies made since start (each one a full write of a media file). */
  get copies(): number {
    return this.#copies;
  }

  /**
   * Ensures `dst` holds the bytes of `src` (of `size` bytes when known). Only the caller whose
   * copy ran hears 'copied'; a caller that joined it was spared a copy and hears 'present'.
   * Rejects with CorruptSourceError when `src` does not hash to the md5 in `dst`'s name.
   * With `trustMs`, a destination found good on disk that recently (and not forgotten since)
   * is taken as present without a stat: for callers whose send checks again right before it
   * reaches NTQQ (the send gate does, before every attempt).
   */
  async ensure(src: string, dst: string, size?: number, trustMs = 0): Promise<CopyOutcome> {
    if (this.trusted(dst, size, trustMs)) return 'present';
    for (;;) {
      const running = this.#flights.get(dst);
      if (!running) break;
      // A check that began before `dst` was last forgotten may have seen the file still there.
      if (running.at >= (this.#forgotten.get(dst) ?? -Infinity)) {
        await running.outcome;
        return 'present';
      }
      await running.outcome.catch(() => undefined);
    }
    this.#forgotten.delete(dst);
    const flight: Flight = { at: performance.now(), outcome: this.#ensure(src, dst, size) };
    this.#flights.set(dst, flight);
    try {
      return await flight.outcome;
    } finally {
      if (this.#flights.get(dst) === flight) this.#flights.delete(dst);
    }
  }

  /**
   * Whether `dst`, md5-named, was found good (with `size` bytes when given) less than `trustMs`
   * ago and not forgotten since, with no check of it running: what `ensure` answers without
   * looking at the disk. Synchronous, so a caller can skip the whole async `ensure`.
   */
  trusted(dst: string, size: number | undefined, trustMs: number): boolean {
    if (trustMs <= 0) return false;
    const seen = this.#lastGood(dst, size);
    return seen !== undefined && performance.now() - seen.checkedAt < trustMs;
  }

  /**
   * Whether `dst`, md5-named, is right now the very file we last found good there: one
   * synchronous stat shows the same size, inode and mtime (so the same bytes, hashed then),
   * and no check of it is running. False means only "not known this way": `ensure` looks.
   * Nothing on this thread can change the file between this and a call in the same turn.
   */
  confirmNow(dst: string, size: number): boolean {
    const seen = this.#lastGood(dst, size);
    if (seen === undefined) return false;
    let now: Stats | undefined;
    try {
      now = statSync(dst, { throwIfNoEntry: false });
    } catch {
      return false; // EPERM on a delete-pending name (Windows), …: ensure finds out what it is
    }
    if (!now || !unchanged(seen, now)) return false;
    seen.checkedAt = performance.now();
    return true;
  }

  /** What we last found good at `dst` (with `size` bytes when given), when its name gave the md5 and no check of it runs. */
  #lastGood(dst: string, size: number | undefined): Seen | undefined {
    if (this.#flights.has(dst)) return undefined;
    const seen = this.#seen.get(dst);
    return seen?.byName && (size === undefined || seen.size === size) ? seen : undefined;
  }

  /**
   * Forgets what we knew of `dst` (a send found it missing or wrong): the next ensure checks
   * the disk again and joins no check that began before this call.
   */
  forget(dst: string): void {
    this.#seen.delete(dst);
    this.#forgotten.set(dst, performance.now());
  }

  async #ensure(src: string, dst: string, knownSize: number | undefined): Promise<CopyOutcome> {
    // Where the name promises no md5 (a video thumbnail `<md5>_0.png`), the bytes to find
    // there are the source's own: a same-size file may be another picture.
    const named = md5Named(dst);
    const source = named === undefined ? await this.#sourceDigest(src) : undefined;
    const size = knownSize ?? source?.size ?? (await stat(src)).size;
    const expected = named ?? (source as FileDigest).md5;
    const byName = named !== undefined;
    if (await this.#isGood(dst, size, expected, byName)) return 'present';
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#place(src, dst, size, expected);
        break;
      } catch (error) {
        // Our temp file deleted from outside (a cache cleaner sweeping the folder): copy again.
        const vanished = (error as NodeJS.ErrnoException).code === 'ENOENT' && (await exists(src));
        if (!vanished || attempt === COPY_TRIES) throw error;
      }
    }
    const placed = await stat(dst);
    this.#seen.set(dst, { size: placed.size, ino: placed.ino, mtimeMs: placed.mtimeMs, md5: expected, byName, checkedAt: performance.now() });
    return 'copied';
  }

  /** Copy to a temp name, checked (size, and the md5 expected there), then renamed into place. */
  async #place(src: string, dst: string, size: number, expected: string): Promise<void> {
    const temp = path.join(path.dirname(dst), `.${path.basename(dst)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await this.#copy(src, temp);
      this.#copies++;
      // Checked whatever the copy reported: a copy onto a name NTQQ reads must be whole.
      const written = await stat(temp);
      const copied = written.size === size ? await md5Of(temp) : undefined;
      if (copied !== expected) {
        // A bad copy, or a bad source? Only the source's own md5 tells (one more pass, on failure only).
        const named = md5Named(dst);
        const source = named ? await md5Of(src) : undefined;
        if (source !== undefined && source !== named) throw new CorruptSourceError(src, dst, source);
        throw new Error(`复制不完整 / incomplete copy: ${temp} has ${written.size} of ${size} bytes`);
      }
      await retryWhileInUse(dst, () => rename(temp, dst), IN_USE_RETRY);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }

  /** True when `dst` exists with `size` bytes whose md5 is `expected` (unchanged since we last found so, or hashed now). */
  async #isGood(dst: string, size: number, expected: string, byName: boolean): Promise<boolean> {
    const now = await stat(dst).catch(() => undefined);
    if (!now || now.size !== size) {
      this.#seen.delete(dst);
      return false;
    }
    const checkedAt = performance.now();
    const seen = this.#seen.get(dst);
    if (seen && unchanged(seen, now) && seen.md5 === expected) {
      seen.checkedAt = checkedAt;
      return true;
    }
    if ((await md5Of(dst)) !== expected) return false;
    this.#seen.set(dst, { size: now.size, ino: now.ino, mtimeMs: now.mtimeMs, md5: expected, byName, checkedAt });
    return true;
  }

  /** `src`'s digest (FileDigests: read once per device, inode, size and mtime); ENOENT when it is no file. */
  async #sourceDigest(src: string): Promise<FileDigest> {
    const digest = await this.#sources.of(src);
    if (digest) return digest;
    throw Object.assign(new Error(`ENOENT: no such file, ${src}`), { code: 'ENOENT' });
  }

}

/** Whether the file on disk is still the one `seen` recorded: same size, inode and mtime. */
function unchanged(seen: Seen, now: Stats): boolean {
  return now.size === seen.size && now.ino === seen.ino && now.mtimeMs === seen.mtimeMs;
}

/** The md5 a media path is named by (`<md5>.<ext>`), lower case, or undefined. */
function md5Named(file: string): string | undefined {
  return MD5_NAME.exec(path.basename(file))?.[1]?.toLowerCase();
}

export function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

export function md5Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('md5');
    createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}
