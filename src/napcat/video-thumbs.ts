import path from 'node:path';
import { Mutex } from 'async-mutex';
import type { HookDeps } from './hook-deps';
import { field, isSendContext, type Method } from './shapes';

/** Thumbnail paths of a video element: `thumbPath` is a Map<number, string> in NapCat. */
function thumbsOf(element: unknown): string[] {
  const thumbs = field(field(element, 'videoElement'), 'thumbPath');
  const values = thumbs instanceof Map ? [...thumbs.values()] : thumbs && typeof thumbs === 'object' ? Object.values(thumbs) : [];
  return values.filter((v): v is string => typeof v === 'string' && path.isAbsolute(v));
}

/**
 * `ob.FileApi.createValidSendVideoElement`: serialised per source file, so concurrent sends
 * of one video do not run the thumbnail writer onto one `Thumb/<md5>_0` path at once; the
 * thumbnail is leased for the send and kept out of NapCat's deletion list.
 */
export function wrapVideoElement(deps: HookDeps): (original: Method) => Method {
  const lanes = new Map<string, { mutex: Mutex; users: number }>();
  return (original) =>
    async function (this: unknown, ...args: unknown[]) {
      const source = args[1];
      if (!deps.config().enabled || typeof source !== 'string') return original.apply(this, args);
      const key = path.normalize(source);
      let lane = lanes.get(key);
      if (!lane) lanes.set(key, (lane = { mutex: new Mutex(), users: 0 }));
      lane.users++;
      try {
        const element = await lane.mutex.runExclusive(() => original.apply(this, args));
        const context = args[0];
        // The media path and thumbnail NapCat put on its deletion list are NapCat's to delete (ManagedPaths).
        if (isSendContext(context)) deps.managed.noteQueued(context.deleteAfterSentFiles);
        try {
          for (const thumb of thumbsOf(element)) {
            deps.scopes.hold(deps.pathLeases.acquire(thumb), thumb);
            deps.managed.addOther(thumb);
          }
        } catch (error) {
          deps.failOpen.fault('video-thumb', error, source);
        }
        return element;
      } finally {
        if (--lane.users === 0) lanes.delete(key);
      }
    };
}
