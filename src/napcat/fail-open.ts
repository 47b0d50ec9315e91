import type { Logger } from '../logger';

/** Where a fault is counted; the plugin's Stats sit behind it. */
export type FaultCounter = (feature: string, code: string) => void;

/**
 * The plugin must never be why a message is lost: a fault of ours sends the request down
 * NapCat's own path. Each distinct fault is logged once with its context (a burst of 200
 * identical faults is one line, counted 200 times), again only after `quietMs`.
 */
export class FailOpen {
  readonly #logger: Logger;
  readonly #count: FaultCounter;
  readonly #lastLogged = new Map<string, number>();
  readonly #quietMs: number;
  readonly #now: () => number;

  constructor(logger: Logger, count: FaultCounter, quietMs = 60_000, now: () => number = Date.now) {
    this.#logger = logger;
    this.#count = count;
    this.#quietMs = quietMs;
    this.#now = now;
  }

  /** Records that `feature` fell back to NapCat's path because of `error`. */
  fault(feature: string, error: unknown, context: string): void {
    const code = codeOf(error);
    this.#count(feature, code);
    if (!this.#due(`${feature}:${code}`)) return;
    this.#logger.warn(
      `[${feature}] 插件内部出错，本次请求改走 NapCat 原流程 / plugin fault, this request falls back to NapCat's own path: ${context}: ${messageOf(error)}`,
    );
  }

  /** Says `message` (no fault: something the plugin hands to NapCat by design), once per quiet period per `key`. */
  note(key: string, message: string): void {
    if (this.#due(`note:${key}`)) this.#logger.info(message);
  }

  /** Whether a line for `key` is due: none was logged within `quietMs`. */
  #due(key: string): boolean {
    const now = this.#now();
    const last = this.#lastLogged.get(key);
    if (last !== undefined && now - last < this.#quietMs) return false;
    this.#lastLogged.set(key, now);
    return true;
  }

  /** One clear line for a hook target that is missing or has an unexpected shape. */
  disabled(feature: string, target: string): void {
    this.#count(feature, 'DISABLED');
    this.#logger.warn(
      `功能「${feature}」已停用：找不到 ${target} 或其形状不符 / feature "${feature}" disabled: ${target} is missing or has an unexpected shape`,
    );
  }

  /**
   * Runs `ours`; on any throw, reports it and runs `napcat` instead. `napcat` errors are
   * NapCat's own and pass through untouched.
   */
  async guard<T>(feature: string, context: () => string, ours: () => Promise<T>, napcat: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await ours();
    } catch (error) {
      this.fault(feature, error, context());
      return napcat();
    }
    return result;
  }
}

export function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : typeof error;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
