// The start-up sweep. It repairs what crashed or killed runs left behind and brings the
// entries no live process holds back within the bounds:
// - temp files whose writer is gone (a live writer's, named with its identity, stay);
// - lease markers of dead processes;
// - entries whose file is missing, has the wrong size, or has no valid meta;
// - unheld entries beyond maxEntries / maxTotalBytes (oldest first) or idle longer than idleMs.
// It runs in the background while the store serves: every removal of an entry happens under
// its lock, after checking again, and an entry this or any live process holds has a marker.
// It touches only names of the store's own shapes (layout.ts), and one name it cannot read or
// remove is skipped, never the end of the sweep.
import { join } from 'node:path';
import type { Logger } from '../logger';
import type { FileLocks } from './file-lock';
import { type StoreLayout, contentHashOf, isContentHash, isMarkerName, isShard, isTempName, metaHashOf } from './layout';
import { heldElsewhere, removeMarkerDir } from './lease-markers';
import { type Meta, readMeta } from './meta';
import type { ResolvedOptions } from './options';
import { type ProcessIdentity, isAlive, parseIdentity } from './process-identity';
import { type StoreFs, readdirIfExists, statIfExists, unlinkIfExists } from './store-fs';

export interface SweepContext {
  fs: StoreFs;
  layout: StoreLayout;
  locks: FileLocks;
  self: ProcessIdentity;
  logger: Logger;
  options: ResolvedOptions;
  /** True once the store is closing: the sweep stops at the next name. */
  stopped: () => boolean;
}

export interface SweepReport {
  tempFiles: number;
  markers: number;
  /** Entries removed because their file or meta was missing or wrong. */
  dropped: number;
  /** Unheld entries removed to meet the bounds or for idleness. */
  trimmed: number;
  kept: number;
  /** Names that could not be read or removed (each logged), left for the next sweep. */
  skipped: number;
}

interface Candidate {
  hash: string;
  /** The content file names found for this hash (normally one). */
  files: string[];
  meta?: Meta;
  lastUsed: number;
}

/** Runs one step of the sweep; a failure is counted (the first one logged) and the sweep goes on. */
type Attempt = (what: string, step: () => Promise<void>) => Promise<void>;

export async function sweep(ctx: SweepContext): Promise<SweepReport> {
  const report: SweepReport = { tempFiles: 0, markers: 0, dropped: 0, trimmed: 0, kept: 0, skipped: 0 };
  const attempt: Attempt = async (what, step) => {
    try {
      await step();
    } catch (err) {
      // What cannot be read or removed stays for the next sweep; the rest go on.
      report.skipped++;
      if (report.skipped === 1) {
        ctx.logger.warn(
          `[media-cache] 启动清理跳过了无法处理的文件，其余照常 / start-up sweep skipped what it could not handle and went on: ${what}: ${String(err)}`,
        );
      }
    }
  };
  await attempt(ctx.layout.dir('tmp'), async () => void (report.tempFiles = await sweepTemp(ctx, attempt)));
  await attempt(ctx.layout.dir('leases'), async () => void (report.markers = await sweepMarkers(ctx, attempt)));
  const candidates = await listEntries(ctx, attempt);
  const valid: Candidate[] = [];
  for (const c of candidates) {
    if (ctx.stopped()) return report;
    await attempt(c.hash, async () => {
      if (await isWhole(ctx, c)) valid.push(c);
      else if (await removeUnheld(ctx, c.hash, (again) => !again)) report.dropped++;
    });
  }
  // Newest first: keep while within every bound.
  valid.sort((a, b) => b.lastUsed - a.lastUsed);
  const now = Date.now();
  let count = 0;
  let bytes = 0;
  for (const c of valid) {
    if (ctx.stopped()) return report;
    const size = c.meta?.size ?? 0;
    const idle = ctx.options.idleMs > 0 && now - c.lastUsed > ctx.options.idleMs;
    const fits = count + 1 <= ctx.options.maxEntries && bytes + size <= ctx.options.maxTotalBytes;
    if (!idle && fits) {
      count++;
      bytes += size;
      report.kept++;
      continue;
    }
    await attempt(c.hash, async () => {
      if (await removeUnheld(ctx, c.hash, () => true)) report.trimmed++;
      else report.kept++;
    });
  }
  return report;
}

async function sweepTemp({ fs, layout, self, stopped }: SweepContext, attempt: Attempt): Promise<number> {
  let removed = 0;
  for (const name of await readdirIfExists(fs, layout.dir('tmp'))) {
    if (stopped()) break;
    if (!isTempName(name)) continue;
    const file = join(layout.dir('tmp'), name);
    await attempt(file, async () => {
      const writer = parseIdentity(name);
      if (writer && (await isAlive(writer, self))) return;
      await unlinkIfExists(fs, file);
      removed++;
    });
  }
  return removed;
}

async function sweepMarkers({ fs, layout, self, stopped }: SweepContext, attempt: Attempt): Promise<number> {
  let removed = 0;
  for (const hash of await readdirIfExists(fs, layout.dir('leases'))) {
    if (stopped()) break;
    if (!isContentHash(hash)) continue;
    const dir = layout.leaseDir(hash);
    await attempt(dir, async () => {
      for (const name of await readdirIfExists(fs, dir)) {
        if (!isMarkerName(name)) continue;
        const owner = parseIdentity(name);
        if (owner && (await isAlive(owner, self))) continue;
        await unlinkIfExists(fs, join(dir, name));
        removed++;
      }
      await removeMarkerDir(fs, layout, hash);
    });
  }
  return removed;
}

/** Every hash with a content file or a meta file, with what was found for it. */
async function listEntries({ fs, layout, stopped }: SweepContext, attempt: Attempt): Promise<Candidate[]> {
  const byHash = new Map<string, Candidate>();
  const get = (hash: string) => {
    let c = byHash.get(hash);
    if (!c) byHash.set(hash, (c = { hash, files: [], lastUsed: 0 }));
    return c;
  };
  for (const [tree, hashOf] of [
    ['content', contentHashOf],
    ['meta', metaHashOf],
  ] as const) {
    const root = layout.dir(tree);
    await attempt(root, async () => {
      for (const shard of await readdirIfExists(fs, root)) {
        if (stopped()) return;
        if (!isShard(shard)) continue;
        await attempt(join(root, shard), async () => {
          for (const name of await readdirIfExists(fs, join(root, shard))) {
            const hash = hashOf(name);
            if (!hash?.startsWith(shard)) continue;
            const c = get(hash);
            if (tree === 'content') c.files.push(name);
          }
        });
      }
    });
  }
  return [...byHash.values()];
}

/** One content file, a valid meta naming it, and sizes that agree. Fills in meta and lastUsed. */
async function isWhole({ fs, layout }: SweepContext, c: Candidate): Promise<boolean> {
  c.meta = await readMeta(fs, layout, c.hash).catch(() => undefined);
  if (!c.meta || c.files.length !== 1 || c.files[0] !== c.hash + c.meta.ext) return false;
  const [file, meta] = await Promise.all([
    statIfExists(fs, layout.content(c.hash, c.meta.ext)),
    statIfExists(fs, layout.meta(c.hash)),
  ]);
  if (!file || !meta || file.size !== c.meta.size) return false;
  c.lastUsed = Math.max(file.mtimeMs, meta.mtimeMs);
  return true;
}

/**
 * Under the content's lock: if no live process holds `hash` and `stillDoomed` (given whether
 * the entry is whole now) agrees, removes its files. Returns whether it removed them.
 */
async function removeUnheld(
  ctx: SweepContext,
  hash: string,
  stillDoomed: (wholeNow: boolean) => boolean,
): Promise<boolean> {
  const { fs, layout, locks, self } = ctx;
  return locks.run(layout.lockTarget(hash), async () => {
    if (await heldElsewhere(fs, layout, hash, self, undefined)) return false;
    const again: Candidate = { hash, files: [], lastUsed: 0 };
    const shard = join(layout.dir('content'), hash.slice(0, 2));
    again.files = (await readdirIfExists(fs, shard)).filter((name) => contentHashOf(name) === hash);
    if (!stillDoomed(await isWhole(ctx, again))) return false;
    for (const name of again.files) await unlinkIfExists(fs, join(shard, name));
    await unlinkIfExists(fs, layout.meta(hash));
    await removeMarkerDir(fs, layout, hash);
    return true;
  });
}
