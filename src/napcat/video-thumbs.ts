import path from 'node:path';
import { Mutex } from 'async-mutex';
import type { HookDeps } from './hook-deps';
import { privateSource } from './private-source';
import type { MethodHandler } from './method-patches';
import { field, isSendContext } from './shapes';

/** Thumbnail paths of a video element: `thumbPath` is a Map<number, string> in NapCat. */
function thumbsOf(element: unknown): string[] {
  const thumbs = field(field(element, 'videoElement'), 'thumbPath');
  const values = thumbs instanceof Map ? [...thumbs.values()] : thumbs && typeof thumbs === 'object' ? Object.values(thumbs) : [];
  return values.filter((v): v is string => typeof v === 'string' && path.isAbsolute(v));
}

/**
 * `ob.FileApi.createValidSendVideoElement`: serialised per source file, so concurrent sends
 * of one video do not run the thumbnail writer onto one `Thumb/<md5>_0` path at once; the
 * thumbnail is leased for the send and kept out of NapCat's deletion list. A store file is
 * handed to NapCat's builder under a name of the send's own in NapCat's temp folder (queued
 * for deletion with the send's temp files), so what the builder writes beside its source
 * never lands in the store (privateSource).
 */
/** `args` with a store file source swapped for a private name of it (on the send's deletion list). */
async function privateArgs(deps: HookDeps, args: unknown[]): Promise<unknown[]> {
  const [context, source] = args;
  const media = typeof source === 'string' ? deps.managed.storeFile(source) : undefined;
  const temp = field(deps.core, 'NapCatTempPath');
  if (!media || typeof temp !== 'string' || !isSendContext(context)) return args;
  try {
    const own = await privateSource(temp, media);
    context.deleteAfterSentFiles.push(own); // NapCat deletes it with the send's other temp files
    return [context, own, ...args.slice(2)];
  } catch (error) {
    deps.failOpen.fault('video-source', error, media.path);
    return args;
  }
}

export function videoElementHook(deps: HookDeps): MethodHandler {
  const lanes = new Map<string, { mutex: Mutex; users: number }>();
  return async (original, self, args) => {
    const source = args[1];
    if (!deps.config().enabled || typeof source !== 'string') return original.apply(self, args);
    const key = path.normalize(source);
    let lane = lanes.get(key);
    if (!lane) lanes.set(key, (lane = { mutex: new Mutex(), users: 0 }));
    lane.users++;
    const context = args[0];
    const before = isSendContext(context) ? context.deleteAfterSentFiles.length : 0;
    try {
      const call = await privateArgs(deps, args);
      const element = await lane.mutex.runExclusive(() => original.apply(self, call));
      // The media path and thumbnail NapCat put on its deletion list are NapCat's to delete
      // (ManagedPaths); only what was added since this call began.
      if (isSendContext(context)) deps.managed.noteQueued(context.deleteAfterSentFiles.slice(before));
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
