// MediaStore per-put cost against NapCat's per-send local work today, in one run.
//   npx tsx --expose-gc bench/store.ts [--runs 9] [--sizes 1,5]
// Baseline per send (what NapCat does for a base64 image): decode, write a fresh temp file,
// stream it through md5, copy it to a second (md5-named) path.
// Store hit: the same image again, as a fresh string copy (what JSON.parse gives each request).
// Store miss: a new image every time. Targets: hit ≤ 0.05× baseline, miss ≤ 1.2× baseline.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, writeFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MediaStore } from '../src/store/index';
import { median, peakRssBytes, quiesce, timeOnce } from './lib/measure';

export interface StoreBenchOptions {
  /** Image sizes in MiB. Default [1, 5]. */
  sizesMiB?: number[];
  /** Samples per case (medians are reported). At least 5. Default 9. */
  runs?: number;
  /** Where to put the temp and store folders. Default os.tmpdir(). */
  baseDir?: string;
  /** Progress and table output. Default console.log; pass () => {} to keep quiet. */
  log?: (line: string) => void;
}

export interface StoreBenchRow {
  sizeMiB: number;
  baselineMs: number;
  hitMs: number;
  missMs: number;
  /** Same bytes, different text (fast path bypassed): decode + sha-256, no write. For reference. */
  hashedHitMs: number;
  hitRatio: number;
  missRatio: number;
  hitMet: boolean;
  missMet: boolean;
}

export interface StoreBenchResult {
  runs: number;
  rows: StoreBenchRow[];
  peakRssBytes: number;
  targets: { hit: number; miss: number };
}

const TARGETS = { hit: 0.05, miss: 1.2 };
const MiB = 1024 * 1024;

/** A PNG-signed random image of `size` bytes, as base64 text. */
function imageText(size: number): string {
  const bytes = randomBytes(size);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
  return bytes.toString('base64');
}

/**
 * A new string with the same text, as each request gives it: JSON.parse of an OneBot image
 * segment, then the `base64://` prefix sliced off (V8 then holds a sliced, flat string).
 */
const freshCopy = (text: string): string =>
  (JSON.parse(JSON.stringify({ type: 'image', data: { file: `base64://${text}` } })) as { data: { file: string } }).data.file.slice(9);

async function md5OfFile(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * NapCat's local work per send; returns the two files it leaves for its own later cleanup.
 * The temp file is written synchronously, as NapCat does (reference/napcat-pipeline.md §1,
 * the base64:// row: `fs.writeFileSync(<temp>/<uuid>, buf)`); the md5 is streamed, and the
 * copy (QQ's native one in NapCat) is Node's.
 */
async function baselineSend(text: string, tempDir: string, mediaDir: string): Promise<string[]> {
  const temp = join(tempDir, randomUUID());
  writeFileSync(temp, Buffer.from(text, 'base64'));
  const md5 = await md5OfFile(temp);
  const media = join(mediaDir, `${md5}-${randomUUID()}.png`);
  await copyFile(temp, media);
  return [temp, media];
}

export async function runStoreBench(options: StoreBenchOptions = {}): Promise<StoreBenchResult> {
  const sizes = options.sizesMiB ?? [1, 5];
  const runs = Math.max(5, options.runs ?? 9);
  const log = options.log ?? ((line: string) => console.log(line));
  const root = await mkdtemp(join(options.baseDir ?? tmpdir(), 'store-bench-'));
  const tempDir = join(root, 'napcat-temp');
  const mediaDir = join(root, 'nt-media');
  await mkdir(tempDir);
  await mkdir(mediaDir);
  const store = await MediaStore.open({ dir: join(root, 'store'), memoryBudgetBytes: 256 * MiB });
  const rows: StoreBenchRow[] = [];
  try {
    for (const sizeMiB of sizes) {
      const size = Math.round(sizeMiB * MiB);
      const repeated = imageText(size);
      (await store.putBase64(freshCopy(repeated))).release(); // the first send of this image: a miss, not timed
      const samples = { baseline: [] as number[], hit: [] as number[], miss: [] as number[], hashed: [] as number[] };
      for (let i = 0; i < runs + 2; i++) {
        const warm = i < 2;
        log(`  ${sizeMiB} MiB: ${warm ? '预热 / warm-up' : `第 ${i - 1}/${runs} 轮 / run ${i - 1}/${runs}`}`);
        // Cases interleaved in each run, so drift on a shared machine hits them alike.
        let text = freshCopy(repeated);
        await quiesce();
        let leftovers: string[] = [];
        const baseline = await timeOnce(async () => void (leftovers = await baselineSend(text, tempDir, mediaDir)));
        await Promise.all(leftovers.map((p) => unlink(p)));

        text = freshCopy(repeated);
        await quiesce();
        const hit = await timeOnce(async () => (await store.putBase64(text)).release());

        const fresh = imageText(size);
        text = freshCopy(fresh);
        await quiesce();
        const miss = await timeOnce(async () => (await store.putBase64(text)).release());

        // The image just stored, as another text (url-safe alphabet): not in the fast path,
        // so decoded and hashed, then found in the index without a write.
        text = freshCopy(Buffer.from(fresh, 'base64').toString('base64url'));
        await quiesce();
        const hashed = await timeOnce(async () => (await store.putBase64(text)).release());
        if (warm) continue;
        samples.baseline.push(baseline);
        samples.hit.push(hit);
        samples.miss.push(miss);
        samples.hashed.push(hashed);
      }
      const baselineMs = median(samples.baseline);
      const hitMs = median(samples.hit);
      const missMs = median(samples.miss);
      rows.push({
        sizeMiB,
        baselineMs,
        hitMs,
        missMs,
        hashedHitMs: median(samples.hashed),
        hitRatio: hitMs / baselineMs,
        missRatio: missMs / baselineMs,
        hitMet: hitMs / baselineMs <= TARGETS.hit,
        missMet: missMs / baselineMs <= TARGETS.miss,
      });
    }
  } finally {
    await store.close();
    await rm(root, { recursive: true, force: true });
  }
  const result = { runs, rows, peakRssBytes: peakRssBytes(), targets: TARGETS };
  for (const line of formatStoreBench(result)) log(line);
  return result;
}

export function formatStoreBench(result: StoreBenchResult): string[] {
  const ms = (v: number) => `${v.toFixed(3)} ms`;
  const verdict = (met: boolean, ratio: number, limit: number) =>
    met ? `ok (${ratio.toFixed(3)}× ≤ ${limit}×)` : `MISSED ${ratio.toFixed(3)}× > ${limit}×`;
  const lines = [
    `MediaStore 每次发送成本（${result.runs} 轮中位数）/ per-send cost (median of ${result.runs} runs)`,
    '| size | baseline (NapCat) | store hit | store miss | hashed hit (ref.) | hit / baseline | miss / baseline |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of result.rows) {
    lines.push(
      `| ${r.sizeMiB} MiB | ${ms(r.baselineMs)} | ${ms(r.hitMs)} | ${ms(r.missMs)} | ${ms(r.hashedHitMs)} | ` +
        `${verdict(r.hitMet, r.hitRatio, result.targets.hit)} | ${verdict(r.missMet, r.missRatio, result.targets.miss)} |`,
    );
  }
  lines.push(`峰值 RSS / peak RSS: ${(result.peakRssBytes / MiB).toFixed(1)} MiB`);
  return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const sizes = arg('sizes')?.split(',').map(Number);
  const runs = arg('runs') === undefined ? undefined : Number(arg('runs'));
  const result = await runStoreBench({ sizesMiB: sizes, runs });
  process.exitCode = result.rows.every((r) => r.hitMet && r.missMet) ? 0 : 1;
}
