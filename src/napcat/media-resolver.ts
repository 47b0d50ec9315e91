import path from 'node:path';
import { StoreError } from '../store/errors';
import type { Lease } from '../store/types';
import type { HookDeps } from './hook-deps';
import { isFileLikeSegment, isSendContext, type FileLikeResult, type FileLikeSegment, type Method } from './shapes';
import { UrlDownloads } from './url-downloads';

const DATA_BASE64 = /^data:[^,]*;base64,/i;

/** The field NapCat reads the URI from: `url` > `file` > `path` (napcat-pipeline.md §1.1 step 7). */
function uriField(segment: FileLikeSegment): 'url' | 'file' | 'path' {
  const { url, file } = segment.data;
  return url ? 'url' : file ? 'file' : 'path';
}

function uriOf(segment: FileLikeSegment): string | undefined {
  const uri = segment.data[uriField(segment)];
  return typeof uri === 'string' ? uri : undefined;
}

/**
 * `handleOb11FileLikeMessage`: `base64://` and `data:…;base64,` become a leased store file
 * (decoded once per content, `isLocal: true` so NapCat queues nothing for deletion);
 * `http(s)://` go through the plugin's HTTP cache (UrlDownloads); everything else — and any
 * fault of ours — is NapCat's own path.
 */
export class MediaResolver {
  readonly #deps: HookDeps;
  readonly #downloads: UrlDownloads;

  constructor(deps: HookDeps) {
    this.#deps = deps;
    this.#downloads = new UrlDownloads(deps);
  }

  wrap(original: Method): Method {
    const resolver = this;
    return function (this: unknown, ...args: unknown[]) {
      return resolver.resolve(this, original, args);
    };
  }

  async resolve(self: unknown, original: Method, args: unknown[]): Promise<unknown> {
    const napcat = () => original.apply(self, args) as Promise<unknown>;
    const [segment, context] = args;
    if (!this.#deps.config().enabled || !isFileLikeSegment(segment) || !isSendContext(context)) return napcat();
    const uri = uriOf(segment);
    if (uri === undefined) return napcat();
    if (/^https?:\/\//i.test(uri)) return this.#downloads.resolve(uri, (lease) => this.handOver(lease, segment), napcat);

    let payload: string;
    if (uri.startsWith('base64://')) payload = uri.slice('base64://'.length);
    else if (DATA_BASE64.test(uri)) payload = uri.slice(uri.indexOf(',') + 1);
    else return napcat(); // file://, paths, NapCat's own file tokens, data: without ;base64

    let lease: Lease;
    const started = performance.now();
    try {
      lease = await this.#deps.store.putBase64(payload);
    } catch (error) {
      return this.#onPutError(error, segment, napcat);
    }
    this.#deps.sources.remember(lease.media.path, payload);
    this.#deps.latency.resolved(lease.media.path, performance.now() - started);
    const result = this.handOver(lease, segment);
    // The segment no longer needs its text: the store holds the bytes and the send uses the
    // returned path. Pointing the field at the store file lets the request's own copy of the
    // text go (7 MB for a 5 MB image) while the send waits, possibly seconds, for the upload;
    // anything that reads the segment again finds the same bytes, as a local file. A frozen
    // segment keeps its text: only memory is at stake, never the send.
    try {
      segment.data[uriField(segment)] = lease.media.path;
    } catch {
      // read-only: leave it
    }
    return result;
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
    if (error instanceof StoreError && (error.code === 'INVALID_BASE64' || error.code === 'EMPTY')) {
      // The client's fault: say exactly what is wrong, in NapCat's wording for a failed file.
      this.#deps.stats.failure(error.code);
      return Promise.reject(new Error(`文件处理失败: ${error.message}`));
    }
    if (error instanceof StoreError && error.code === 'TOO_LARGE') {
      // Over maxPayloadBytes: not ours to cache, NapCat sends it as it always did.
      this.#deps.stats.fallback('TOO_LARGE');
      return napcat();
    }
    this.#deps.failOpen.fault('base64', error, `${segment.type} 段 / segment`);
    return napcat();
  }
}
