import { existsSync } from 'node:fs';
import path from 'node:path';
import { notSent, sendTimedOut, uploadStillFailing } from '../errors/catalog';
import { WaitTimeoutError } from '../flight/concurrency-limit';
import { FileInUseError } from '../flight/in-use';
import { Pacer, type PacingRate } from '../flight/pacing';
import { isNapCatTimeout, isRetryableSendError } from '../flight/retryable';
import { RetryPolicy } from '../flight/retry';
import { UploadGate } from '../flight/upload-gate';
import type { MediaCacheConfig } from '../config';
import type { LeaderOutcome } from '../stats';
import type { HookDeps } from './hook-deps';
import type { HeldFile } from './kernel-holds';
import type { Releasable } from './send-scopes';
import { field, napcatMaxTimeoutMs, type Method, type SendElement } from './shapes';
import { CorruptEntryError } from './entry-repair';
import { messageOf } from './fail-open';

/**
 * Media sends that may be starting in NTQQ at once, per allowed transfer. Every send NTQQ is
 * still opening widens the moment in which a file deleted from outside is missed; a send
 * that started more than OPENING_MS ago has opened its files (or long since) and only waits
 * on the server, so it no longer counts. On a real account that wait is hundreds of ms per
 * send, and holding the slot through it made a broadcast slower than NapCat alone. Four per
 * transfer (16 at the default): with two, 199 confirmed sends needed ~1.25 s to start, and a
 * broadcast by path, where NapCat alone is cheap and often finds the image on the server early,
 * took 1.85 s against NapCat's 1.5 s (docs/hooks.md, "The send cap").
 */
const SENDS_PER_TRANSFER = 4;
const OPENING_MS = 50;

/** Times the media files are put back before one attempt goes ahead regardless. */
const ENSURE_ROUNDS = 3;

/** core.apis.MsgApi.sendMsg's own default timeout (core/apis/msg.ts), when the caller passes none. */
const NAPCAT_DEFAULT_TIMEOUT_MS = 10_000;
/** Less than this left of NapCat's timeout after the wait, and the send is not handed to NTQQ. */
const MIN_SEND_MS = 1_000;
/** A wait shorter than this leaves NapCat's timeout argument as it came. */
const WAIT_NOTICED_MS = 50;

/** The md5 keys (32 hex digits) among a send's media keys: a file element is keyed by its path. */
const MD5 = /^[0-9a-f]{32}$/i;

/** NapCat's timeout for this send used up in our gate: the message was never handed to NTQQ. */
export class NotSentError extends Error {
  readonly code = 'NOT_SENT';

  constructor(timeoutMs: number) {
    super(notSent({ timeoutMs }));
  }
}

/** Ends the retries with `error`: the send's time is up. */
class OutOfTime extends Error {
  constructor(readonly error: unknown) {
    super(messageOf(error));
  }
}

/** The md5 keys of the media a send uploads, and the media paths it reads. */
export function mediaOf(elements: unknown): { keys: string[]; paths: string[] } {
  const keys: string[] = [];
  const paths: string[] = [];
  if (!Array.isArray(elements)) return { keys, paths };
  for (const element of elements as SendElement[]) {
    const pic = field(element, 'picElement') as SendElement['picElement'];
    const video = field(element, 'videoElement') as SendElement['videoElement'];
    const ptt = field(element, 'pttElement') as SendElement['pttElement'];
    const file = field(element, 'fileElement') as SendElement['fileElement'];
    const add = (key: unknown, file: unknown) => {
      if (typeof key === 'string' && key) keys.push(key);
      if (typeof file === 'string' && file) paths.push(file);
    };
    if (pic) add(pic.md5HexStr, pic.sourcePath);
    if (video) {
      add(video.videoMd5, video.filePath);
      // NTQQ reads the thumbnails too (a Map in NapCat).
      const thumbs = (video as { thumbPath?: unknown }).thumbPath;
      if (thumbs instanceof Map) for (const thumb of thumbs.values()) add(undefined, thumb);
    }
    if (ptt) add(ptt.md5HexStr, ptt.filePath);
    if (file) add(typeof file.filePath === 'string' ? `file:${file.filePath}` : undefined, file.filePath);
  }
  return { keys, paths };
}

/**
 * Puts back the `guildId` the peer came with before each attempt. NapCat's sendMsg reads a
 * temp chat's guildId as the group it goes through, then overwrites it with the new msg id
 * (core/apis/msg.ts): a retry with the peer as the first attempt left it would name the msg
 * id as the group. After the last attempt the peer stays as NapCat left it.
 */
function peerAsGiven(peer: unknown): () => void {
  if (peer === null || typeof peer !== 'object') return () => undefined;
  const had = Object.hasOwn(peer, 'guildId');
  const guildId = (peer as { guildId?: unknown }).guildId;
  return () => {
    if (had) (peer as { guildId?: unknown }).guildId = guildId;
    else delete (peer as { guildId?: unknown }).guildId;
  };
}

/** The arguments of NapCat's sendMsg with another timeout (its third parameter). */
function withTimeout(args: unknown[], timeoutMs: number): unknown[] {
  const copy = [...args];
  copy[2] = timeoutMs;
  return copy;
}

function retryPolicyOf(config: Readonly<MediaCacheConfig>): RetryPolicy {
  return new RetryPolicy({ ...config.retry });
}

function pacingOf(config: Readonly<MediaCacheConfig>): PacingRate {
  return { ratePerSecond: config.pacing.mediaSendsPerSecond, burst: config.pacing.burst };
}


/** At most `maxConcurrentUploads` transfers (sends leading an unconfirmed md5); media sends starting, four times that. */
function capsOf(config: Readonly<MediaCacheConfig>): { maxConcurrent: number; maxLeading: number } {
  return { maxConcurrent: SENDS_PER_TRANSFER * config.maxConcurrentUploads, maxLeading: config.maxConcurrentUploads };
}

/**
 * `core.apis.MsgApi.sendMsg`, where NTQQ uploads: opt-in pacing (one token per media send, in
 * arrival order), then per md5 not yet confirmed one send leads and the rest wait (the server
 * then skips the transfer), a cap on the sends that may transfer, the media files checked (and
 * put back) right before each attempt, and honest retries of `result -1 rich media transfer
 * failed` only — never a Timeout, which may have delivered (NapCat #932). A send that still
 * fails is answered in the error catalog's words, NapCat's own text last (docs/errors.md).
 */
export class SendGate {
  readonly #deps: HookDeps;
  readonly #gate: UploadGate;
  readonly #pacer: Pacer;
  #retry: RetryPolicy;
  #lastGate = { led: 0, followed: 0, passed: 0 };

  constructor(deps: HookDeps) {
    this.#deps = deps;
    const config = deps.config();
    this.#gate = new UploadGate({ ...capsOf(config), slotHoldMs: OPENING_MS });
    this.#retry = retryPolicyOf(config);
    this.#pacer = new Pacer(pacingOf(config));
    deps.stats.gauge('pacingQueued', () => this.#pacer.queued);
    deps.stats.gauge('pacingWaitMs', () => this.#pacer.currentWaitMs());
  }

  /** Applies a live config change. */
  reconfigure(config: Readonly<MediaCacheConfig>): void {
    const caps = capsOf(config);
    this.#gate.setCaps(caps.maxConcurrent, caps.maxLeading);
    this.#retry = retryPolicyOf(config);
    this.#pacer.reconfigure(pacingOf(config));
  }

  /** Cleanup: the pacer's timer goes, and every send waiting for a token goes now, unpaced. */
  close(): void {
    this.#pacer.close();
  }

  /**
   * The hook (a MethodHandler) of NapCat's `sendMsg(peer, elements, timeout)`. One send, within NapCat's own timeout for it: the time spent waiting in the gate counts
   * against it (NTQQ is given what is left), and a send whose time runs out while it waits is
   * answered then, never handed to NTQQ, so no send waits longer with the plugin than NapCat
   * alone would let it. Pacing comes first and is not counted: its wait is what the operator
   * asked for (docs/config.md).
   */
  async send(original: Method, self: unknown, args: unknown[]): Promise<unknown> {
    const { keys, paths } = mediaOf(args[1]);
    if (!this.#deps.config().enabled || keys.length === 0) return original.apply(self, args);
    this.#deps.stats.add('sendsSeen');
    if (this.#pacer.on) await this.#pace();
    const retry = this.#retry;
    const restorePeer = peerAsGiven(args[0]);
    const timeoutMs = typeof args[2] === 'number' && args[2] > 0 ? args[2] : NAPCAT_DEFAULT_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    let kernelError: unknown;
    let attempts = 0;
    let verified = false;
    const attempt = async () => {
      verified = this.#inPlaceNow(paths) || (await this.#ensureMedia(paths));
      restorePeer();
      const left = deadline - Date.now();
      if (left < Math.min(MIN_SEND_MS, timeoutMs / 2)) throw new WaitTimeoutError();
      // NapCat's own timeout, unless the wait took a noticeable part of it.
      const call = timeoutMs - left >= WAIT_NOTICED_MS ? withTimeout(args, Math.floor(left)) : args;
      attempts++;
      try {
        return await original.apply(self, call);
      } catch (error) {
        kernelError = error;
        if (isNapCatTimeout(messageOf(error))) this.#holdAfterTimeout(paths);
        throw error;
      }
    };
    try {
      // Each attempt passes the gate on its own: a send waiting out its back-off holds no
      // slot and no leadership, and the next waiter leads meanwhile.
      return await retry.withRetry(
        () =>
          this.#passOnce(keys, attempt, deadline).catch((error: unknown) => {
            // Out of time: what the last attempt got from NapCat, or that none was made.
            if (error instanceof WaitTimeoutError) throw new OutOfTime(kernelError ?? new NotSentError(timeoutMs));
            throw error;
          }),
        {
          isRetryable: (outcome) => {
            if (!outcome.ok && outcome.error instanceof OutOfTime) return false;
            const retryable = !outcome.ok && isRetryableSendError(messageOf(outcome.error));
            // The kernel could not read a media file: what we knew of it is stale.
            if (retryable) for (const mediaPath of paths) this.#deps.copies.forget(mediaPath);
            return retryable;
          },
          onAttempt: (report) => {
            if (report.ok) return;
            if (report.retrying) this.#deps.stats.add('retries');
            this.#deps.logger.warn(
              `发送失败（第 ${report.attempt}/${report.maxAttempts} 次）${report.retrying ? `，${report.delayMs} ms 后重试` : '，不再重试'} / ` +
                `send failed (attempt ${report.attempt}/${report.maxAttempts})${report.retrying ? `, retrying in ${report.delayMs} ms` : ', not retried'}: ${report.reason.split('\n')[0]}`,
            );
          },
        },
      );
    } catch (error) {
      throw this.#explained(error instanceof OutOfTime ? error.error : error, { attempts, verified, timeoutMs });
    } finally {
      this.#syncStats();
    }
  }

  /** Waits for this send's pacing token: once per send, never again on a retry. */
  async #pace(): Promise<void> {
    const started = performance.now();
    await this.#pacer.take();
    this.#deps.stats.paced(performance.now() - started);
  }

  /** One attempt through the upload gate; the send that leads an md5 records how its attempt ended. */
  async #passOnce(keys: string[], attempt: () => Promise<unknown>, deadline: number): Promise<unknown> {
    let led: readonly string[] = [];
    const onLead = (leading: readonly string[]) => (led = leading.filter((key) => MD5.test(key)));
    const ended = (outcome: LeaderOutcome) => {
      for (const md5 of led) this.#deps.stats.leaderOutcome(md5, outcome);
    };
    try {
      const result = await this.#gate.pass(keys, attempt, (r) => Boolean(r), { deadline, onLead });
      ended(result ? 'succeeded' : 'failed');
      return result;
    } catch (error) {
      ended(isNapCatTimeout(messageOf(error)) ? 'timedOut' : 'failed');
      throw error;
    }
  }

  /**
   * What the client is told when the send still failed: the catalog's text with NapCat's own
   * last (a bot matching on `rich media transfer failed` or `Timeout:` still matches), counted
   * by category. Anything else (a corrupt entry, a file in use) already says what it is.
   */
  #explained(error: unknown, send: { attempts: number; verified: boolean; timeoutMs: number }): unknown {
    const { stats } = this.#deps;
    if (error instanceof NotSentError) {
      stats.failure('NOT_SENT');
      stats.failed('NOT_SENT');
      return error;
    }
    const napcat = messageOf(error);
    if (isRetryableSendError(napcat)) {
      stats.failed('UPLOAD_FAILED');
      return new Error(uploadStillFailing({ attempts: send.attempts, verified: send.verified, napcat }), { cause: error });
    }
    if (isNapCatTimeout(napcat)) {
      stats.failed('SEND_TIMEOUT');
      return new Error(sendTimedOut({ timeoutMs: send.timeoutMs, napcat }), { cause: error });
    }
    return error;
  }

  /**
   * NapCat stopped waiting, NTQQ did not: the files of this attempt stay leased for as long as
   * NTQQ may still read them (NapCat's maxTimeout), whatever happens to the request.
   */
  #holdAfterTimeout(paths: string[]): void {
    const { managed, store, pathLeases, holds, oneBot } = this.#deps;
    const until = Date.now() + napcatMaxTimeoutMs(oneBot);
    const held: Array<HeldFile & { lease: Releasable }> = [];
    for (const file of new Set(paths)) {
      const media = managed.storeFile(file);
      const lease = media ? store.acquire(media.hash) : path.isAbsolute(file) ? pathLeases.acquire(file) : undefined;
      if (lease) held.push({ path: file, until, lease, ...(media ? { hash: media.hash } : {}) });
    }
    holds.hold(held);
  }

  /**
   * The common case of the check below without its async round: every file NTQQ reads is a
   * copy of ours, found on disk just now exactly as we last verified it (MediaCopies.confirmNow).
   * False sends the attempt through the full check.
   */
  #inPlaceNow(paths: string[]): boolean {
    const { managed, copies } = this.#deps;
    return paths.every((mediaPath) => {
      const size = managed.placed(mediaPath)?.size;
      return size !== undefined && copies.confirmNow(mediaPath, size);
    });
  }

  /**
   * Right before NTQQ reads them, puts back any media file of ours that went missing or wrong
   * since uploadFile placed it (deleted from outside, clean_cache): a stat each when all is well.
   * The last look is synchronous, so nothing on this thread can delete a file between it and
   * the send that follows in the same turn.
   */
  async #ensureMedia(paths: string[]): Promise<boolean> {
    const { managed, copies } = this.#deps;
    const ours = paths.filter((mediaPath) => managed.placed(mediaPath));
    for (let round = 1; ; round++) {
      const checked = await Promise.all(ours.map((mediaPath) => this.#ensureOne(mediaPath)));
      const gone = ours.filter((mediaPath) => !existsSync(mediaPath));
      // Verified: every file NTQQ reads is a copy of ours, checked (size, and md5 when placed) and there.
      if (gone.length === 0 || round === ENSURE_ROUNDS) return gone.length === 0 && ours.length === paths.length && checked.every(Boolean);
      for (const mediaPath of gone) copies.forget(mediaPath);
    }
  }

  /** Whether the copy is in place; a fault of ours only costs the attempt its check. */
  async #ensureOne(mediaPath: string): Promise<boolean> {
    const { managed, copies, repair, failOpen, stats } = this.#deps;
    const placed = managed.placed(mediaPath);
    if (!placed) return false;
    try {
      const media = managed.storeFile(placed.src);
      const outcome = media ? await repair.ensureCopy(media, mediaPath) : await copies.ensure(placed.src, mediaPath, placed.size);
      if (outcome === 'copied') stats.add('ntqqCopiesMade');
      return true;
    } catch (error) {
      if (error instanceof CorruptEntryError) throw error;
      // Not ours to fix: the attempt goes ahead, and fails honestly if NTQQ cannot read it.
      if (error instanceof FileInUseError) this.#deps.logger.warn(error.message);
      else failOpen.fault('media-check', error, mediaPath);
      return false;
    }
  }

  #syncStats(): void {
    const now = this.#gate.stats();
    const stats = this.#deps.stats;
    stats.add('uploadsLed', now.led - this.#lastGate.led);
    stats.add('uploadsFollowed', now.followed - this.#lastGate.followed);
    stats.add('uploadsPassed', now.passed - this.#lastGate.passed);
    this.#lastGate = { led: now.led, followed: now.followed, passed: now.passed };
  }
}
