// NapCat's send timeout (onebot/config/config.ts calculateTimeout/capTimeout, used by
// sendMsgWithOb11UniqueId): base + bytes at the configured upload speed, capped; a positive
// per-request `timeout` replaces it (still capped).
import type { NapcatTimeout } from './config/settings';

/**
 * How long a lane lets a send hold it: NapCat's timeout, plus the work NapCat does before
 * its timer starts (parsing the frame, decoding, the temp file, md5, the copy), which the
 * proxy cannot see: a fifth of the timeout, at least 2 s. NapCat's Timeout answer itself
 * frees the lane at once; this limit is for an answer that never comes.
 */
export function laneHoldMs(config: Readonly<NapcatTimeout>, bytes: number, override?: unknown): number {
  const timeout = napcatSendTimeoutMs(config, bytes, override);
  return timeout + Math.max(2000, timeout / 5);
}

export function napcatSendTimeoutMs(config: Readonly<NapcatTimeout>, bytes: number, override?: unknown): number {
  const requested = typeof override === 'number' ? override : Number(override);
  if (Number.isFinite(requested) && requested > 0) return Math.min(requested, config.maxMs);
  return Math.min(config.baseMs + (bytes / 1024 / Math.max(config.uploadSpeedKBps, 1)) * 1000, config.maxMs);
}
