import { unlink } from 'node:fs/promises';
import type { Lease } from '../store/types';
import type { HookDeps } from './hook-deps';
import { handOverOversize } from './oversize';
import { field, type SendContext } from './shapes';

/** NapCat's own resolver for this segment, called with the given deletion list. */
type Download = (context: SendContext) => Promise<unknown>;

interface Recent {
  at: number;
  /** The content hash the leader's download produced. */
  hash: Promise<string>;
}

/** A failure of ours (not NapCat's download error): the requests fall back to NapCat. */
class OurFault extends Error {
  constructor(readonly inner: unknown) {
    super(inner instanceof Error ? inner.message : String(inner));
  }
}

/**
 * `http(s)://` segments: within `urlCoalesceSeconds` the first request for a URL downloads
 * through NapCat's own code (so `imageDownloadProxy` applies), and the store takes NapCat's
 * temp file over as the content's file (renamed, not rewritten); the other requests lease the
 * same entry. Failures are never cached.
 */
export class UrlDownloads {
  readonly #deps: HookDeps;
  readonly #recent = new Map<string, Recent>();

  constructor(deps: HookDeps) {
    this.#deps = deps;
  }

  async resolve(
    url: string,
    context: SendContext,
    download: Download,
    handOver: (lease: Lease) => unknown,
    napcat: () => Promise<unknown>,
  ): Promise<unknown> {
    const windowMs = this.#deps.config().urlCoalesceSeconds * 1000;
    if (windowMs <= 0) return napcat();
    this.#prune(windowMs);
    const recent = this.#recent.get(url);
    if (recent) return this.#follow(recent, handOver, napcat);

    let lease: Lease | undefined;
    let napcatResult: unknown;
    let putMs = 0;
    const priv: SendContext = { ...context, deleteAfterSentFiles: [] };
    const hash = (async () => {
      napcatResult = await download(priv);
      try {
        const file = field(napcatResult, 'path');
        if (typeof file !== 'string' || field(napcatResult, 'isLocal') === true) {
          throw new Error(`下载结果形状不符 / unexpected download result for ${url.slice(0, 200)}`);
        }
        // The store takes NapCat's temp file over (a rename, no second write of the bytes).
        const started = performance.now();
        lease = await this.#deps.store.putFile(file, { consume: true });
        putMs = performance.now() - started;
      } catch (error) {
        throw new OurFault(error);
      }
      await Promise.all(priv.deleteAfterSentFiles.map((f) => unlink(f).catch(() => undefined)));
      return lease.media.hash;
    })();
    const entry: Recent = { at: Date.now(), hash };
    this.#recent.set(url, entry);
    hash.catch(() => {
      if (this.#recent.get(url) === entry) this.#recent.delete(url);
    });
    try {
      await hash;
    } catch (error) {
      if (!(error instanceof OurFault)) throw error; // NapCat's own download error
      if (!handOverOversize(this.#deps, error.inner, `${url.slice(0, 200)}`)) this.#deps.failOpen.fault('url', error.inner, url.slice(0, 200));
      // Send what NapCat produced, and let NapCat delete its temp file as it would have.
      context.deleteAfterSentFiles.push(...priv.deleteAfterSentFiles);
      return napcatResult;
    }
    this.#deps.latency.resolved(lease!.media.path, putMs);
    return handOver(lease!);
  }

  async #follow(recent: Recent, handOver: (lease: Lease) => unknown, napcat: () => Promise<unknown>): Promise<unknown> {
    let hash: string;
    try {
      hash = await recent.hash;
    } catch (error) {
      if (error instanceof OurFault) return napcat();
      throw error; // the shared download failed in NapCat: the waiting requests fail alike
    }
    const lease = this.#deps.store.acquire(hash);
    if (!lease) return napcat();
    // The wait for the shared download stands in for a download of its own: NapCat's time, not ours.
    this.#deps.latency.resolved(lease.media.path, 0);
    return handOver(lease);
  }

  #prune(windowMs: number): void {
    const now = Date.now();
    for (const [url, entry] of this.#recent) if (now - entry.at >= windowMs) this.#recent.delete(url);
  }
}
