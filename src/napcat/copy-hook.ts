import { FileInUseError } from '../flight/in-use';
import type { HookDeps } from './hook-deps';
import type { MethodHandler } from './method-patches';

/**
 * `core.apis.FileApi.copyFile`, as NapCat's original `uploadFile` (and the video thumbnail
 * code) calls it: the destination is leased for the send, and the file is put in place
 * once, atomically, instead of being rewritten under readers on every send.
 */
export function copyFileHook(deps: HookDeps): MethodHandler {
  return async (original, self, args) => {
    const [src, dst] = args;
    if (!deps.config().enabled || typeof src !== 'string' || typeof dst !== 'string') return original.apply(self, args);
    try {
      const lease = deps.pathLeases.acquire(dst);
      deps.scopes.hold(lease, dst);
      deps.managed.addPlaced(dst, { src });
      await lease.ready;
      const outcome = await deps.copies.ensure(src, dst);
      deps.stats.add(outcome === 'copied' ? 'ntqqCopiesMade' : 'ntqqCopiesAvoided');
      return undefined;
    } catch (error) {
      // Still in use after the wait: NapCat's copy onto that name would fail as well, and
      // silently (it ignores the result). Say so instead.
      if (error instanceof FileInUseError) throw error;
      deps.failOpen.fault('copyFile', error, `${src} → ${dst}`);
      return original.apply(self, args);
    }
  };
}
