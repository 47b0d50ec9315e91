import { open } from 'node:fs/promises';
import path from 'node:path';
import { LRUCache } from 'lru-cache';
import type { MediaInfo } from '../store/types';
import { FileInUseError } from '../flight/in-use';
import { CorruptEntryError } from './entry-repair';
import type { HookDeps } from './hook-deps';
import type { PlacedMedia } from './managed-paths';
import { ElementType, isUploadResult, msgServiceOf, type Method, type UploadResult } from './shapes';

// What NapCat's sniffer (npm file-type) says for the store's types, when it surely agrees.
const SAME_EXT = new Set(['.png', '.jpg', '.gif', '.webp', '.bmp']);
// file-type calls an ISO-BMFF file mp4 unless its major brand says mov, m4v, heic, avif, 3gp…
const MP4_BRANDS = new Set(['isom', 'iso2', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'avc1', 'dash', 'mmp4']);
/**
 * A copy found good this recently is not stat-ed again here: the send gate checks it right
 * before every attempt anyway (and puts it back if it vanished), so this stat only cost CPU.
 * Without the gate a copy deleted within this window is missed here as NapCat would miss it.
 */
const COPY_TRUST_MS = 1000;

/**
 * `core.apis.FileApi.uploadFile`, memoised per content. For a store file NapCat's md5 pass,
 * type sniff and size query are answered from the store, and the copy onto NTQQ's
 * `Ori/<md5>` path is made at most once and verified (MediaCopies; a corrupt store file is
 * rebuilt by EntryRepair). Any other file goes through NapCat's original, whose
 * `this.copyFile` is ours. Either way the media path is leased for the send.
 */
export class MediaUpload {
  readonly #deps: HookDeps;
  /** Store hash → the extension NapCat would give it, or null when only NapCat can tell. */
  readonly #exts = new LRUCache<string, { ext: string | null }>({ max: 10_000 });

  constructor(deps: HookDeps) {
    this.#deps = deps;
  }

  /** The hook (a MethodHandler): NapCat's `uploadFile(filePath, elementType, elementSubType, uploadGroupFile)`. */
  async upload(original: Method, self: unknown, args: unknown[]): Promise<unknown> {
    const napcat = () => original.apply(self, args) as Promise<unknown>;
    const [filePath, elementType = ElementType.PIC, elementSubType = 0, uploadGroupFile = true] = args;
    if (!this.#deps.config().enabled || typeof filePath !== 'string') return napcat();
    const media = this.#deps.managed.storeFile(filePath);
    if (media && typeof elementType === 'number' && typeof elementSubType === 'number') {
      let fast: UploadResult | undefined;
      const started = performance.now();
      try {
        // Most often answered without a turn of the event loop (see #fromStore).
        const answer = this.#fromStore(media, elementType, elementSubType, uploadGroupFile !== false);
        fast = answer instanceof Promise ? await answer : answer;
      } catch (error) {
        if (error instanceof CorruptEntryError) throw error; // NapCat's path would send the bad bytes
        if (error instanceof FileInUseError) throw error; // NapCat's copy onto that name would fail unseen
        this.#deps.failOpen.fault('uploadFile', error, filePath);
      }
      this.#deps.latency.uploaded(media.path, fast ? performance.now() - started : 0);
      if (fast) return fast;
    } else if (media) {
      this.#deps.latency.uploaded(media.path, 0); // NapCat's own pass: its time, not ours
    }
    const result = media ? await this.#napcatChecked(media, napcat) : await napcat();
    // Cleanup may have begun while NapCat uploaded: its result is the send's, passed through.
    if (uploadGroupFile !== false && isUploadResult(result) && result.path !== filePath && !this.#deps.pathLeases.closed) {
      await this.#leaseMedia(result.path, { src: filePath, size: result.fileSize });
    }
    return result;
  }

  /**
   * NapCat's own pass over a store file (types only NapCat can name, or after a fault of ours),
   * checked against the md5 the store recorded: NapCat hashes whatever bytes are there, so a
   * corrupt file would be sent as a different picture. It is rebuilt and passed again instead.
   */
  async #napcatChecked(media: MediaInfo, napcat: () => Promise<unknown>): Promise<unknown> {
    const result = await napcat();
    if (!isUploadResult(result) || result.md5 === media.md5) return result;
    await this.#deps.repair.rebuild(media);
    return napcat();
  }

  /**
   * NapCat's result for a store file, or undefined when only NapCat's own pass can tell. Synchronous
   * when nothing needs waiting for (the extension known, the copy trusted, no deletion of the
   * path in flight), the common case of a repeated send; a promise otherwise.
   */
  #fromStore(media: MediaInfo, elementType: number, elementSubType: number, copy: boolean): UploadResult | undefined | Promise<UploadResult | undefined> {
    const known = this.#exts.get(media.hash);
    if (known) return this.#answer(media, known.ext, elementType, elementSubType, copy);
    return this.#napcatExt(media).then((ext) => this.#answer(media, ext, elementType, elementSubType, copy));
  }

  #answer(media: MediaInfo, ext: string | null, elementType: number, elementSubType: number, copy: boolean): UploadResult | undefined | Promise<UploadResult | undefined> {
    if (ext === null) return undefined;
    // A local file sent by path: named as NapCat names that file (file-names.ts).
    const base = this.#deps.names.of(media.path) ?? path.basename(media.path);
    const fileName = base.includes('.') ? base : base + ext;
    if (!copy) return { md5: media.md5, fileName, path: media.path, fileSize: media.size, ext };
    const service = msgServiceOf(this.#deps.core);
    if (!service) throw new Error('core.context.session.getMsgService().getRichMediaFilePathForGuild 不可用 / unavailable');
    const mediaPath = service.getRichMediaFilePathForGuild({
      md5HexStr: media.md5,
      fileName,
      elementType,
      elementSubType,
      thumbSize: 0,
      needCreate: true,
      downloadType: 1,
      file_uuid: '',
    });
    if (typeof mediaPath !== 'string' || !mediaPath) throw new Error(`媒体路径无效 / bad media path: ${String(mediaPath)}`);
    const result: UploadResult = { md5: media.md5, fileName, path: mediaPath, fileSize: media.size, ext };
    const ready = this.#leaseMedia(mediaPath, { src: media.path, size: media.size });
    if (!ready && this.#deps.copies.trusted(mediaPath, media.size, COPY_TRUST_MS)) {
      this.#deps.stats.add('ntqqCopiesAvoided');
      return result;
    }
    return this.#placed(media, mediaPath, ready).then(() => result);
  }

  /** Waits out a deletion of `mediaPath` in flight, then makes sure the copy is there (EntryRepair). */
  async #placed(media: MediaInfo, mediaPath: string, ready: Promise<void> | undefined): Promise<void> {
    if (ready) await ready;
    const outcome = await this.#deps.repair.ensureCopy(media, mediaPath, COPY_TRUST_MS);
    this.#deps.stats.add(outcome === 'copied' ? 'ntqqCopiesMade' : 'ntqqCopiesAvoided');
  }

  /**
   * Leases `mediaPath` on the send. While a deletion of it is already under way, returns what
   * resolves once it has finished; otherwise nothing (no await on the common path).
   */
  #leaseMedia(mediaPath: string, from: PlacedMedia): Promise<void> | undefined {
    const { pathLeases, scopes, managed } = this.#deps;
    const lease = pathLeases.acquire(mediaPath);
    scopes.hold(lease, mediaPath);
    managed.addPlaced(mediaPath, from);
    return lease.deleting ? lease.ready : undefined;
  }

  /** The extension NapCat would give a store file (null: only NapCat can tell), remembered per hash. */
  async #napcatExt(media: MediaInfo): Promise<string | null> {
    let ext: string | null = null;
    if (SAME_EXT.has(media.ext)) ext = media.ext;
    else if (media.ext === '.mp4' && MP4_BRANDS.has(await majorBrand(media.path))) ext = '.mp4';
    this.#exts.set(media.hash, { ext });
    return ext;
  }
}

async function majorBrand(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(12);
    await handle.read(head, 0, 12, 0);
    return head.toString('latin1', 8, 12);
  } finally {
    await handle.close();
  }
}
