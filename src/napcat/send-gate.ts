import { existsSync } from 'node:fs';
import path from 'node:path';
import { WaitTimeoutError } from '../flight/concurrency-limit';
import { FileInUseError } from '../flight/in-use';
import { isNapCatTimeout, isRetryableSendError } from '../flight/retryable';
import { RetryPolicy } from '../flight/retry';
import { UploadGate } from '../flight/upload-gate';
import type { MediaCacheConfig } from '../config';
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
 * send, and holding the slot through it made a broadcast slower than NapCat alone
 * (docs/hooks.md, "The send cap").
 */
const SENDS_PER_TRANSFER = 2;
const OPENING_MS = 50;

/** Times the media files are put back before one attempt goes ahead regardless. */
const ENSURE_ROUNDS = 3;

/** core.apis.MsgApi.sendMsg's own default timeout (core/apis/msg.ts), when the caller passes none. */
const NAPCAT_DEFAULT_TIMEOUT_MS = 10_000;
/** Less than this left of NapCat's timeout after the wait, and the send is not handed to NTQQ. */
const MIN_SEND_MS = 1_000;
/** A wait shorter than this leaves NapCat's timeout argument as it came. */
const WAIT_NOTICED_MS = 50;

/** NapCat's timeout for this send used up in our gate: the message was never handed to NTQQ. */
export class NotSentError extends Error {
  readonly code = 'NOT_SENT';

  constructor(timeoutMs: number) {
    super(
      `未发送：等待同一媒体的上传已用完 NapCat 为此消息设的超时（${timeoutMs} ms），消息未交给 QQ / ` +
        `not sent: waiting for the upload of the same media used up NapCat's timeout for this message (${timeoutMs} ms); it was never handed to QQ`,
    );
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

/** At most `maxConcurrentUploads` transfers (sends leading an unconfirmed md5); media sends starting, twice that. */
function capsOf(config: Readonly<MediaCacheConfig>): { maxConcurrent: number; maxLeading: number } {
  return { maxConcurrent: SENDS_PER_TRANSFER * config.maxConcurrentUploads, maxLeading: config.maxConcurrentUploads };
}

/**
 * `core.apis.MsgApi.sendMsg`, where NTQQ uploads: per md5 not yet confirmed one send leads
 * and the rest wait (the server then skips the transfer), a cap on the sends that may transfer,
 * the media files checked (and put back) right before each attempt, and honest retries of
 * `result -1 rich media transfer failed` only — never a Timeout, which may have delivered
 * (NapCat #932).
 */
export class SendGate {
  readonly #deps: HookDeps;
  readonly #gate: UploadGate;
  #retry: RetryPolicy;
  #lastGate = { led: 0, followed: 0, passed: 0 };

  constructor(deps: HookDeps) {
    this.#deps = deps;
    const config = deps.config();
    this.#gate = new UploadGate({ ...capsOf(config), slotHoldMs: OPENING_MS });
    this.#retry = retryPolicyOf(config);
  }

  /** Applies a live config change. */
  reconfigure(config: Readonly<MediaCacheConfig>): void {
    const caps = capsOf(config);
    this.#gate.setCaps(caps.maxConcurrent, caps.maxLeading);
    this.#retry = retryPolicyOf(config);
  }

  /**
   * The hook (a MethodHandler) of NapCat's `sendMsg(peer, elements, timeout)`. One send, within NapCat's own timeout for it: the time spent waiting in the gate counts
   * against it (NTQQ is given what is left), and a send whose time runs out while it waits is
   * answered then, never handed to NTQQ, so no send waits longer with the plugin than NapCat
   * alone would let it.
   */
  async send(original: Method, self: unknown, args: unknown[]): Promise<unknown> {
    const { keys, paths } = mediaOf(args[1]);
    if (!this.#deps.config().enabled || keys.length === 0) return original.apply(self, args);
    this.#deps.stats.add('sendsSeen');
    const retry = this.#retry;
    const restorePeer = peerAsGiven(args[0]);
    const timeoutMs = typeof args[2] === 'number' && args[2] > 0 ? args[2] : NAPCAT_DEFAULT_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    let kernelError: unknown;
    const attempt = async () => {
      await this.#ensureMedia(paths);
      restorePeer();
      const left = deadline - Date.now();
      if (left < Math.min(MIN_SEND_MS, timeoutMs / 2)) throw new WaitTimeoutError();
      // NapCat's own timeout, unless the wait took a noticeable part of it.
      const call = timeoutMs - left >= WAIT_NOTICED_MS ? withTimeout(args, Math.floor(left)) : args;
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
          this.#gate.pass(keys, attempt, (result) => Boolean(result), { deadline }).catch((error: unknown) => {
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
      if (!(error instanceof OutOfTime)) throw error;
      if (error.error instanceof NotSentError) this.#deps.stats.failure('NOT_SENT');
      throw error.error;
    } finally {
      this.#syncStats();
    }
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
   * Right before NTQQ reads them, puts back any media file of ours that went missing or wrong
   * since uploadFile placed it (deleted from outside, clean_cache): a stat each when all is well.
   * The last look is synchronous, so nothing on this thread can delete a file between it and
   * the send that follows in the same turn.
   */
  async #ensureMedia(paths: string[]): Promise<void> {
    const { managed, copies } = this.#deps;
    const ours = paths.filter((mediaPath) => managed.placed(mediaPath));
    for (let round = 1; ; round++) {
      await Promise.all(ours.map((mediaPath) => this.#ensureOne(mediaPath)));
      const gone = ours.filter((mediaPath) => !existsSync(mediaPath));
      if (gone.length === 0 || round === ENSURE_ROUNDS) return;
      for (const mediaPath of gone) copies.forget(mediaPath);
    }
  }

  async #ensureOne(mediaPath: string): Promise<void> {
    const { managed, copies, repair, failOpen, stats } = this.#deps;
    const placed = managed.placed(mediaPath);
    if (!placed) return;
    try {
      const media = managed.storeFile(placed.src);
      const outcome = media ? await repair.ensureCopy(media, mediaPath) : await copies.ensure(placed.src, mediaPath, placed.size);
      if (outcome === 'copied') stats.add('ntqqCopiesMade');
    } catch (error) {
      if (error instanceof CorruptEntryError) throw error;
      // Not ours to fix: the attempt goes ahead, and fails honestly if NTQQ cannot read it.
      if (error instanceof FileInUseError) this.#deps.logger.warn(error.message);
      else failOpen.fault('media-check', error, mediaPath);
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
