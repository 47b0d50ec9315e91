import path from 'node:path';
import { emptyBase64 } from '../errors/catalog';
import { mediaFieldOf, parseMediaRef, type MediaField } from '../onebot/media-ref';
import { isSegment, type Segment } from '../onebot/segment';
import { StoreError } from '../store/errors';
import type { Lease } from '../store/types';
import type { HookDeps } from './hook-deps';
import { isSendContext, type FileLikeResult, type Method } from './shapes';
import { LocalFiles } from './local-files';
import { handOverOversize } from './oversize';
import { SegmentTexts } from './segment-texts';
import { UrlDownloads } from './url-downloads';

/**
 * `handleOb11FileLikeMessage`: `base64://` and `data:…;base64,` become a leased store file
 * (decoded once per content, `isLocal: true` so NapCat queues nothing for deletion);
 * `http(s)://` goes through the plugin's HTTP cache (url-downloads.ts); everything else — and any
 * fault of ours — is NapCat's own path. The segment is read as NapCat reads it (src/onebot:
 * which field, which scheme, which base64 text). `data:` without `;base64` is left to NapCat,
 * which decodes it as base64 just the same.
 */
export class MediaResolver {
  readonly #deps: HookDeps;
  readonly #downloads: UrlDownloads;
  readonly #files: LocalFiles;
  readonly #texts: SegmentTexts;

  constructor(deps: HookDeps) {
    this.#deps = deps;
    this.#downloads = new UrlDownloads(deps);
    this.#files = new LocalFiles(deps);
    this.#texts = new SegmentTexts(deps.scopes);
  }

  /** The hook (a MethodHandler): NapCat's `handleOb11FileLikeMessage(segment, context)`. */
  async resolve(original: Method, self: unknown, args: unknown[]): Promise<unknown> {
    const napcat = () => original.apply(self, args) as Promise<unknown>;
    const [segment, context] = args;
    if (!this.#deps.config().enabled || !isSegment(segment) || !isSendContext(context)) return napcat();
    const field = mediaFieldOf(segment.data);
    if (field === undefined) return napcat();
    const uri = segment.data[field] as string;
    const ref = parseMediaRef(uri);
    if (ref.kind === 'url') return this.#downloads.resolve(uri, (lease) => this.handOver(lease, segment), napcat);

    // A store file a send of this very segment object handed out: the same lease again. file://
    // and local paths: content-addressed (local-files.ts). NapCat's own file tokens, data:
    // without ;base64: NapCat's.
    if (ref.kind !== 'base64' || !ref.declared) {
      return this.#again(segment, field, uri) ?? this.#files.resolve(uri, (lease, name) => this.handOver(lease, segment, name), napcat);
    }

    let lease: Lease;
    const started = performance.now();
    try {
      // Repeated text is answered without a turn of the event loop.
      lease = this.#deps.store.hitBase64(ref.base64) ?? (await this.#deps.store.putBase64(ref.base64));
    } catch (error) {
      return this.#onPutError(error, segment, ref.base64, napcat);
    }
    // The store's own string when its fast path answered: the kept text is usually that very
    // string, so remembering costs a pointer compare instead of a second pass over the text.
    const shared = this.#deps.sources.remember(lease.media.path, lease.text ?? ref.base64);
    this.#deps.latency.resolved(lease.media.path, performance.now() - started);
    const result = this.handOver(lease, segment);
    // The send no longer needs the segment's text: the field points at the store file until
    // the send ends, then at the same URI again (SegmentTexts). When another request holds the
    // same text, the URI put back is built on that one, so this request's own copy can go now.
    if (ref.prefix !== undefined) {
      // The prefix is a string of its own (parseMediaRef): a slice would keep the whole URI alive.
      const putBack = shared === undefined ? uri : ref.prefix + shared;
      this.#texts.letGo(segment, field, lease.media.path, putBack);
    }
    return result;
  }

  /** A store file this plugin handed out, met again in a segment: leased again, or undefined. */
  #again(segment: Segment, field: MediaField, uri: string): FileLikeResult | undefined {
    const media = this.#deps.managed.storeFile(uri);
    const lease = media && this.#deps.store.acquire(media.hash);
    if (!lease) return undefined;
    this.#texts.putBackToo(segment, field, uri);
    this.#deps.sources.share(lease.media.path);
    this.#deps.latency.resolved(lease.media.path, 0);
    return this.handOver(lease, segment);
  }

  /**
   * Hangs `lease` on the send and returns it the way NapCat returns a local file: named as the
   * segment names it, else `napcatName` (a local file's own name), else the store file's.
   */
  handOver(lease: Lease, segment: Segment, napcatName?: string): FileLikeResult {
    const media = lease.media;
    this.#deps.scopes.hold(lease, media.path);
    this.#deps.managed.addStoreFile(media);
    const name = segment.data.name;
    return { path: media.path, fileName: (name ?? napcatName ?? path.basename(media.path)) as string, isLocal: true };
  }

  #onPutError(error: unknown, segment: Segment, text: string, napcat: () => Promise<unknown>): Promise<unknown> {
    if (error instanceof StoreError && error.code === 'EMPTY') {
      // Nothing to send (NapCat would fail later on the 0-byte file): say so, with NapCat's words for it last.
      this.#deps.stats.failure(error.code);
      this.#deps.stats.failed('EMPTY_BASE64');
      return Promise.reject(new Error(emptyBase64({ characters: text.length })));
    }
    if (handOverOversize(this.#deps, error, `base64 ${segment.type} 段 / segment`)) return napcat();
    this.#deps.failOpen.fault('base64', error, `${segment.type} 段 / segment`);
    return napcat();
  }
}
