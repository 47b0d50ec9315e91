// `npm run bench`: every scenario of the matrix, baseline (plugin installed but
// switched off) and plugin, interleaved, each repeat in fresh child processes;
// medians, ratios and target verdicts printed and written under bench/results/.
// `npm run bench -- store …` runs the store micro-bench instead.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makePng } from '../test/host/index';
import { shippedMemoryBudget, snapshotBuild } from './harness/install';
import { startImageServer } from './harness/image-server';
import { ProgressBar } from './harness/progress';
import { formatBytes } from './harness/units';
import { selectScenarios, type Scenario } from './matrix';
import { BENCH_USAGE, parseBenchArgs, type BenchCommand, type BenchOptions } from './options';
import type { Mode, RunRecord } from './record';
import { machine, renderOverview, renderTargets, writeResults } from './report';
import { runOnce } from './runner';
import { summarise } from './summary';
import { evaluateTargets } from './targets';

// The image(s) a scenario sends, as the URIs its bot puts in the segment; for the path scheme
// the images themselves, which the bot uploads first (the URIs are then their paths).
async function imagesFor(scenario: Scenario, urlOf: (seed: number, size: number) => string): Promise<{ uriOf: (i: number) => string; upload?: Buffer[] }> {
  if (scenario.scheme === 'path') {
    const upload = Array.from({ length: scenario.distinct }, (_, i) => makePng({ bytes: scenario.sizeBytes, seed: i + 1 }));
    const unset = () => {
      throw new Error('path 方案先上传 / the path scheme uploads first');
    };
    return { uriOf: unset, upload };
  }
  const uris = Array.from({ length: scenario.distinct }, (_, i) => {
    if (scenario.scheme === 'http') return urlOf(i + 1, scenario.sizeBytes);
    const b64 = makePng({ bytes: scenario.sizeBytes, seed: i + 1 }).toString('base64');
    return scenario.scheme === 'data' ? `data:image/png;base64,${b64}` : `base64://${b64}`;
  });
  return { uriOf: (i) => uris[i] };
}

async function runMatrix(options: BenchOptions): Promise<void> {
  const build = snapshotBuild();
  const budget = shippedMemoryBudget(build);
  const scenarios = selectScenarios(options.quick, options.only);
  const httpSizes = [...new Set(scenarios.filter((s) => s.scheme === 'http').map((s) => s.sizeBytes))];
  const httpImages = httpSizes.flatMap((size) => Array.from({ length: 10 }, (_, i) => makePng({ bytes: size, seed: i + 1 })));
  const images = await startImageServer(httpImages);
  const urlOf = (seed: number, size: number) => images.urlOf(httpSizes.indexOf(size) * 10 + seed - 1);

  const modes: Mode[] = ['baseline', 'plugin'];
  const total = scenarios.length * options.repeats * modes.length;
  console.log(`基准测试 / bench: ${scenarios.length} 个场景 / scenarios × ${options.repeats} 次 / repeats × ${modes.length} 种模式 / modes = ${total} 次运行 / runs`);
  const progress = new ProgressBar('运行 / runs', total);
  const runs: RunRecord[] = [];
  try {
    for (const scenario of scenarios) {
      const { uriOf, upload } = await imagesFor(scenario, urlOf);
      for (let repeat = 0; repeat < options.repeats; repeat++) {
        // Alternate which mode goes first so drift in the machine hits both.
        const order = repeat % 2 ? [...modes].reverse() : modes;
        for (const mode of order) {
          progress.tick(0, `${scenario.id} ${mode} #${repeat + 1}`);
          runs.push(await runOnce({ scenario, mode, repeat, build, uriOf, upload }));
          progress.tick();
        }
      }
    }
    progress.finish();
  } finally {
    await images.close();
    fs.rmSync(build, { recursive: true, force: true });
  }

  const summaries = summarise(runs);
  const targets = evaluateTargets(scenarios, summaries, budget);
  console.log(`\n${renderOverview(scenarios, summaries)}\n`);
  console.log(`目标（memoryBudgetBytes = ${formatBytes(budget)}）/ targets:\n${renderTargets(targets)}\n`);
  const files = writeResults(options.outDir, {
    generatedAt: new Date().toISOString(),
    machine: machine(),
    repeats: options.repeats,
    quick: options.quick,
    scenarios,
    summaries: Object.fromEntries(summaries),
    targets,
    runs,
  });
  const missed = targets.filter((t) => !t.met);
  console.log(`${targets.length - missed.length}/${targets.length} 达标 / met${missed.length ? `；未达标 / MISSED: ${missed.map((t) => `${t.short} @ ${t.scenario}`).join(', ')}` : ''}`);
  console.log(`结果 / results: ${files.json}, ${files.svg}`);
}

// The store and proxy benches parse their own flags: run their script with them untouched.
function runScript(file: string, args: readonly string[]): Promise<number> {
  const script = fileURLToPath(new URL(file, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

async function main(): Promise<void> {
  let command: BenchCommand;
  try {
    command = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    // A bad flag is the user's typo, not a crash: the message, no stack.
    console.error((err as Error).message);
    process.exitCode = 2;
    return;
  }
  if (command.kind !== 'matrix') {
    process.exitCode = await runScript(command.kind === 'store' ? './store.ts' : './proxy/run.ts', command.args);
    return;
  }
  if (command.options.help) {
    console.log(BENCH_USAGE);
    return;
  }
  await runMatrix(command.options);
}

main().catch((err: unknown) => {
  console.error(`基准测试失败 / bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.exitCode = 1;
});
