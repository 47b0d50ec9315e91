// The targets of issue 12's "Measured" list, judged on medians over repeats of the same run,
// printed met or MISSED with the measured value; and the numbers it asks to report.
import { median, ratio } from '../harness/stats';
import { formatBytes, formatMs, formatRatio } from '../harness/units';
import type { BroadcastRun } from './broadcast-run';
import type { PassThroughRun } from './pass-through';
import type { ProxyMode } from './scenarios';

export interface ProxyTarget {
  scenario: string;
  target: string;
  measured: string;
  met: boolean;
}

type Medians = Partial<Record<ProxyMode, (pick: (r: BroadcastRun) => number) => number>>;

function mediansOf(runs: readonly BroadcastRun[], scenario: string): Medians {
  const byMode: Medians = {};
  for (const mode of ['baseline', 'plugin', 'proxy', 'proxy-shared'] as const) {
    const mine = runs.filter((r) => r.scenario === scenario && r.mode === mode);
    if (mine.length) byMode[mode] = (pick) => median(mine.map(pick));
  }
  return byMode;
}

const wall = (r: BroadcastRun) => r.wallMs;
const cpuPerSend = (r: BroadcastRun) => r.napcat.cpuMs / r.sends;

/** One content to many chats (`proxy-b64-1mb-200`, and the same on NapCat's json5 parser). */
function oneContentTargets(broadcasts: readonly BroadcastRun[], scenario: string): ProxyTarget[] {
  const out: ProxyTarget[] = [];
  const { baseline: b, proxy: p, plugin: g, 'proxy-shared': s } = mediansOf(broadcasts, scenario);
  if (!b || !p) return out;
  out.push({
    scenario,
    target: '首次失败为 0 / 0 first-try failures',
    measured: `代理 / proxy ${p((r) => r.firstTryFailures)}${s ? `，共享 / shared ${s((r) => r.firstTryFailures)}` : ''} vs 基线 / baseline ${b((r) => r.firstTryFailures)}`,
    met: p((r) => r.firstTryFailures) === 0 && (!s || s((r) => r.firstTryFailures) === 0),
  });
  out.push({
    scenario,
    target: '只有 1 次传输字节的上传 / 1 transferring upload',
    measured: `代理 / proxy ${p((r) => r.napcat.uploadsTransferred)}${s ? `，共享 / shared ${s((r) => r.napcat.uploadsTransferred)}` : ''} vs 基线 / baseline ${b((r) => r.napcat.uploadsTransferred)}`,
    met: p((r) => r.napcat.uploadsTransferred) === 1 && (!s || s((r) => r.napcat.uploadsTransferred) === 1),
  });
  const r = ratio(p(wall), b(wall));
  out.push({
    scenario,
    target: '全部送达 ≤ 1.5× 基线 / deliver-all ≤ 1.5× the baseline',
    measured: `${formatMs(p(wall))} vs ${formatMs(b(wall))} (${formatRatio(r)})${g ? `；插件 / plugin ${formatMs(g(wall))}，代理/插件 / proxy÷plugin ${formatRatio(ratio(p(wall), g(wall)))}` : ''}${s ? `；共享 / shared ${formatMs(s(wall))} (${formatRatio(ratio(s(wall), b(wall)))})` : ''}`,
    met: r <= 1.5,
  });
  if (s) {
    out.push({
      scenario,
      target: '共享缓存：NapCat 不写临时文件 / shared store: NapCat writes no temp file',
      measured: `临时文件 / temp files ${s((x) => x.napcat.tempFilesWritten)} vs ${b((x) => x.napcat.tempFilesWritten)}；NapCat CPU/条 / per send ${formatMs(s(cpuPerSend))} vs ${formatMs(b(cpuPerSend))} (${formatRatio(ratio(s(cpuPerSend), b(cpuPerSend)))})；峰值 RSS / peak RSS ${formatBytes(s((x) => x.napcat.peakRssBytes))} vs ${formatBytes(b((x) => x.napcat.peakRssBytes))}`,
      met: s((x) => x.napcat.tempFilesWritten) === 0,
    });
  }
  return out;
}

/** Distinct contents interleaved (`proxy-distinct3-60`, and the same on NapCat's json5 parser). */
function distinctTargets(broadcasts: readonly BroadcastRun[], scenario: string): ProxyTarget[] {
  const out: ProxyTarget[] = [];
  const d = mediansOf(broadcasts, scenario);
  for (const mode of ['proxy', 'proxy-shared'] as const) {
    const p = d[mode];
    if (!d.plugin || !p) continue;
    const r = ratio(p(wall), d.plugin(wall));
    out.push({
      scenario,
      target: `不同内容并行：全部送达 ≤ 1.3× 插件（${mode}）/ contents in parallel: deliver-all ≤ 1.3× the plugin (${mode})`,
      measured: `${formatMs(p(wall))} vs ${formatMs(d.plugin(wall))} (${formatRatio(r)})${d.baseline ? `；基线 / baseline ${formatMs(d.baseline(wall))}` : ''}；首次失败 / first-try failures ${p((x) => x.firstTryFailures)}`,
      met: r <= 1.3 && p((x) => x.firstTryFailures) === 0,
    });
  }
  return out;
}

export function evaluateProxyTargets(broadcasts: readonly BroadcastRun[], passes: readonly PassThroughRun[]): ProxyTarget[] {
  const out: ProxyTarget[] = [];
  for (const id of ['proxy-b64-1mb-200', 'proxy-json5-1mb-30']) out.push(...oneContentTargets(broadcasts, id));
  for (const id of ['proxy-distinct3-60', 'proxy-json5-distinct3-30']) out.push(...distinctTargets(broadcasts, id));
  const outage = mediansOf(broadcasts, 'proxy-outage');
  if (outage.baseline && outage.proxy) {
    const last = (x: BroadcastRun) => x.answerMaxMs;
    const r = ratio(outage.proxy(last), outage.baseline(last));
    out.push({
      scenario: 'proxy-outage',
      target: '故障时最后一个回复 ≤ 2.2× NapCat 自身 / outage: last answer ≤ 2.2× NapCat alone',
      measured: `${formatMs(outage.proxy(last))} vs ${formatMs(outage.baseline(last))} (${formatRatio(r)})；p50 ${formatMs(outage.proxy((x) => x.answerP50Ms))} vs ${formatMs(outage.baseline((x) => x.answerP50Ms))}`,
      met: r <= 2.2,
    });
  }
  if (passes.length) {
    const m = (pick: (r: PassThroughRun) => number) => median(passes.map(pick));
    const callP50 = m((r) => r.calls.proxied.p50 - r.calls.direct.p50);
    const callP99 = m((r) => r.calls.proxied.p99 - r.calls.direct.p99);
    const eventP50 = m((r) => r.events.proxied.p50 - r.events.direct.p50);
    const eventP99 = m((r) => r.events.proxied.p99 - r.events.direct.p99);
    out.push({
      scenario: 'proxy-passthrough',
      target: 'get_status 附加延迟 p50 ≤ 1 ms、p99 ≤ 5 ms / get_status added p50 ≤ 1 ms, p99 ≤ 5 ms',
      measured: `+${callP50.toFixed(3)} ms / +${callP99.toFixed(3)} ms（直连 / direct p50 ${m((r) => r.calls.direct.p50).toFixed(3)} ms, p99 ${m((r) => r.calls.direct.p99).toFixed(3)} ms）`,
      met: callP50 <= 1 && callP99 <= 5,
    });
    out.push({
      scenario: 'proxy-passthrough',
      target: '事件附加延迟 p50 ≤ 1 ms、p99 ≤ 5 ms / events added p50 ≤ 1 ms, p99 ≤ 5 ms',
      measured: `+${eventP50.toFixed(3)} ms / +${eventP99.toFixed(3)} ms（直连 / direct p50 ${m((r) => r.events.direct.p50).toFixed(3)} ms, p99 ${m((r) => r.events.direct.p99).toFixed(3)} ms；收到 / received ${m((r) => r.events.received.proxied)}）`,
      met: eventP50 <= 1 && eventP99 <= 5 && passes.every((r) => r.events.received.proxied === r.events.received.direct),
    });
  }
  return out;
}
