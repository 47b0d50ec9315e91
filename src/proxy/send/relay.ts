// One media send from a bot to NapCat: planned (keys, store files), rewritten to store
// paths when NapCat reads them, then sent through the lanes, one send per md5 inside
// NapCat at a time, with the plugin's retry policy: only `rich media transfer failed`
// (surely not delivered) is sent again, never a Timeout (it may have delivered, NapCat
// #932). With pacing on, each media send first waits for its token, once, in arrival order.
// The bot gets one reply, NapCat's, in the error catalog's words when the send still failed
// (docs/errors.md: NapCat's own text last).
import { readFile } from 'node:fs/promises';
import { sendTimedOut, uploadStillFailing } from '../../errors/catalog';
import { Lanes } from '../../flight/lanes';
import type { Pacer } from '../../flight/pacing';
import { RetryPolicy } from '../../flight/retry';
import { isNapCatTimeout, isRetryableSendError } from '../../flight/retryable';
import type { Logger } from '../../logger';
import type { NapcatTimeout } from '../config/settings';
import { laneHoldMs, napcatSendTimeoutMs } from '../napcat-timeout';
import { failedReply, isFailed, messageOf, type OneBotReply } from '../replies';
import type { RewritePolicy, UpstreamCall } from '../rewrite';
import type { ProxyStats } from '../stats';
import { BadMediaError, type Rewrite, type SendPlan, type SendPlanner } from './plan';

// NapCat's overall send timer (core/apis/msg.ts): `Timeout: NTEvent …`. The same test as
// src/flight/retryable.ts makes before refusing to retry.

export interface SendRequest {
  /** As the bot wrote it (`send_group_msg_async` stays so). */
  action: string;
  /** Its base name (send-actions.ts). */
  base: string;
  params: Record<string, unknown>;
  /** NapCat's retcode for a thrown error on this endpoint (1200 WebSocket, 200 HTTP). */
  retcode: number;
  /**
   * Called once the send is sure to go through the proxy (no `pass`); `asSent` says whether the
   * bot's own bytes still describe it (nothing rewritten). A caller holding those bytes for a
   * `pass` can let them go when not.
   */
  committed?(asSent: boolean): void;
}

export interface RelayDeps {
  planner: SendPlanner;
  /** Opt-in pacing: one token per media send, before its lanes. */
  pacer: Pacer;
  lanes: Lanes;
  rewrite: RewritePolicy;
  retry: () => RetryPolicy;
  napcatTimeout: () => Readonly<NapcatTimeout>;
  stats: ProxyStats;
  logger: Logger;
}

/** `pass`: nothing to do (no media, or none the proxy could key); send the bot's frame as it came. */
export type RelayResult = OneBotReply | 'pass';

export class SendRelay {
  readonly #deps: RelayDeps;

  constructor(deps: RelayDeps) {
    this.#deps = deps;
  }

  /** Throws what `call` throws (NapCat unreachable) and LaneAbortError when `signal` aborted a waiting send. */
  async relay(request: SendRequest, call: UpstreamCall, signal?: AbortSignal): Promise<RelayResult> {
    const { rewrite, planner, stats } = this.#deps;
    const started = performance.now();
    await rewrite.settle(call);
    let plan: SendPlan | undefined;
    try {
      plan = await planner.plan(request.base, request.params);
    } catch (error) {
      if (error instanceof BadMediaError) {
        stats.media.failure('BAD_MEDIA');
        stats.media.failed('EMPTY_BASE64');
        return failedReply(error.message, request.retcode);
      }
      // A fault of ours before anything reached NapCat: the frame goes on as it came.
      stats.media.fallback('PLAN');
      this.#deps.logger.warn(`媒体处理出错，原样转发 / media handling failed, passing the send on as it came: ${(error as Error)?.message ?? String(error)}`);
      return 'pass';
    }
    if (!plan) return 'pass';
    try {
      let rewritten = rewrite.active ? this.#rewrite(plan.rewrites) : [];
      if (plan.keys.length === 0 && rewritten.length === 0) return 'pass';
      stats.media.add('sendsSeen');
      stats.media.addedLatency(performance.now() - started);
      if (this.#deps.pacer.on) await this.#pace();
      let unreadable = false;
      const asSent = rewritten.length === 0;
      request.committed?.(asSent);
      const attempt = async () => {
        // Rewriting may have been turned off while this send waited: it then goes as it came.
        if (rewritten.length > 0 && !rewrite.active) {
          await this.#undo(rewritten);
          rewritten = [];
        }
        const reply = await call(request.action, request.params, asSent);
        if (rewritten.length > 0 && rewrite.isPathError(reply)) {
          // Turned off before the lane moves on, so the sends behind it do not try the same.
          unreadable = true;
          rewrite.disable(messageOf(reply).split('\n')[0]);
        }
        return reply;
      };
      const reply = await this.#send(request, plan, signal, attempt);
      if (!unreadable) return reply;
      stats.media.fallback('REWRITE_UNREADABLE');
      return await this.#send(request, plan, signal, attempt);
    } finally {
      for (const lease of plan.leases) lease.release();
    }
  }

  /** Waits for this send's pacing token: once per send, whatever follows. */
  async #pace(): Promise<void> {
    const waited = performance.now();
    await this.#deps.pacer.take();
    this.#deps.stats.media.paced(performance.now() - waited);
  }

  async #send(request: SendRequest, plan: SendPlan, signal: AbortSignal | undefined, attempt: () => Promise<OneBotReply>): Promise<OneBotReply> {
    const { lanes, stats, logger } = this.#deps;
    const holdMs = laneHoldMs(this.#deps.napcatTimeout(), plan.bytes, request.params.timeout);
    let attempts = 0;
    const reply = await this.#deps.retry().withRetry(
      () => {
        attempts++;
        return lanes.run(plan.keys, holdMs, attempt, (o) => o.ok && isFailed(o.value) && isNapCatTimeout(messageOf(o.value)), signal);
      },
      {
        isRetryable: (o) => o.ok && isFailed(o.value) && isRetryableSendError(messageOf(o.value)),
        onAttempt: (report) => {
          if (report.ok && !report.retryable) return;
          if (report.retrying) stats.media.add('retries');
          const reason = (report.ok ? 'rich media transfer failed' : report.reason).split('\n')[0];
          logger.warn(
            `发送失败（第 ${report.attempt}/${report.maxAttempts} 次）${report.retrying ? `，${report.delayMs} ms 后重试` : '，不再重试'} / ` +
              `send failed (attempt ${report.attempt}/${report.maxAttempts})${report.retrying ? `, retrying in ${report.delayMs} ms` : ', not retried'}: ${reason}`,
          );
        },
      },
    );
    if (!isFailed(reply)) return reply;
    stats.media.failure(failureReason(reply));
    const napcat = messageOf(reply);
    let message: string;
    if (isRetryableSendError(napcat)) {
      // The proxy cannot look at the file NTQQ reads (NapCat's own copy): never claimed verified.
      stats.media.failed('UPLOAD_FAILED');
      message = uploadStillFailing({ attempts, verified: false, napcat });
    } else if (isNapCatTimeout(napcat)) {
      stats.media.failed('SEND_TIMEOUT');
      const timeoutMs = napcatSendTimeoutMs(this.#deps.napcatTimeout(), plan.bytes, request.params.timeout);
      message = sendTimedOut({ timeoutMs, napcat });
    } else {
      return reply;
    }
    return { ...reply, message, wording: message };
  }

  /** Points each reference at its store file; returns the slots it changed. */
  #rewrite(rewrites: readonly Rewrite[]): Rewrite[] {
    const done: Rewrite[] = [];
    for (const r of rewrites) {
      const uri = this.#deps.rewrite.uriFor(r.lease.media.path);
      if (!uri) continue;
      r.slot.replace(uri);
      done.push(r);
    }
    return done;
  }

  /** Puts the media back as the bot sent them (the same value; base64 rebuilt from the store file, which the lease keeps). */
  async #undo(rewritten: readonly Rewrite[]): Promise<void> {
    for (const r of rewritten) {
      if (r.url !== undefined) r.slot.replace(r.url);
      else r.slot.replace(`base64://${(await readFile(r.lease.media.path)).toString('base64')}`);
    }
  }
}

function failureReason(reply: OneBotReply): string {
  const message = messageOf(reply);
  if (isRetryableSendError(message)) return 'RICH_MEDIA_TRANSFER_FAILED';
  if (isNapCatTimeout(message)) return 'TIMEOUT';
  return `RETCODE_${reply.retcode}`;
}
