import path from 'node:path';
import { StoreError } from '../store/errors';
import type { Lease } from '../store/types';
import type { HookDeps } from './hook-deps';
import { isFileLikeSegment, isSendContext, type FileLikeResult, type FileLikeSegment, type Method } from './shapes';
import { handOverOversize } from './oversize';
import { SegmentTexts, detached } from './segment-texts';
import { UrlDownloads } from './url-downloads';

const DATA_BASE64 = /^data:[^,]*;base64,/i;

type UriField = 'url' | 'file' | 'path';

/**
 * The field NapCat reads the URI from: the first of `url`, `file`, `path` that is set and not
 * blank (`[url, file, path].find(uri => uri && uri.trim())`, napcat-pipeline.md §1.1 step 7).
 * Undefined when none is, or the one NapCat picks is no string: NapCat's own path answers those.
 */
function uriFieldOf(segment: FileLikeSegment): UriField | undefined {
  for (const key of ['url', 'file', 'path'] as const) {
    const value = segment.data[key];
    if (!value) continue;
    if (typeof value !== 'string') return undefined;
    if (value.trim()) return key;
  }
  return undefined;
}

/** The base64 text of a URI, and the short prefix before it when the URI is nothing else. */
interface Payload {
  text: string;
  /** Set when `uri === prefix + text`, as a string of its own (not a slice of the URI). */
  prefix?: string;
}

/**
 * The base64 text NapCat would decode from `uri`, or undefined when NapCat would not decode it
 * as base64 here. NapCat strips `base64://`, and takes what lies between the first and the
 * second comma of a `data:` URI (`uri.split(',')[1]`, §1.2). `data:` without `;base64` is left
 * to NapCat, which decodes it as base64 just the same.
 */
function base64Payload(uri: string): Payload | undefined {
  if (uri.startsWith('base64://')) return { text: uri.slice('base64://'.length), prefix: 'base64://' };
  if (!DATA_BASE64.test(uri)) return undefined;
  const parts = uri.split(',');
  if (!parts[1]) return undefined;
  return { text: parts[1], prefix: parts.length === 2 ? detached(`${parts[0]},`) : undefined };
}

/**
 * `handleOb11FileLikeMessage`: `base64://` and `data:…;base64,` become a leased store file
 * (decoded once per content, `isLocal: true` so NapCat queues nothing for deletion);
 * `http(s)://` goes through the plugin's HTTP cache (url-downloads.ts); everything else — and any
 * fault of ours — is NapCat's own path.
 */
export class MediaResolver {
  readonly #deps: HookDeps;
  readonly #downloads: UrlDownloads;
  readonly #texts: SegmentTexts;

  constructor(deps: HookDeps) {
    this.#deps = deps;
    this.#downloads = new UrlDownloads(deps);
    this.#texts = new SegmentTexts(deps.scopes);
  }

  /** The hook (a MethodHandler): NapCat's `handleOb11FileLikeMessage(segment, context)`. */
  async resolve(original: Method, self: unknown, args: unknown[]): Promise<unknown> {
    const napcat = () => original.apply(self, args) as Promise<unknown>;
    const [segment, context] = args;
    if (!this.#deps.config().enabled || !isFileLikeSegment(segment) || !isSendContext(context)) return napcat();
    const field = uriFieldOf(segment);
    if (field === undefined) return napcat();
    const uri = segment.data[field] as string;
    if (/^https?:\/\//i.test(uri)) return this.#downloads.resolve(uri, (lease) => this.handOver(lease, segment), napcat);

    const payload = base64Payload(uri);
    // file://, paths, NapCat's own file tokens, data: without ;base64: NapCat's, unless it is a
    // store file a send of this very segment object handed out (then the same lease again).
    if (payload === undefined) return this.#again(segment, field, uri) ?? napcat();

    let lease: Lease;
    const started = performance.now();
    try {
      lease = await this.#deps.store.putBase64(payload.text);
    } catch (error) {
      return this.#onPutError(error, segment, napcat);
    }
    const kept = this.#deps.sources.remember(lease.media.path, payload.text);
    this.#deps.latency.resolved(lease.media.path, performance.now() - started);
    const result = this.handOver(lease, segment);
    // The send no longer needs the segment's text: the field points at the store file until
    // the send ends, then at the same URI again (SegmentTexts). When another request holds the
    // same text, the URI put back is built on that one, so this request's own copy can go now.
    if (payload.prefix !== undefined) {
      const putBack = kept === payload.text ? uri : payload.prefix + kept;
      this.#texts.letGo(segment, field, lease.media.path, putBack);
    }
    return result;
  }

  /** A store file this plugin handed out, met again in a segment: leased again, or undefined. */
  #again(segment: FileLikeSegment, field: 'url' | 'file' | 'path', uri: string): FileLikeResult | undefined {
    const media = this.#deps.managed.storeFile(uri);
    const lease = media && this.#deps.store.acquire(media.hash);
    if (!lease) return undefined;
    this.#texts.putBackToo(segment, field, uri);
    this.#deps.sources.share(lease.media.path);
    this.#deps.latency.resolved(lease.media.path, 0);
    return this.handOver(lease, segment);
  }

  /** Hangs `lease` on the send and returns it the way NapCat returns a local file. */
  handOver(lease: Lease, segment: FileLikeSegment): FileLikeResult {
    const media = lease.media;
    this.#deps.scopes.hold(lease, media.path);
    this.#deps.managed.addStoreFile(media);
    const name = segment.data.name;
    return { path: media.path, fileName: (name ?? path.basename(media.path)) as string, isLocal: true };
  }

  #onPutError(error: unknown, segment: FileLikeSegment, napcat: () => Promise<unknown>): Promise<unknown> {
    if (error instanceof StoreError && error.code === 'EMPTY') {
      // Nothing to send (NapCat would fail later on a 0-byte file): say so, in NapCat's wording for a failed file.
      this.#deps.stats.failure(error.code);
      return Promise.reject(new Error(`文件处理失败: ${error.message}`));
    }
    if (handOverOversize(this.#deps, error, `base64 ${segment.type} 段 / segment`)) return napcat();
    this.#deps.failOpen.fault('base64', error, `${segment.type} 段 / segment`);
    return napcat();
  }
}
