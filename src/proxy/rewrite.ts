// Whether base64 and URL media may be rewritten to `file://` paths in the proxy's store.
// Only when NapCat is known to read them: the operator mapped the store into NapCat
// (`--napcat-path-map`), or a probe proved it (NapCat's download_file resolves a file://
// URL in place and answers ok only when the file exists where NapCat runs; the file's name
// is random, so a hit is ours). A rewritten send that then fails on a store path turns the
// rewrite off for good and is sent again as it came (fail open).
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../logger';
import { fileUri } from '../onebot/media-ref';
import type { PathMap } from './path-map';
import { isFailed, messageOf, type OneBotReply } from './replies';

export type RewriteState = 'off' | 'unknown' | 'mapped' | 'proven' | 'unproven' | 'disabled';

/**
 * One request to NapCat and its reply. `asSent` says the params are exactly what the bot sent,
 * so a caller holding the bot's bytes may send those instead of serializing the params again.
 */
export type UpstreamCall = (action: string, params: Record<string, unknown>, asSent?: boolean) => Promise<OneBotReply>;

export interface RewriteOptions {
  mode: 'auto' | 'off';
  paths: PathMap;
  /** The store's folder on the proxy's side. */
  storeDir: string;
  logger: Logger;
  /** After an unproven probe, the next send may probe again this much later. */
  reprobeMs?: number;
}

const PROBE_NAME = 'napcat-media-cache-probe';
/** A NapCat that does not answer the probe in this time is taken as not reading the store. */
const PROBE_TIMEOUT_MS = 10_000;

export class RewritePolicy {
  readonly #options: RewriteOptions;
  #state: RewriteState;
  #probing: Promise<void> | undefined;
  #probedAt = -Infinity;
  readonly #napcatStoreDir: string | undefined;

  constructor(options: RewriteOptions) {
    this.#options = options;
    this.#napcatStoreDir = options.paths.toNapcat(options.storeDir);
    if (options.mode === 'off') this.#state = 'off';
    else if (!options.paths.explicit) this.#state = 'unknown';
    else if (this.#napcatStoreDir) this.#state = 'mapped';
    else {
      this.#state = 'disabled';
      options.logger.warn(
        `缓存目录 ${options.storeDir} 不在 --napcat-path-map 的任何本机路径下，不改写 / the store folder is under no host path of --napcat-path-map; media are not rewritten`,
      );
    }
  }

  get state(): RewriteState {
    return this.#state;
  }

  /** Rewrites are on now (after `settle`). */
  get active(): boolean {
    return this.#state === 'mapped' || this.#state === 'proven';
  }

  /** Probes once when it is not known yet (or again after a while when unproven); never throws. */
  async settle(call: UpstreamCall): Promise<void> {
    const due = this.#state === 'unknown' || (this.#state === 'unproven' && Date.now() - this.#probedAt >= (this.#options.reprobeMs ?? 60_000));
    if (!due) return this.#probing;
    this.#probing ??= this.#probe(call).finally(() => {
      this.#probing = undefined;
    });
    return this.#probing;
  }

  /** The `file://` URI NapCat reads for a store file. */
  uriFor(storePath: string): string | undefined {
    const napcatPath = this.#options.paths.toNapcat(storePath);
    return napcatPath === undefined ? undefined : fileUri(napcatPath);
  }

  /** A failed reply naming a store path: NapCat could not read what we pointed it at. */
  isPathError(reply: OneBotReply): boolean {
    return isFailed(reply) && this.#napcatStoreDir !== undefined && messageOf(reply).includes(this.#napcatStoreDir);
  }

  disable(reason: string): void {
    if (this.#state === 'disabled' || this.#state === 'off') return;
    this.#state = 'disabled';
    this.#options.logger.warn(`NapCat 读不到缓存中的文件，已停止改写为 file:// / NapCat cannot read the store's files; rewriting to file:// is off from now on: ${reason}`);
  }

  async #probe(call: UpstreamCall): Promise<void> {
    const dir = path.join(this.#options.storeDir, 'probe');
    const file = path.join(dir, `${randomUUID()}.probe`);
    this.#probedAt = Date.now();
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(file, randomUUID());
      let timer: ReturnType<typeof setTimeout> | undefined;
      const reply = await Promise.race([
        call('download_file', { url: fileUri(file), name: PROBE_NAME }),
        new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), PROBE_TIMEOUT_MS))),
      ]).finally(() => clearTimeout(timer));
      this.#state = reply && !isFailed(reply) ? 'proven' : 'unproven';
    } catch {
      this.#state = 'unproven';
    } finally {
      await rm(file, { force: true }).catch(() => undefined);
    }
    this.#options.logger.info(
      this.#state === 'proven'
        ? 'NapCat 能读取本代理的缓存：base64/URL 媒体将改写为 file:// 路径 / NapCat reads the proxy\'s store: base64/URL media are rewritten to file:// paths'
        : 'NapCat 读不到本代理的缓存（不同机器或容器？可用 --napcat-path-map）：媒体原样转发，只排队 / NapCat cannot read the proxy\'s store (another machine or container? see --napcat-path-map): media pass as they came, only the lanes act',
    );
  }
}
