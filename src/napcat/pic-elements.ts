import { LRUCache } from 'lru-cache';
import type { HookDeps } from './hook-deps';
import type { MethodHandler } from './method-patches';
import { ElementType, field, isSendContext, isUploadResult, objectWithMethods, type Method, type UploadResult } from './shapes';

type Element = Record<string, unknown> & { picElement: Record<string, unknown> };

/** The picElement fields NapCat takes from the call and its upload; the rest come from the bytes. */
function isPicElement(value: unknown, upload: Pick<UploadResult, 'md5' | 'path'>): value is Element {
  const pic = field(value, 'picElement');
  return (
    field(value, 'elementType') === ElementType.PIC &&
    pic !== null &&
    typeof pic === 'object' &&
    field(pic, 'md5HexStr') === upload.md5 &&
    field(pic, 'sourcePath') === upload.path
  );
}

const NOT_PLAIN = Symbol('not plain');
/** Deeper than any element NapCat builds: past it a copy is left to structuredClone. */
const MAX_DEPTH = 8;

/** A copy of plain data (records, arrays, primitives), or NOT_PLAIN when `value` holds anything else. */
function plainCopy(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return NOT_PLAIN;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const copy = plainCopy(item, depth + 1);
      if (copy === NOT_PLAIN) return NOT_PLAIN;
      out.push(copy);
    }
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === '__proto__') return NOT_PLAIN; // an own data property a plain assignment would not make
    const copy = plainCopy(item, depth + 1);
    if (copy === NOT_PLAIN) return NOT_PLAIN;
    out[key] = copy;
  }
  return out;
}

/**
 * A deep copy of a remembered element for one send. Elements are plain data, which a plain
 * copy makes several times faster than structuredClone (it runs on every repeated send);
 * anything else (a Map, a cycle) still goes through structuredClone.
 */
function copyOf<T>(value: T): T {
  const copy = plainCopy(value, 0);
  return copy === NOT_PLAIN ? structuredClone(value) : (copy as T);
}

/**
 * The arguments a builder call passes besides the context and the file, as a memo key; undefined
 * when they are not plain (a string summary, a numeric sub type, then flags such as `isLocal`),
 * which NapCat's builder alone answers.
 */
function callKey(hash: string, args: unknown[]): string | undefined {
  const [, , summary = '', subType = 0, ...rest] = args;
  if (typeof summary !== 'string' || typeof subType !== 'number' || !rest.every((a) => a === undefined || typeof a === 'boolean')) {
    return undefined;
  }
  return JSON.stringify([hash, summary, subType, ...rest]);
}

/**
 * `ob.FileApi.createValidSendPicElement` for store files, memoised per content and per call
 * arguments. NapCat's builder reads the source three more times per send (image size twice,
 * file type: §3, §9.4); for bytes it has seen once those answers cannot change. The first call
 * per content and arguments (summary, sub type) is NapCat's own and its element is remembered
 * (its shape is that NapCat version's own), so whatever the builder makes of those arguments
 * (summary, picSubType, or any field a version or fork adds) comes from a call that passed the
 * same ones: nothing of another call's is carried into a send. Later calls still upload through
 * `core.apis.FileApi.uploadFile` (ours: the media path is leased and its copy ensured), push the
 * media path as NapCat does, and return a copy of the remembered element with the fields that
 * come from the upload set from this call's upload. Anything unexpected goes to NapCat's original.
 */
export function picElementHook(deps: HookDeps): MethodHandler {
  const elements = new LRUCache<string, Element>({ max: 2_000 });
  const build = async (original: Method, self: unknown, args: unknown[]): Promise<unknown> => {
    const [context, picPath, , subType = 0] = args;
    const media = typeof picPath === 'string' ? deps.managed.storeFile(picPath) : undefined;
    const key = media && callKey(media.hash, args);
    if (!deps.config().enabled || !media || key === undefined || !isSendContext(context) || typeof subType !== 'number') {
      return original.apply(self, args);
    }
    const known = elements.get(key);
    if (!known) {
      const element = await original.apply(self, args);
      const pic = field(element, 'picElement');
      const sourcePath = field(pic, 'sourcePath');
      if (typeof sourcePath === 'string' && isPicElement(element, { md5: media.md5, path: sourcePath })) {
        elements.set(key, structuredClone(element));
      }
      return element;
    }
    const fileApi = objectWithMethods(deps.core, ['apis', 'FileApi'], ['uploadFile']);
    if (!fileApi) return original.apply(self, args);
    const upload = await (field(fileApi, 'uploadFile') as Method).call(fileApi, picPath, ElementType.PIC, subType);
    if (!isUploadResult(upload) || upload.md5 !== media.md5 || upload.fileSize === 0) {
      deps.failOpen.fault('pic-element', new Error(`uploadFile 结果不符 / unexpected uploadFile result`), picPath as string);
      elements.delete(key);
      return original.apply(self, args);
    }
    context.deleteAfterSentFiles.push(upload.path); // as NapCat does; the send filter takes it out again
    const element = copyOf(known);
    const pic = element.picElement;
    pic.md5HexStr = upload.md5;
    pic.fileSize = typeof known.picElement.fileSize === 'number' ? upload.fileSize : String(upload.fileSize);
    pic.fileName = upload.fileName;
    pic.sourcePath = upload.path;
    return element;
  };
  return async (original, self, args) => {
    const context = args[0];
    const before = isSendContext(context) ? context.deleteAfterSentFiles.length : 0;
    const element = await build(original, self, args);
    // The media path is on NapCat's deletion list: NapCat means to delete it (ManagedPaths).
    // Only what was added since this call began: a message of n pictures notes n paths, not n².
    if (isSendContext(context)) deps.managed.noteQueued(context.deleteAfterSentFiles.slice(before));
    return element;
  };
}
