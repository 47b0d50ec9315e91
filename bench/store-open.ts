// How long opening the store keeps plugin_init waiting with many entries on disk (issue 11
// item 14: 6 s with 20k entries, 21 s when trimming them to 2,000, because open() waited for
// the whole start-up sweep). The sweep now runs in the background; both times are printed.
// Target: open ≤ 200 ms with 20k entries, trimming or not.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaStore } from '../src/store/index';
import { STORE_MARK } from '../src/store/layout';
import { createHost } from '../test/host/index';
import { DIST_DIR, PLUGIN_ID, assertBuilt } from './harness/install';
import { quiesce } from './lib/measure';

export const OPEN_TARGET_MS = 200;

export interface OpenResult {
  /** 'store': MediaStore.open alone; 'plugin': the built plugin's plugin_init in the model host. */
  what: 'store' | 'plugin';
  entries: number;
  maxEntries: number;
  openMs: number;
  sweepMs: number;
  trimmed: number;
  met: boolean;
}

/** Writes `count` small published entries (content + meta) straight into a store folder. */
function populate(dir: string, count: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, STORE_MARK), '{}\n');
  for (const tree of ['content', 'meta', 'tmp', 'leases', 'locks']) mkdirSync(join(dir, tree), { recursive: true });
  for (let shard = 0; shard < 256; shard++) {
    const name = shard.toString(16).padStart(2, '0');
    mkdirSync(join(dir, 'content', name), { recursive: true });
    mkdirSync(join(dir, 'meta', name), { recursive: true });
  }
  for (let i = 0; i < count; i++) {
    const bytes = randomBytes(256);
    bytes[0] = 0x89;
    const hash = createHash('sha256').update(bytes).digest('hex');
    const md5 = createHash('md5').update(bytes).digest('hex');
    writeFileSync(join(dir, 'content', hash.slice(0, 2), hash), bytes);
    writeFileSync(join(dir, 'meta', hash.slice(0, 2), `${hash}.json`), JSON.stringify({ hash, md5, size: bytes.length, ext: '' }));
  }
}

export async function runOpenBench(entries = 20_000, log: (line: string) => void = console.log): Promise<OpenResult[]> {
  const results: OpenResult[] = [];
  for (const maxEntries of [entries + 1, 2000]) {
    const dir = await mkdtemp(join(tmpdir(), 'store-open-'));
    try {
      log(`  ${entries} 个条目，maxEntries ${maxEntries}：写入中 / ${entries} entries, maxEntries ${maxEntries}: writing them`);
      populate(dir, entries);
      await quiesce(100);
      const started = performance.now();
      const store = await MediaStore.open({ dir, maxEntries, idleMs: 0 });
      const openMs = performance.now() - started;
      const report = await store.swept();
      const sweepMs = performance.now() - started;
      await store.close();
      results.push({ what: 'store', entries, maxEntries, openMs, sweepMs, trimmed: report.trimmed, met: openMs <= OPEN_TARGET_MS });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  results.push(await timePluginInit(entries, log));
  return results;
}

/**
 * plugin_init of the built plugin in the model host over a cache folder of `entries` entries,
 * with the shipped bounds (maxEntries 2000: the sweep trims). The plugin is installed and
 * cleaned up once over an empty cache first (NapCat's imports of the bundle are not timed),
 * then its module's plugin_init is called again and timed, as NapCat's loader awaits it.
 */
async function timePluginInit(entries: number, log: (line: string) => void): Promise<OpenResult> {
  assertBuilt();
  const host = await createHost({ timeScale: 1 });
  try {
    const record = await host.installPlugin(DIST_DIR, { dirName: PLUGIN_ID });
    const { module, ctx } = record;
    if (record.status !== 'loaded' || !module?.plugin_init || !module.plugin_cleanup || !ctx) {
      throw new Error(`插件未加载 / plugin not loaded: ${record.status}`);
    }
    await module.plugin_cleanup(ctx);
    log(`  plugin_init，${entries} 个条目：写入中 / plugin_init over ${entries} entries: writing them`);
    populate(join(ctx.dataPath, 'cache'), entries);
    await quiesce(100);
    const started = performance.now();
    await module.plugin_init(ctx);
    const openMs = performance.now() - started;
    await module.plugin_cleanup(ctx); // stops the sweep it started
    return { what: 'plugin', entries, maxEntries: 2000, openMs, sweepMs: Number.NaN, trimmed: Number.NaN, met: openMs <= OPEN_TARGET_MS };
  } finally {
    await host.close();
  }
}

export function formatOpen(results: OpenResult[]): string[] {
  return [
    '启动时长，磁盘上已有许多条目 / start-up with many entries on disk',
    '| what is timed | entries on disk | maxEntries | time | start-up sweep (background) | trimmed | target |',
    '|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.what === 'store' ? 'MediaStore.open' : 'plugin_init (built plugin)'} | ${r.entries} | ${r.maxEntries} | ` +
        `${r.openMs.toFixed(1)} ms | ${Number.isNaN(r.sweepMs) ? '—' : `${r.sweepMs.toFixed(0)} ms`} | ${Number.isNaN(r.trimmed) ? '—' : r.trimmed} | ` +
        `${r.met ? 'ok' : 'MISSED'} (≤ ${OPEN_TARGET_MS} ms) |`,
    ),
  ];
}
