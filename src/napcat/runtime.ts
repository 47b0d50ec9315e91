import { readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import {
  LiveConfig,
  buildConfigUi,
  loadConfig,
  provenance,
  resolveCacheDir,
  saveWebUiConfig,
  toWebUiValues,
  type MediaCacheConfig,
  type ResolvedConfig,
} from '../config';
import { MediaStats } from '../stats';
import { PathLeases } from '../store/path-leases';
import { registerRoutes, type WebRouter } from '../web';
import { FailOpen } from './fail-open';
import { installHooks, type InstalledHooks } from './install';
import { KernelHolds, type HeldFile } from './kernel-holds';
import { ManagedPaths } from './managed-paths';
import { MethodPatches } from './method-patches';
import { SendScopes } from './send-scopes';
import { ReloadHandoff, announceSuccessor } from './reload-handoff';
import { napcatMaxTimeoutMs } from './shapes';
import { StoreHandle } from './store-handle';
import type { PluginConfigSchema, PluginContext } from './types';

// One running instance per process (anchors A9): NapCat re-imports the entry on every reload
// and keeps old module instances alive, so module-level state cannot see the previous one.
// Files NTQQ may still read when an instance stops (KernelHolds) wait here, as plain data,
// for the next one. What passes between instances is duck-typed: they may be two versions.
const ACTIVE = Symbol.for('napcat-plugin-media-cache/runtime');
const PARKED = Symbol.for('napcat-plugin-media-cache/parked-holds');
/** What a retiring instance hands to the running one. */
interface Successor {
  adoptPending(paths: string[]): void;
  adoptHolds(files: HeldFile[]): void;
}
type Slot = { [ACTIVE]?: Runtime & Successor; [PARKED]?: HeldFile[] };
const slot = (): Slot => globalThis as Slot;

/** How long cleanup waits for sends already inside our hooks before letting go of their files. */
const DRAIN_MS = 30_000;
/** How long requests held back during a reload wait for the next instance's hooks. */
const HANDOVER_MS = 5_000;
const BACKSTOP_EVERY_MS = 60_000;

/** Everything plugin_init builds, and its exact undoing in plugin_cleanup. */
export class Runtime {
  readonly stats: MediaStats;
  readonly live: LiveConfig;
  readonly patches = new MethodPatches();
  readonly scopes: SendScopes;
  readonly pathLeases: PathLeases;
  readonly managed = new ManagedPaths();
  readonly holds = new KernelHolds();
  readonly handoff: ReloadHandoff;
  readonly store: StoreHandle;
  configUi: PluginConfigSchema = [];
  hooks: InstalledHooks | undefined;
  readonly #ctx: PluginContext;
  readonly #resolved: ResolvedConfig;
  readonly #unsubscribe: () => void;
  #statusPagePath: string | undefined;

  private constructor(ctx: PluginContext, resolved: ResolvedConfig, version: string) {
    const logger = ctx.logger;
    this.#ctx = ctx;
    this.#resolved = resolved;
    const config = resolved.config;
    this.live = new LiveConfig(config, logger);
    this.stats = new MediaStats({ version });
    this.scopes = new SendScopes({
      logger,
      maxAgeMs: () => napcatMaxTimeoutMs(ctx.oneBot),
      onBackstop: () => this.stats.failure('LEASE_BACKSTOP'),
    });
    // Only what NapCat itself would delete is deleted: a voice copy stays (ManagedPaths).
    const managed = this.managed;
    this.pathLeases = new PathLeases({
      graceMs: config.graceSeconds * 1000,
      logger,
      unlink: (file) => (managed.napcatDeletes(file) ? unlink(file) : Promise.resolve()),
    });
    this.handoff = new ReloadHandoff(() => this.scopes.current() !== undefined);
    this.store = new StoreHandle(
      {
        dir: resolveCacheDir(config.cacheDir, ctx.dataPath),
        fallbackDir: resolveCacheDir('', ctx.dataPath),
        maxEntryBytes: config.maxPayloadBytes,
        maxTotalBytes: config.maxCacheBytes,
        maxEntries: config.maxEntries,
        idleMs: config.idleTtlSeconds * 1000,
        memoryBudgetBytes: config.memoryBudgetBytes,
        logger,
      },
      logger,
      {
        counts: (delta) => {
          this.stats.add('storeHits', delta.hits);
          this.stats.add('storeMisses', delta.misses);
          this.stats.add('coalescedPuts', delta.coalesced);
          this.stats.add('bytesNotWritten', delta.bytesNotWritten);
        },
        unusable: () => this.stats.failed('CACHE_UNUSABLE'),
      },
    );
    this.#unsubscribe = this.live.onChange((next, _previous, changed) => this.#apply(next, changed));
  }

  static async start(ctx: PluginContext): Promise<Runtime> {
    const previous = slot()[ACTIVE];
    if (previous) {
      ctx.logger.warn('上一个实例未清理，先行清理 / the previous instance was not cleaned up; cleaning it up first');
      await previous.stop();
    }
    const resolved = await loadConfig({ pluginPath: ctx.pluginPath, dataPath: ctx.dataPath }, ctx.logger);
    const runtime = new Runtime(ctx, resolved, await versionOf(ctx.pluginPath));
    slot()[ACTIVE] = runtime;
    await runtime.#start();
    return runtime;
  }

  async #start(): Promise<void> {
    const ctx = this.#ctx;
    const logger = ctx.logger;
    // Hooks first, then the store: a put waits for the store to open, so a request arriving
    // meanwhile is ours already instead of NapCat's (and a retiring instance's held-back
    // requests come here sooner).
    const opening = this.store.open();
    this.scopes.startBackstop(BACKSTOP_EVERY_MS);
    this.stats.gauge('leasesHeld', () => this.scopes.size);
    this.stats.gauge('storeBytes', () => this.store.store?.stats().bytes ?? 0);
    this.stats.gauge('storeEntries', () => this.store.store?.stats().entries ?? 0);
    const failOpen = new FailOpen(logger, (feature, code) => this.stats.fallback(`${feature}:${code}`));
    this.hooks = installHooks(
      this.patches,
      {
        core: ctx.core,
        oneBot: ctx.oneBot,
        store: this.store,
        pathLeases: this.pathLeases,
        holds: this.holds,
        scopes: this.scopes,
        managed: this.managed,
        failOpen,
        stats: this.stats,
        logger,
        config: () => this.live.current,
      },
      ctx.actions,
      (handler, owner, method) => this.handoff.guard(handler, owner, method),
    );
    announceSuccessor();
    await opening;
    this.adoptHolds(slot()[PARKED] ?? []);
    delete slot()[PARKED];
    let statusPagePath: string | undefined;
    if (ctx.router) {
      statusPagePath = registerRoutes(ctx.router as unknown as WebRouter, {
        pluginId: ctx.pluginName,
        stats: this.stats,
        config: () => ({ config: this.live.current, ...provenance(this.live.current, this.#resolved.sources) }),
        logger,
      }).statusPagePath;
    }
    this.#statusPagePath = statusPagePath;
    this.#buildUi();
    logger.info(
      `媒体缓存已启用：${this.hooks.installed.join(', ')} / media cache active: ${this.hooks.installed.length} hooks installed`,
    );
  }

  /** What the WebUI shows: the effective values under the panel's flat keys. */
  getConfig(): Record<string, unknown> {
    return toWebUiValues(this.live.current);
  }

  /** Applies a WebUI save live and writes only `<dataPath>/config.json`. */
  async setConfig(values: unknown): Promise<void> {
    this.live.apply(values);
    await saveWebUiConfig(this.#ctx.dataPath, this.live.current, this.#resolved.lower);
    this.#buildUi();
  }

  #buildUi(): void {
    const builders = this.#ctx.NapCatConfig;
    if (!builders) return;
    const sources = { ...this.#resolved.sources };
    this.configUi = buildConfigUi(builders, this.live.current, { sources, statusPagePath: this.#statusPagePath });
  }

  /**
   * Undoes everything without failing a send in flight (a reload is cleanup, then a new
   * instance's init). New requests wait while the sends already inside our hooks finish with
   * their files intact; then every lease, timer and the store are released, files NTQQ may
   * still read after a Timeout are left leased for the next instance, and the waiting
   * requests go to the next instance's hooks (or, when none comes, to NapCat's own methods).
   * Sends still running after DRAIN_MS keep their files until they end; the next instance is
   * given the files they leave.
   */
  async stop(): Promise<void> {
    const logger = this.#ctx.logger;
    if (slot()[ACTIVE] === this) delete slot()[ACTIVE];
    this.#unsubscribe();
    // Sends waiting for a pacing token go now, unpaced: otherwise the drain waits out the queue.
    this.hooks?.gate?.close();
    this.handoff.retire();
    if (await this.handoff.drained(DRAIN_MS)) {
      await this.#release();
    } else {
      logger.warn(`仍有发送未结束，其文件保留至发送结束 / sends still running after ${DRAIN_MS} ms keep their files until they end`);
      this.pathLeases.suspendDeletions();
      void this.handoff.drained().then(() => this.#releaseLate());
    }
    this.handoff.handOff(HANDOVER_MS, () => this.#restore());
  }

  /** Takes over paths a retiring instance no longer uses: deleted after our grace unless we use them. */
  adoptPending(paths: string[]): void {
    for (const file of paths) this.pathLeases.acquire(file).release();
  }

  /** Takes over files NTQQ may still be reading, until the time each was held for. */
  adoptHolds(files: HeldFile[]): void {
    const now = Date.now();
    const held = [];
    for (const file of files) {
      if (file.until <= now) continue;
      const lease = file.hash ? this.store.acquire(file.hash) : this.pathLeases.acquire(file.path);
      if (lease) held.push({ ...file, lease });
    }
    this.holds.hold(held);
  }

  #restore(): void {
    const stuck = this.patches.restoreAll();
    if (stuck.length > 0) {
      this.#ctx.logger.warn(`这些方法被其他插件再次包装，已改为直通 / wrapped again by someone else, left as pass-through: ${stuck.join(', ')}`);
    }
  }

  /** Drained: no send of ours is running, new ones wait; nothing of ours can be in use but the held files. */
  async #release(): Promise<void> {
    this.scopes.releaseAll();
    this.#park(this.holds.park());
    await this.pathLeases.close({ deletePending: true });
    await this.store.close();
  }

  /** The last late send has ended; a successor may be using the same files by now. */
  async #releaseLate(): Promise<void> {
    this.scopes.releaseAll();
    const held = this.holds.park();
    const pending = this.pathLeases.pendingPaths();
    await this.pathLeases.close({ deletePending: false });
    await this.store.close();
    const successor = slot()[ACTIVE];
    if (successor) {
      successor.adoptPending(pending);
      successor.adoptHolds(held);
    } else {
      this.#park(held);
    }
  }

  #park(held: HeldFile[]): void {
    if (held.length > 0) slot()[PARKED] = [...(slot()[PARKED] ?? []), ...held];
  }

  #apply(next: Readonly<MediaCacheConfig>, changed: readonly string[]): void {
    this.hooks?.gate?.reconfigure(next);
    if (changed.includes('graceSeconds')) this.pathLeases.setGraceMs(next.graceSeconds * 1000);
    const restart = changed.filter((key) =>
      ['cacheDir', 'maxCacheBytes', 'maxEntries', 'idleTtlSeconds', 'maxPayloadBytes', 'memoryBudgetBytes'].includes(key),
    );
    if (restart.length > 0) {
      this.#ctx.logger.info(`以下设置在插件重载后生效 / these settings apply after the plugin reloads: ${restart.join(', ')}`);
    }
  }
}

async function versionOf(pluginPath: string): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(path.join(pluginPath, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'dev';
  } catch {
    return 'dev';
  }
}
