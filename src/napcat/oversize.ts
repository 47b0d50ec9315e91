import { TooLargeError } from '../store/errors';
import type { HookDeps } from './hook-deps';

/**
 * A media payload over `maxPayloadBytes` is not the plugin's to cache: its request goes down
 * NapCat's own path, unchanged, as it would without the plugin. Counted as the `TOO_LARGE`
 * fallback and said once per quiet period, with the size, the limit and what happens now. It
 * is not a fault of the plugin's, and the client gets whatever NapCat gives it.
 * Returns whether `error` was that.
 */
export function handOverOversize(deps: Pick<HookDeps, 'stats' | 'failOpen'>, error: unknown, segment: string): boolean {
  if (!(error instanceof TooLargeError)) return false;
  deps.stats.fallback('TOO_LARGE');
  deps.failOpen.note(
    'TOO_LARGE',
    `${segment}：媒体 ${error.size} 字节，超过 maxPayloadBytes（${error.limit} 字节），不经缓存，交给 NapCat 原流程发送 / ` +
      `${segment}: media of ${error.size} bytes is over maxPayloadBytes (${error.limit} bytes): not cached, sent by NapCat's own path`,
  );
  return true;
}
