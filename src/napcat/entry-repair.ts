import { stat } from 'node:fs/promises';
import { SingleFlight } from '../flight/single-flight';
import type { Logger } from '../logger';
import type { MediaStats } from '../stats';
import type { MediaInfo } from '../store/types';
import type { MediaSource } from './media-source';
import type { ManagedPaths } from './managed-paths';
import { CorruptSourceError, exists, md5Of, type CopyOutcome, type MediaCopies } from './media-copies';
import type { SendScopes } from './send-scopes';
import type { SendSources } from './send-sources';

/** A store file is corrupt and the request carries nothing to rebuild it from: the send fails. */
export class CorruptEntryError extends Error {
  readonly code = 'CORRUPT_ENTRY';

  constructor(readonly file: string) {
    super(
      `缓存文件已损坏，本次请求没有可重建它的原始数据，已拒绝发送错误内容：${file} / ` +
        `cached file is corrupt and this request carries no source to rebuild it; refusing to send the wrong bytes`,
    );
  }
}

export interface EntryRepairDeps {
  store: MediaSource;
  copies: MediaCopies;
  sources: SendSources;
  scopes: SendScopes;
  managed: ManagedPaths;
  stats: MediaStats;
  logger: Logger;
}

/**
 * Never serves a corrupt store entry. A copy of a store file onto NTQQ's md5-named path is
 * verified by MediaCopies; when it proves the store file wrong (or gone), the store
 * quarantines it and the file is re-materialised from this request's own base64 text, then
 * copied again. Without such a source the send fails with a clear error — never with the
 * wrong bytes, and never down NapCat's path, which would hash and send the bad file.
 */
export class EntryRepair {
  readonly #deps: EntryRepairDeps;
  readonly #rebuilds = new SingleFlight<string, void>();

  constructor(deps: EntryRepairDeps) {
    this.#deps = deps;
  }

  /** `copies.ensure` for a store file, rebuilding the file first when the copy proves it bad. */
  async ensureCopy(media: MediaInfo, mediaPath: string, trustMs = 0): Promise<CopyOutcome> {
    const { copies } = this.#deps;
    try {
      return await copies.ensure(media.path, mediaPath, media.size, trustMs);
    } catch (error) {
      if (!(error instanceof CorruptSourceError) && (await exists(media.path))) throw error;
      await this.rebuild(media);
      return await copies.ensure(media.path, mediaPath, media.size);
    }
  }

  /**
   * Makes `media.path` hold the right bytes again, from the current request's source. Callers
   * arriving together share one rebuild; one that joined a rebuild without a source and has
   * its own tries again with it.
   */
  async rebuild(media: MediaInfo): Promise<void> {
    const source = this.#deps.sources.lookup(media.path);
    const joined = this.#rebuilds.has(media.hash);
    try {
      await this.#rebuilds.run(media.hash, () => this.#rebuild(media, source));
    } catch (error) {
      if (!(joined && source !== undefined && error instanceof CorruptEntryError)) throw error;
      await this.#rebuilds.run(media.hash, () => this.#rebuild(media, source));
    }
  }

  async #rebuild(media: MediaInfo, source: string | undefined): Promise<void> {
    const { store, scopes, managed, stats, logger } = this.#deps;
    // Checked again: another caller (or process) may have rebuilt it since our copy failed.
    if (await intact(media)) return;
    if (await store.quarantine(media.hash)) stats.failure('CORRUPT_ENTRY');
    if (source === undefined) {
      const error = new CorruptEntryError(media.path);
      logger.warn(error.message);
      throw error;
    }
    const lease = await store.putBase64(source);
    scopes.hold(lease, lease.media.path);
    managed.addStoreFile(lease.media);
    if (lease.media.path !== media.path || !(await intact(media))) {
      throw new Error(`缓存文件重建失败 / rebuilding the cached file failed: ${media.path}`);
    }
  }
}

async function intact(media: MediaInfo): Promise<boolean> {
  try {
    return (await stat(media.path)).size === media.size && (await md5Of(media.path)) === media.md5;
  } catch {
    return false;
  }
}
