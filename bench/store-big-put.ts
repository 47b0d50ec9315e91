// How long one big put stalls the event loop (issue 11 item 12): NapCat's WebSocket and HTTP
// servers share the thread that decodes and hashes it. Each run puts a fresh image as base64
// text (as a request gives it) into a store that slices its work (the default) and into one
// that does not (`sliceBytes: Infinity`, the behaviour before slicing), in alternating order.
// Targets: p99 event-loop delay during the sliced put ≤ 20 ms; its time ≤ 1.2× the unsliced.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { MediaStore } from '../src/store/index';
import { median, quiesce } from './lib/measure';

const MiB = 1024 * 1024;
export const BIG_PUT_TARGETS = { p99Ms: 20, timeRatio: 1.2 };

interface Sample {
  putMs: number;
  p99Ms: number;
  maxMs: number;
}

export interface BigPutResult {
  sizeMiB: number;
  runs: number;
  sliced: Sample;
  whole: Sample;
  timeRatio: number;
  p99Met: boolean;
  timeMet: boolean;
}

/** A PNG-signed random image as base64 text, the way JSON.parse + slice(9) hands it over. */
function requestText(size: number): string {
  const bytes = randomBytes(size);
  bytes[0] = 0x89;
  return (JSON.parse(JSON.stringify({ file: `base64://${bytes.toString('base64')}` })) as { file: string }).file.slice(9);
}

async function timedPut(store: MediaStore, text: string): Promise<Sample> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const started = performance.now();
  const lease = await store.putBase64(text);
  const putMs = performance.now() - started;
  delay.disable();
  lease.release();
  return { putMs, p99Ms: delay.percentile(99) / 1e6, maxMs: delay.max / 1e6 };
}

export async function runBigPutBench(sizeMiB = 100, runs = 5, log: (line: string) => void = console.log): Promise<BigPutResult> {
  const root = await mkdtemp(join(tmpdir(), 'store-big-put-'));
  const common = { maxEntryBytes: 2 * sizeMiB * MiB, memoryBudgetBytes: 0, idleMs: 0 };
  const stores = {
    sliced: await MediaStore.open({ dir: join(root, 'sliced'), ...common }),
    whole: await MediaStore.open({ dir: join(root, 'whole'), ...common, sliceBytes: Infinity }),
  };
  const samples: Record<keyof typeof stores, Sample[]> = { sliced: [], whole: [] };
  try {
    for (let run = 0; run < runs + 1; run++) {
      const order = run % 2 ? (['whole', 'sliced'] as const) : (['sliced', 'whole'] as const);
      for (const mode of order) {
        log(`  ${sizeMiB} MiB put, ${mode}: ${run === 0 ? '预热 / warm-up' : `第 ${run}/${runs} 轮 / run ${run}/${runs}`}`);
        let text: string | undefined = requestText(sizeMiB * MiB);
        await quiesce(100);
        const sample = await timedPut(stores[mode], text);
        text = undefined;
        if (run > 0) samples[mode].push(sample);
      }
    }
  } finally {
    await Promise.all([stores.sliced.close(), stores.whole.close()]);
    await rm(root, { recursive: true, force: true });
  }
  const summary = (list: Sample[]): Sample => ({
    putMs: median(list.map((s) => s.putMs)),
    p99Ms: median(list.map((s) => s.p99Ms)),
    maxMs: median(list.map((s) => s.maxMs)),
  });
  const sliced = summary(samples.sliced);
  const whole = summary(samples.whole);
  const timeRatio = sliced.putMs / whole.putMs;
  return {
    sizeMiB,
    runs,
    sliced,
    whole,
    timeRatio,
    p99Met: sliced.p99Ms <= BIG_PUT_TARGETS.p99Ms,
    timeMet: timeRatio <= BIG_PUT_TARGETS.timeRatio,
  };
}

export function formatBigPut(r: BigPutResult): string[] {
  const row = (name: string, s: Sample) => `| ${name} | ${s.putMs.toFixed(0)} ms | ${s.p99Ms.toFixed(1)} ms | ${s.maxMs.toFixed(1)} ms |`;
  return [
    `一次 ${r.sizeMiB} MiB 的 base64 写入（${r.runs} 轮中位数）/ one ${r.sizeMiB} MiB base64 put (median of ${r.runs} runs)`,
    '| store | put time | p99 event-loop delay | max event-loop delay |',
    '|---|---|---|---|',
    row('sliced (default)', r.sliced),
    row('unsliced (before)', r.whole),
    `p99 ${r.sliced.p99Ms.toFixed(1)} ms ${r.p99Met ? '≤' : 'MISSED >'} ${BIG_PUT_TARGETS.p99Ms} ms; ` +
      `time ${r.timeRatio.toFixed(2)}× ${r.timeMet ? '≤' : 'MISSED >'} ${BIG_PUT_TARGETS.timeRatio}× the unsliced put`,
  ];
}
