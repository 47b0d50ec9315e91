// What `npm run bench` prints and writes: two overview tables (baseline →
// plugin per scenario), the targets with their verdicts, a JSON file with every
// run, and the SVG chart of the target ratios.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderRatioChart } from './harness/svg-chart';
import { renderTable } from './harness/table';
import { formatBytes, formatMs, formatRatio } from './harness/units';
import { ratio } from './harness/stats';
import type { Scenario } from './matrix';
import type { RunRecord } from './record';
import type { RunMetrics, ScenarioSummary } from './summary';
import type { TargetResult } from './targets';

type Format = (value: number) => string;
const count: Format = (n) => (Number.isFinite(n) ? String(Math.round(n * 10) / 10) : '—');

function pair(sum: ScenarioSummary, key: keyof RunMetrics, format: Format, withRatio = false): string {
  const b = sum.baseline[key];
  const p = sum.plugin[key];
  const text = `${format(b)} → ${format(p)}`;
  return withRatio ? `${text} (${formatRatio(ratio(p, b))})` : text;
}

export function renderOverview(scenarios: readonly Scenario[], summaries: ReadonlyMap<string, ScenarioSummary>): string {
  const rows = scenarios.filter((s) => summaries.has(s.id));
  const caption = '各场景中位数，基线 → 插件 / medians per scenario, baseline → plugin';
  const delivery = renderTable(
    ['场景 / scenario', '首次失败 / first-try fails', '最终失败 / final fails', '全部送达 / deliver all', 'p50', 'p95'],
    rows.map((s) => {
      const sum = summaries.get(s.id)!;
      return [s.id, pair(sum, 'firstTryFailures', count), pair(sum, 'failed', count), pair(sum, 'wallMs', formatMs, true), pair(sum, 'p50Ms', formatMs), pair(sum, 'p95Ms', formatMs)];
    }),
  );
  const resources = renderTable(
    ['场景 / scenario', '每进程写盘 / disk per proc', '临时文件 / temp files', 'NTQQ 复制 / copies', '传输上传 / transferring uploads', '峰值 RSS / peak RSS', '事件循环 p99 / ELD p99'],
    rows.map((s) => {
      const sum = summaries.get(s.id)!;
      return [
        s.id,
        pair(sum, 'diskBytesPerProcess', formatBytes, true),
        pair(sum, 'tempFiles', count),
        pair(sum, 'nativeCopies', count),
        pair(sum, 'uploadsTransferred', count),
        pair(sum, 'peakRssBytes', formatBytes),
        pair(sum, 'eventLoopP99Ms', formatMs),
      ];
    }),
  );
  const wire = renderTable(
    ['场景 / scenario', '发给 NapCat 的字节 / bytes to NapCat', 'NapCat CPU/条 / per send', '限速最长等待 / longest pacing wait'],
    rows.map((s) => {
      const sum = summaries.get(s.id)!;
      return [s.id, pair(sum, 'socketBytes', formatBytes), pair(sum, 'cpuPerSendMs', formatMs, true), pair(sum, 'pacingWaitMaxMs', formatMs)];
    }),
  );
  return `${caption}\n\n${delivery}\n\n${resources}\n\n${wire}${renderByPath(summaries)}`;
}

/** Issue 13 §4: the same 200 sends by path and by base64, when both ran. */
function renderByPath(summaries: ReadonlyMap<string, ScenarioSummary>): string {
  const byBase64 = summaries.get('b64-1mb-200');
  const byPath = summaries.get('path-1mb-200');
  if (!byBase64 || !byPath) return '';
  const row = (label: string, key: keyof RunMetrics, format: Format) =>
    (['baseline', 'plugin'] as const).map((mode) => {
      const b = byBase64[mode][key];
      const p = byPath[mode][key];
      return [`${label} (${mode})`, format(b), format(p), formatRatio(ratio(p, b))];
    });
  const table = renderTable(
    ['200 条 / 200 sends', 'base64', 'path (upload_file_stream + file://)', 'path ÷ base64'],
    [
      ...row('发给 NapCat 的字节 / bytes to NapCat', 'socketBytes', formatBytes),
      ...row('NapCat CPU/条 / per send', 'cpuPerSendMs', formatMs),
      ...row('峰值 RSS / peak RSS', 'peakRssBytes', formatBytes),
      ...row('全部送达 / deliver all', 'wallMs', formatMs),
    ],
  );
  return `\n\n按路径发送 vs base64（中位数）/ by path vs by base64 (medians)\n\n${table}`;
}

export function renderTargets(targets: readonly TargetResult[]): string {
  return renderTable(
    ['目标 / target', '场景 / scenario', '结果 / verdict', '实测（插件 vs 基线）/ measured (plugin vs baseline)'],
    targets.map((t) => [t.short, t.scenario, t.met ? '达标 / met' : '未达标 / MISSED', t.measured]),
    4,
  );
}

export interface BenchReport {
  generatedAt: string;
  machine: { cpus: number; model: string; node: string; platform: string };
  repeats: number;
  quick: boolean;
  scenarios: readonly Scenario[];
  summaries: Record<string, ScenarioSummary>;
  targets: readonly TargetResult[];
  runs: readonly RunRecord[];
}

export function machine(): BenchReport['machine'] {
  const cpus = os.cpus();
  return { cpus: cpus.length, model: cpus[0]?.model ?? 'unknown', node: process.version, platform: `${os.platform()} ${os.release()}` };
}

// Written beside and renamed, so an interrupted bench never leaves half a file.
function writeAtomic(file: string, text: string): void {
  fs.writeFileSync(`${file}.tmp`, text);
  fs.renameSync(`${file}.tmp`, file);
}

export function writeResults(outDir: string, report: BenchReport): { json: string; svg: string } {
  fs.mkdirSync(outDir, { recursive: true });
  const base = report.quick ? 'quick' : 'results';
  const json = path.join(outDir, `${base}.json`);
  const svg = path.join(outDir, `${base}.svg`);
  writeAtomic(json, JSON.stringify(report, null, 2) + '\n');
  const met = report.targets.filter((t) => t.met).length;
  writeAtomic(
    svg,
    renderRatioChart({
      title: '插件 / 基线（同一次运行的中位数）/ plugin ÷ baseline, medians of one run',
      subtitle: `${report.repeats} 次重复 / repeats · ${met}/${report.targets.length} 达标 / met · ${report.machine.cpus} × ${report.machine.model} · Node ${report.machine.node} · ${report.generatedAt.slice(0, 10)}`,
      rows: report.targets.map((t) => ({ label: `${t.short} · ${t.scenario}`, ratio: t.ratio, target: t.limit, met: t.met })),
    }),
  );
  return { json, svg };
}
