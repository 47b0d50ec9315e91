// `npm run bench -- proxy [--only a,b] [--repeats N]`: issue 12's measurements of the
// sidecar proxy, every mode of a scenario in the same run with the same seeds, modes
// alternating order per repeat; medians, targets, and bench/results/proxy.json.
import fs from 'node:fs';
import path from 'node:path';
import { makePng } from '../../test/host/index';
import { snapshotBuild } from '../harness/install';
import { ProgressBar } from '../harness/progress';
import { median } from '../harness/stats';
import { renderTable } from '../harness/table';
import { formatBytes, formatMs } from '../harness/units';
import { machine } from '../report';
import { runBroadcast, type BroadcastRun } from './broadcast-run';
import { runPassThrough, type PassThroughRun } from './pass-through';
import { selectProxyScenarios, type BroadcastScenario } from './scenarios';
import { evaluateProxyTargets } from './targets';

export const PROXY_BENCH_USAGE = `用法 / usage: npm run bench -- proxy [--only ID,ID] [--repeats N] [--out DIR]

  场景 / scenarios: proxy-b64-1mb-200, proxy-distinct3-60, proxy-json5-1mb-30, proxy-json5-distinct3-30,
                    proxy-outage, proxy-passthrough
  --repeats N   每个场景每种模式的重复次数 / repeats per scenario and mode (默认 / default 3)
`;

interface Options {
  only: string[];
  repeats: number;
  outDir: string;
}

function parse(argv: readonly string[]): Options {
  const options: Options = { only: [], repeats: 3, outDir: 'bench/results' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i] ?? '';
    if (flag === '--only') options.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (flag === '--repeats') {
      options.repeats = Number(value());
      if (!Number.isInteger(options.repeats) || options.repeats < 1) throw new Error(`--repeats 需要正整数 / --repeats needs a positive integer\n\n${PROXY_BENCH_USAGE}`);
    } else if (flag === '--out') options.outDir = value();
    else throw new Error(`未知选项 ${argv[i]} / unknown option ${argv[i]}\n\n${PROXY_BENCH_USAGE}`);
  }
  return options;
}

function overview(scenario: BroadcastScenario, runs: readonly BroadcastRun[]): string {
  const rows = scenario.modes.map((mode) => {
    const mine = runs.filter((r) => r.scenario === scenario.id && r.mode === mode);
    const m = (pick: (r: BroadcastRun) => number) => median(mine.map(pick));
    return [
      mode,
      String(m((r) => r.firstTryFailures)),
      String(m((r) => r.failed)),
      formatMs(m((r) => r.wallMs)),
      formatMs(m((r) => r.answerMaxMs)),
      String(m((r) => r.napcat.uploadsTransferred)),
      String(m((r) => r.napcat.tempFilesWritten)),
      formatMs(m((r) => r.napcat.cpuMs / r.sends)),
      formatBytes(m((r) => r.napcat.peakRssBytes)),
      mine[0]?.proxyCpuMs === undefined ? '—' : formatMs(m((r) => (r.proxyCpuMs ?? 0) / r.sends)),
      mine[0]?.proxyPeakRssBytes === undefined ? '—' : formatBytes(m((r) => r.proxyPeakRssBytes ?? 0)),
      mine[0]?.proxy ? String(m((r) => r.proxy?.proxy.lanes.queued ?? 0)) : '—',
    ];
  });
  return `${scenario.title} (${scenario.id})\n${renderTable(
    ['模式 / mode', '首次失败 / 1st-try fail', '最终失败 / failed', '全部送达 / deliver all', '最后回复 / last answer', '传输 / transfers', '临时文件 / temp', 'NapCat CPU/条', 'NapCat 峰值 RSS', '代理 CPU/条 / proxy', '代理峰值 RSS / proxy RSS', '排队 / queued'],
    rows,
  )}`;
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const scenarios = selectProxyScenarios(options.only);
  const build = snapshotBuild();
  const broadcasts: BroadcastRun[] = [];
  const passes: PassThroughRun[] = [];
  const total = scenarios.reduce((n, s) => n + options.repeats * (s.kind === 'broadcast' ? s.modes.length : 1), 0);
  const progress = new ProgressBar('运行 / runs', total);
  try {
    for (const scenario of scenarios) {
      if (scenario.kind === 'pass-through') {
        for (let repeat = 0; repeat < options.repeats; repeat++) {
          progress.tick(0, `${scenario.id} #${repeat + 1}`);
          passes.push(await runPassThrough(scenario, repeat));
          progress.tick();
        }
        continue;
      }
      const uris = Array.from({ length: scenario.distinct }, (_, i) => `base64://${makePng({ bytes: scenario.sizeBytes, seed: i + 1 }).toString('base64')}`);
      for (let repeat = 0; repeat < options.repeats; repeat++) {
        const order = repeat % 2 ? [...scenario.modes].reverse() : scenario.modes;
        for (const mode of order) {
          progress.tick(0, `${scenario.id} ${mode} #${repeat + 1}`);
          broadcasts.push(await runBroadcast(scenario, mode, repeat, build, (i) => uris[i]));
          progress.tick();
        }
      }
    }
    progress.finish();
  } finally {
    fs.rmSync(build, { recursive: true, force: true });
  }
  for (const scenario of scenarios) if (scenario.kind === 'broadcast') console.log(`\n${overview(scenario, broadcasts)}`);
  const targets = evaluateProxyTargets(broadcasts, passes);
  console.log(`\n${renderTable(['场景 / scenario', '目标 / target', '结果 / measured', ''], targets.map((t) => [t.scenario, t.target, t.measured, t.met ? 'met' : 'MISSED']), 3)}`);
  fs.mkdirSync(options.outDir, { recursive: true });
  const file = path.join(options.outDir, 'proxy.json');
  fs.writeFileSync(file, `${JSON.stringify({ generatedAt: new Date().toISOString(), machine: machine(), repeats: options.repeats, targets, broadcasts, passes }, null, 2)}\n`);
  const missed = targets.filter((t) => !t.met);
  console.log(`\n${targets.length - missed.length}/${targets.length} 达标 / met${missed.length ? `；未达标 / MISSED: ${missed.map((t) => t.scenario).join(', ')}` : ''}\n结果 / results: ${file}`);
}

main().catch((err: unknown) => {
  console.error(`代理基准测试失败 / proxy bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.exitCode = 1;
});
