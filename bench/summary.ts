// From runs to per-scenario medians: each metric is reduced per run first
// (sums over a scenario's NapCat processes, or the worst process for memory
// and event-loop delay), then the median over repeats is taken per mode.
import { median } from './harness/stats';
import type { Mode, RunRecord } from './record';

export interface RunMetrics {
  firstTryFailures: number;
  failed: number;
  attempts: number;
  wallMs: number;
  p50Ms: number;
  p95Ms: number;
  diskBytesPerProcess: number;
  tempFiles: number;
  nativeCopies: number;
  uploadsTransferred: number;
  bytesTransferred: number;
  kernelSendFailures: number;
  peakRssBytes: number;
  eventLoopP99Ms: number;
  cpuMs: number;
  cpuPerSendMs: number; // the NapCat processes' whole CPU during the run, per send
  socketBytes: number; // bytes the bots wrote to NapCat's WebSocket
  pipelineCpuPerSendMs: number; // NaN outside the sequential scenario
  firstWindowCpuPerSendMs: number; // the same over the sequential run's first sends alone; NaN without that window
  pacingWaitMaxMs: number; // the longest a send waited in the plugin's pacer; NaN without pacing
}

export type ScenarioSummary = Record<Mode, RunMetrics & { repeats: number }>;

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

export function metricsOf(run: RunRecord): RunMetrics {
  const p = run.processes;
  const profiled = sum(p.map((s) => s.profiledSends ?? 0));
  const firstSends = sum(p.map((s) => s.firstWindow?.sends ?? 0));
  const paced = p.flatMap((s) => (s.pacing && s.pacing.sends > 0 && s.pacing.waitedMaxMs !== null ? [s.pacing.waitedMaxMs] : []));
  return {
    firstTryFailures: run.firstTryFailures,
    failed: run.failed,
    attempts: run.attempts,
    wallMs: run.wallMs,
    p50Ms: run.p50Ms,
    p95Ms: run.p95Ms,
    diskBytesPerProcess: sum(p.map((s) => s.diskBytesWritten)) / Math.max(1, p.length),
    tempFiles: sum(p.map((s) => s.tempFilesWritten)),
    nativeCopies: sum(p.map((s) => s.nativeCopies)),
    uploadsTransferred: sum(p.map((s) => s.uploadsTransferred)),
    bytesTransferred: sum(p.map((s) => s.bytesTransferred)),
    kernelSendFailures: sum(p.map((s) => s.kernelSendFailures)),
    peakRssBytes: Math.max(...p.map((s) => s.peakRssBytes)),
    eventLoopP99Ms: Math.max(...p.map((s) => s.eventLoopP99Ms)),
    cpuMs: sum(p.map((s) => s.cpuMs)),
    cpuPerSendMs: sum(p.map((s) => s.cpuMs)) / Math.max(1, run.sends),
    socketBytes: run.socketBytes,
    pipelineCpuPerSendMs: profiled ? sum(p.map((s) => s.pipelineCpuMs ?? 0)) / profiled : Number.NaN,
    firstWindowCpuPerSendMs: firstSends ? sum(p.map((s) => s.firstWindow?.pipelineCpuMs ?? 0)) / firstSends : Number.NaN,
    pacingWaitMaxMs: paced.length ? Math.max(...paced) : Number.NaN,
  };
}

function medians(runs: RunRecord[]): RunMetrics & { repeats: number } {
  const all = runs.map(metricsOf);
  const keys = Object.keys(all[0] ?? {}) as (keyof RunMetrics)[];
  const out = { repeats: runs.length } as RunMetrics & { repeats: number };
  for (const key of keys) out[key] = median(all.map((m) => m[key]));
  return out;
}

export function summarise(runs: readonly RunRecord[]): Map<string, ScenarioSummary> {
  const out = new Map<string, ScenarioSummary>();
  for (const id of new Set(runs.map((r) => r.scenario))) {
    const of = (mode: Mode) => runs.filter((r) => r.scenario === id && r.mode === mode);
    out.set(id, { baseline: medians(of('baseline')), plugin: medians(of('plugin')) });
  }
  return out;
}
