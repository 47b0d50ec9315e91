// NapCat's send timeout (onebot/config/config.ts calculateTimeout/capTimeout, used by
// sendMsgWithOb11UniqueId): base + bytes at the configured upload speed, capped; a positive
// per-request `timeout` replaces it (still capped). A lane never holds a send longer.
import type { NapcatTimeout } from './config/settings';

export function napcatSendTimeoutMs(config: Readonly<NapcatTimeout>, bytes: number, override?: unknown): number {
  const requested = typeof override === 'number' ? override : Number(override);
  if (Number.isFinite(requested) && requested > 0) return Math.min(requested, config.maxMs);
  return Math.min(config.baseMs + (bytes / 1024 / Math.max(config.uploadSpeedKBps, 1)) * 1000, config.maxMs);
}
