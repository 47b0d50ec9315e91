import { LRUCache } from 'lru-cache';
import type { HookDeps } from './hook-deps';
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

/**
 * `ob.FileApi.createValidSendPicElement` for store files, memoised per content. NapCat's
 * builder reads the source three more times per send (image size twice, file type: §3, §9.4);
 * for bytes it has seen once those answers cannot change. The first call per content is
 * NapCat's own and its element is remembered (its shape is that NapCat version's own). Later
 * calls still upload through `core.apis.FileApi.uploadFile` (ours: the media path is leased and
 * its copy ensured), push the media path as NapCat does, and return a copy of the remembered
 * element with the per-call fields set from the arguments and the fresh upload.
 * Anything unexpected goes to NapCat's original.
 */
export function wrapPicElement(deps: HookDeps): (original: Method) => Method {
  const elements = new LRUCache<string, Element>({ max: 2_000 });
  return (original) =>
    async function (this: unknown, ...args: unknown[]) {
      const [context, picPath, summary = '', subType = 0] = args;
      const media = typeof picPath === 'string' ? deps.managed.storeFile(picPath) : undefined;
      if (!deps.config().enabled || !media || !isSendContext(context) || typeof subType !== 'number') {
        return original.apply(this, args);
      }
      const known = elements.get(media.hash);
      if (!known) {
        const element = await original.apply(this, args);
        const pic = field(element, 'picElement');
        const sourcePath = field(pic, 'sourcePath');
        if (typeof sourcePath === 'string' && isPicElement(element, { md5: media.md5, path: sourcePath })) {
          elements.set(media.hash, structuredClone(element));
        }
        return element;
      }
      const fileApi = objectWithMethods(deps.core, ['apis', 'FileApi'], ['uploadFile']);
      if (!fileApi) return original.apply(this, args);
      const upload = await (field(fileApi, 'uploadFile') as Method).call(fileApi, picPath, ElementType.PIC, subType);
      if (!isUploadResult(upload) || upload.md5 !== media.md5 || upload.fileSize === 0) {
        deps.failOpen.fault('pic-element', new Error(`uploadFile 结果不符 / unexpected uploadFile result`), picPath as string);
        elements.delete(media.hash);
        return original.apply(this, args);
      }
      context.deleteAfterSentFiles.push(upload.path); // as NapCat does; the send filter takes it out again
      const element = structuredClone(known);
      const pic = element.picElement;
      pic.md5HexStr = upload.md5;
      pic.fileSize = typeof known.picElement.fileSize === 'number' ? upload.fileSize : String(upload.fileSize);
      pic.fileName = upload.fileName;
      pic.sourcePath = upload.path;
      pic.picSubType = subType;
      pic.summary = summary;
      return element;
    };
}
