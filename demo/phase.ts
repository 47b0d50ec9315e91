// One demo phase: a broadcast of one image to N groups through the bot, with
// what the model NapCat counted meanwhile and the process's peak RSS.
import v8 from 'node:v8';
import vm from 'node:vm';
import { broadcast, type BroadcastResult } from '../bench/harness/broadcast';
import type { SendOne } from '../bench/harness/broadcast';
import { ProgressBar } from '../bench/harness/progress';
import { quantile } from '../bench/harness/stats';
import type { Counters } from '../test/host/index';
import type { DemoOptions } from './options';

export interface PhaseResult extends BroadcastResult {
  label: string;
  p50Ms: number;
  p95Ms: number;
  tempFilesWritten: number;
  nativeCopies: number;
  bytesTransferred: number;
  uploadsTransferred: number;
  peakRssBytes: number;
}

export interface PhaseInput {
  label: string;
  options: DemoOptions;
  spreadMs: number;
  counters: Counters;
  send: SendOne;
}

// The demo runs every phase in one process, so the garbage of the previous
// phase is collected first and RSS is sampled during the phase (the bench runs
// a process per run instead). `npm start` cannot pass --expose-gc to tsx.
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

function sampleRss(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

export async function runPhase({ label, options, spreadMs, counters, send }: PhaseInput): Promise<PhaseResult> {
  const before = { ...counters };
  collectGarbage();
  const progress = new ProgressBar(label, options.peers);
  const rss = sampleRss();
  const peers = Array.from({ length: options.peers }, (_, i) => 100000 + i);
  const result = await broadcast(
    { peers, spreadMs, concurrency: options.concurrency, maxRetries: options.retries, retryDelayMs: 500, onSettled: () => progress.tick() },
    send,
  );
  const peakRssBytes = rss.stop();
  progress.finish();
  return {
    ...result,
    label,
    p50Ms: quantile(result.latenciesMs, 0.5),
    p95Ms: quantile(result.latenciesMs, 0.95),
    tempFilesWritten: counters.tempFilesWritten - before.tempFilesWritten,
    // NapCat's copies are native, the plugin's Node's own: both land on the NTQQ path.
    nativeCopies: counters.nativeCopies + counters.nodeMediaPlacements - before.nativeCopies - before.nodeMediaPlacements,
    bytesTransferred: counters.bytesTransferred - before.bytesTransferred,
    uploadsTransferred: counters.uploadsTransferred - before.uploadsTransferred,
    peakRssBytes,
  };
}
