// The start-up sweep. It repairs what crashed or killed runs left behind and brings the
// entries no live process holds back within the bounds:
// - temp files whose writer is gone (a live writer's, named with its identity, stay);
// - lease markers of dead processes;
// - entries whose file is missing, has the wrong size, or has no valid meta;
// - unheld entries beyond maxEntries / maxTotalBytes (oldest first) or idle longer than idleMs.
// Every removal of an entry happens under its lock, after checking again.
import { join } from 'node:path';
import type { Logger } from '../logger';
import type { FileLocks } from './file-lock';
import type { StoreLayout } from './layout';
import { heldElsewhere, removeMarkerDir } from './lease-markers';
import { type Meta, isContentHash, readMeta } from './meta';
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
}

export interface SweepReport {
  tempFiles: number;
  markers: number;
  /** Entries removed because their file or meta was missing or wrong. */
  dropped: number;
  /** Unheld entries removed to meet the bounds or for idleness. */
  trimmed: number;
  kept: number;
}

interface Candidate {
  hash: string;
  /** The content file names found for this hash (normally one). */
  files: string[];
  meta?: Meta;
  lastUsed: number;
}

export async function sweep(ctx: SweepContext): Promise<SweepReport> {
  const report: SweepReport = { tempFiles: 0, markers: 0, dropped: 0, trimmed: 0, kept: 0 };
  try {
    report.tempFiles = await sweepTemp(ctx);
    report.markers = await sweepMarkers(ctx);
    const candidates = await listEntries(ctx);
    const valid: Candidate[] = [];
    for (const c of candidates) {
      if (await isWhole(ctx, c)) valid.push(c);
      else if (await removeUnheld(ctx, c.hash, (again) => !again)) report.dropped++;
    }
    // Newest first: keep while within every bound.
    valid.sort((a, b) => b.lastUsed - a.lastUsed);
    const now = Date.now();
    let count = 0;
    let bytes = 0;
    for (const c of valid) {
      const size = c.meta?.size ?? 0;
      const idle = ctx.options.idleMs > 0 && now - c.lastUsed > ctx.options.idleMs;
      const fits = count + 1 <= ctx.options.maxEntries && bytes + size <= ctx.options.maxTotalBytes;
      if (!idle && fits) {
        count++;
        bytes += size;
        report.kept++;
      } else if (await removeUnheld(ctx, c.hash, () => true)) report.trimmed++;
      else report.kept++;
    }
  } catch (err) {
    // A sweep that cannot finish leaves a store that is still consistent, only larger.
    ctx.logger.warn(`[media-cache] 启动清理未完成 / start-up sweep did not finish: ${String(err)}`);
  }
  return report;
}

async function sweepTemp({ fs, layout, self }: SweepContext): Promise<number> {
  let removed = 0;
  for (const name of await readdirIfExists(fs, layout.dir('tmp'))) {
    const writer = parseIdentity(name);
    if (writer && (await isAlive(writer, self))) continue;
    await unlinkIfExists(fs, join(layout.dir('tmp'), name));
    removed++;
  }
  return removed;
}

async function sweepMarkers({ fs, layout, self }: SweepContext): Promise<number> {
  let removed = 0;
  for (const hash of await readdirIfExists(fs, layout.dir('leases'))) {
    const dir = join(layout.dir('leases'), hash);
    for (const name of await readdirIfExists(fs, dir)) {
      const owner = parseIdentity(name);
      if (owner && (await isAlive(owner, self))) continue;
      await unlinkIfExists(fs, join(dir, name));
      removed++;
    }
    await removeMarkerDir(fs, layout, hash);
  }
  return removed;
}

/** Every hash with a content file or a meta file, with what was found for it. */
async function listEntries({ fs, layout }: SweepContext): Promise<Candidate[]> {
  const byHash = new Map<string, Candidate>();
  const get = (hash: string) => {
    let c = byHash.get(hash);
    if (!c) byHash.set(hash, (c = { hash, files: [], lastUsed: 0 }));
    return c;
  };
  for (const shard of await readdirIfExists(fs, layout.dir('content'))) {
    for (const name of await readdirIfExists(fs, join(layout.dir('content'), shard))) {
      const hash = name.slice(0, 64);
      if (isContentHash(hash) && hash.startsWith(shard)) get(hash).files.push(name);
    }
  }
  for (const shard of await readdirIfExists(fs, layout.dir('meta'))) {
    for (const name of await readdirIfExists(fs, join(layout.dir('meta'), shard))) {
      const hash = name.slice(0, 64);
      if (isContentHash(hash) && name === `${hash}.json`) get(hash);
    }
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
    again.files = (await readdirIfExists(fs, shard)).filter((name) => name.startsWith(hash));
    if (!stillDoomed(await isWhole(ctx, again))) return false;
    for (const name of again.files) await unlinkIfExists(fs, join(shard, name));
    await unlinkIfExists(fs, layout.meta(hash));
    await removeMarkerDir(fs, layout, hash);
    return true;
  });
}
