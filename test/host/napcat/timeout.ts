// NapCat's send timeout (onebot/config/config.ts:121-137, §4.3). It is also the delay
// before the send's files are deleted.
export interface TimeoutConfig {
  baseTimeout: number;
  uploadSpeedKBps: number;
  downloadSpeedKBps: number;
  maxTimeout: number;
}

export const DEFAULT_TIMEOUT_CONFIG: TimeoutConfig = {
  baseTimeout: 10000,
  uploadSpeedKBps: 256,
  downloadSpeedKBps: 256,
  maxTimeout: 1800000,
};

export function calculateTimeout(cfg: TimeoutConfig, bytes: number, speedKBps: number): number {
  return Math.min(cfg.baseTimeout + (bytes / 1024 / Math.max(speedKBps, 1)) * 1000, cfg.maxTimeout);
}

export function capTimeout(cfg: TimeoutConfig, timeout: number): number {
  return Math.min(timeout, cfg.maxTimeout);
}

/** ≤ v4.17.48: hard-coded, from the sizes of the element files. */
export function legacyTimeout(bytes: number): number {
  return 10000 + (bytes / 1024 / 256) * 1000;
}
