// What one send carries, learned before it goes to NapCat: the lane key of each medium (the
// md5 NapCat names its Ori/<md5> copy by), the bytes (for NapCat's timeout), and for base64
// and URL media a store file the reference can be rewritten to. base64 is decoded into the
// shared store once per content (its fast path knows repeated strings); a URL is fetched
// into the store only when a rewrite can use it (otherwise NapCat downloads it anyway, and
// the URL itself is the key); a bot's own file is hashed once per (dev, inode, size, mtime).
import { emptyBase64 } from '../../errors/catalog';
import type { Logger } from '../../logger';
import { parseMediaRef, type MediaRef } from '../../onebot/media-ref';
import type { MediaSlot } from '../../onebot/media-slots';
import { sendMediaSlots, uploadCopiesFile } from '../../onebot/send-actions';
import { StoreError, type MediaStore } from '../../store';
import type { Lease } from '../../store/types';
import type { FileDigests } from '../../store/file-digests';
import type { PathMap } from '../path-map';
import type { UrlMedia } from '../url-media';

/** Segment uses whose file NapCat copies onto the shared md5-named path (so they need a lane). */
const SHARED_COPY_USES = new Set(['image', 'record', 'video']);

export interface Rewrite {
  slot: MediaSlot;
  lease: Lease;
  /**
   * The URL the bot wrote, to put back if NapCat cannot read the store; base64 is rebuilt from
   * the store file instead, so its megabytes of text are not kept while the send waits.
   */
  url?: string;
}

export interface SendPlan {
  /** Lane keys (md5, or `url:`/`ref:` when the bytes are not known here). */
  keys: string[];
  /** Bytes of the media whose size is known. */
  bytes: number;
  rewrites: Rewrite[];
  leases: Lease[];
}

/** The client's input cannot be sent (base64 that decodes to nothing): the send fails, as in the plugin. */
export class BadMediaError extends Error {}

export interface PlannerDeps {
  store: MediaStore;
  urls: UrlMedia;
  files: FileDigests;
  paths: PathMap;
  /** Whether a rewrite can use store files now (URLs are fetched only then). */
  rewriting: () => boolean;
  /** `urlCache.enabled`: off, every URL goes on as it came and NapCat downloads it, as in the plugin. */
  fetchesUrls: boolean;
  /** A fault of ours, once per reason: the medium goes on as it came. */
  fallback: (reason: string, detail: string) => void;
  logger: Logger;
}

// A string this long is not a path; do not stat it.
const MAX_PATH_CHARS = 4096;

export class SendPlanner {
  readonly #deps: PlannerDeps;

  constructor(deps: PlannerDeps) {
    this.#deps = deps;
  }

  /** The plan, or undefined when the action carries no media. Throws BadMediaError for bad input. */
  async plan(baseAction: string, params: Record<string, unknown>): Promise<SendPlan | undefined> {
    const slots = sendMediaSlots(baseAction, params);
    if (slots.length === 0) return undefined;
    const plan: SendPlan = { keys: [], bytes: 0, rewrites: [], leases: [] };
    const copies = slots.map((slot) => SHARED_COPY_USES.has(slot.use) || (slot.use === 'upload' && uploadCopiesFile(params)));
    try {
      const resolved = await Promise.all(slots.map((slot) => this.#resolve(slot, plan)));
      resolved.forEach((key, i) => {
        if (key !== undefined && copies[i]) plan.keys.push(key);
      });
      return plan;
    } catch (error) {
      for (const lease of plan.leases) lease.release();
      throw error;
    }
  }

  /** Fills the plan for one slot; returns its lane key. */
  async #resolve(slot: MediaSlot, plan: SendPlan): Promise<string | undefined> {
    const ref = parseMediaRef(slot.uri);
    switch (ref.kind) {
      case 'base64':
        return this.#stored(slot, ref, plan, () => this.#deps.store.putBase64(ref.base64));
      case 'url':
        if (!this.#deps.fetchesUrls || !this.#deps.rewriting()) return `url:${ref.url}`;
        return (await this.#stored(slot, ref, plan, () => this.#deps.urls.fetch(ref.url))) ?? `url:${ref.url}`;
      case 'file':
        return this.#fileKey(this.#deps.paths.toHost(ref.path), ref.path, plan);
      case 'other':
        // A bare path NapCat finds by existence first; anything else is NapCat's own file token
        // (a received image forwarded by its id, NapCat #764): the same token is the same file.
        return ref.text.length <= MAX_PATH_CHARS ? this.#fileKey(this.#deps.paths.toHost(ref.text), ref.text, plan) : undefined;
    }
  }

  async #stored(slot: MediaSlot, ref: MediaRef, plan: SendPlan, put: () => Promise<Lease>): Promise<string | undefined> {
    let lease: Lease;
    try {
      lease = await put();
    } catch (error) {
      // Only base64 is judged here; an empty download goes on as it came, for NapCat to judge.
      if (ref.kind === 'base64' && error instanceof StoreError && error.code === 'EMPTY') throw new BadMediaError(emptyBase64({ characters: ref.base64.length }));
      this.#deps.fallback(error instanceof StoreError ? error.code : 'URL', (error as Error)?.message ?? String(error));
      return undefined;
    }
    plan.leases.push(lease);
    plan.bytes += lease.media.size;
    plan.rewrites.push({ slot, lease, url: ref.kind === 'url' ? ref.url : undefined });
    return lease.media.md5;
  }

  async #fileKey(hostPath: string, reference: string, plan: SendPlan): Promise<string> {
    const digest = await this.#deps.files.of(hostPath).catch(() => undefined);
    if (digest) {
      plan.bytes += digest.size;
      return digest.md5;
    }
    // Not readable here (another machine, or not a path at all): the same reference still
    // means the same file.
    return `ref:${reference}`;
  }
}
