import { expect } from 'chai';
import { broadcast, type SendOutcome } from '../../bench/harness/broadcast';
import { codeOwner } from '../../bench/harness/code-owner';
import { attribute } from '../../bench/harness/cpu-profile';
import { ProgressBar } from '../../bench/harness/progress';
import { median, quantile, ratio } from '../../bench/harness/stats';
import { renderRatioChart } from '../../bench/harness/svg-chart';
import { displayWidth, renderTable } from '../../bench/harness/table';
import { SCENARIOS } from '../../bench/matrix';
import type { ProcessSample, RunRecord } from '../../bench/record';
import { summarise } from '../../bench/summary';
import { evaluateTargets } from '../../bench/targets';

describe('bench harness', () => {
  it('takes nearest-rank quantiles and even-length medians', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(quantile(values, 0.5)).to.equal(50);
    expect(quantile(values, 0.99)).to.equal(99);
    expect(median([4, 1, 3, 2])).to.equal(2.5);
    expect(ratio(0, 0)).to.equal(1);
    expect(ratio(1, 0)).to.equal(Number.POSITIVE_INFINITY);
  });

  it('CPU samples under the harness’s own code count for the harness, even beneath a plugin’s process.emit wrapper', () => {
    const plugin = 'file:///tmp/bench-napcat-x/plugins/napcat-plugin-media-cache/index.mjs';
    const harness = new URL('../../bench/host-process.ts', import.meta.url).href;
    const napcat = new URL('../../test/host/napcat/ob-msg-api.ts', import.meta.url).href;
    const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url }, children });
    const profile = {
      nodes: [
        frame(1, '(root)', '', [2, 5]),
        frame(2, 'processEmit', plugin, [3]), // signal-exit's wrapper, bundled in the plugin
        frame(3, '', harness, [4]), // the bench's IPC 'stop' handler
        frame(4, 'post', 'node:inspector'),
        frame(5, 'resolve', plugin, [6]),
        frame(6, 'createSendElements', napcat),
      ],
      samples: [4, 4, 3, 2, 5, 6],
      timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000],
    };
    expect(attribute(profile, codeOwner)).to.deep.equal({ bench: 3, plugin: 2, napcat: 1 });
  });

  it('judges CPU per repeated send over the whole series and prints its first sends beside it', () => {
    const scenario = SCENARIOS.find((s) => s.id === 'cpu-1mb-seq')!;
    expect(scenario.peers - 1).to.be.at.least(100);
    const first = scenario.firstWindow!;
    const sends = scenario.peers - 1;
    // Pipeline ms over the first window and over the whole series (first window included).
    const run = (mode: 'baseline' | 'plugin', firstMs: number, allMs: number): RunRecord => {
      const sample = {
        uin: '1',
        tempFilesWritten: 0, nativeCopies: 0, bytesCopied: 0, bytesTransferred: 0, uploadsStarted: 0,
        uploadsTransferred: 0, kernelSendFailures: 0, downloads: 0, diskBytesWritten: 0, cpuMs: 0,
        peakRssBytes: 1, eventLoopP99Ms: 0,
        pipelineCpuMs: allMs, profiledSends: sends,
        firstWindow: { sends: first, pipelineCpuMs: firstMs, cpuByOwnerMs: {} },
      } satisfies ProcessSample;
      return {
        scenario: scenario.id, mode, repeat: 0, runMs: 0, sends, delivered: sends, failed: 0, firstTryFailures: 0,
        attempts: sends, wallMs: 1, socketBytes: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, errors: {}, processes: [sample],
      };
    };
    // 2.5 ms per send over the first window (0.1×), 2.0 ms over the series (0.08×).
    const summaries = summarise([run('baseline', 25 * first, 25 * sends), run('plugin', 2.5 * first, 2 * sends)]);
    expect(summaries.get(scenario.id)!.plugin.firstWindowCpuPerSendMs).to.equal(2.5);
    const cpu = evaluateTargets([scenario], summaries, 0).find((t) => t.short.startsWith('CPU'))!;
    expect(cpu.ratio).to.be.closeTo(0.08, 1e-9);
    expect(cpu.met).to.equal(true);
    expect(cpu.measured).to.include(`first ${first}: 2.5 ms vs 25.0 ms (0.10×)`);
  });

  it('aligns tables whose labels mix Chinese and English', () => {
    expect(displayWidth('送达 ok')).to.equal(7);
    const lines = renderTable(['指标 / metric', 'a'], [['送达 / delivered', '50'], ['p95', '1.2 ms']]).split('\n');
    expect(new Set(lines.map(displayWidth)).size).to.equal(1);
  });

  it('retries a failed send until it succeeds or the retries run out, and counts each attempt', async () => {
    const failuresLeft = new Map([[1, 2], [2, 9]]);
    const settled: [number, boolean][] = [];
    const result = await broadcast(
      { peers: [0, 1, 2], spreadMs: 0, concurrency: 2, maxRetries: 5, retryDelayMs: 1, onSettled: (p, ok) => settled.push([p, ok]) },
      async (peer): Promise<SendOutcome> => {
        const left = failuresLeft.get(peer) ?? 0;
        if (left === 0) return { ok: true };
        failuresLeft.set(peer, left - 1);
        return { ok: false, message: 'EventChecker Failed: {"result": -1, "errMsg": "rich media transfer failed"}' };
      },
    );
    expect(result.delivered).to.equal(2);
    expect(result.failed).to.equal(1);
    expect(result.firstTryFailures).to.equal(2);
    expect(result.attempts).to.equal(1 + 3 + 6);
    expect(result.errors.get('rich media transfer failed')).to.equal(2 + 6);
    expect(settled.sort()).to.deep.equal([[0, true], [1, true], [2, false]]);
  });

  it('never has more sends in flight than the client cap', async () => {
    let active = 0;
    let peak = 0;
    await broadcast({ peers: Array.from({ length: 20 }, (_, i) => i), spreadMs: 0, concurrency: 3, maxRetries: 0, retryDelayMs: 0 }, async () => {
      peak = Math.max(peak, ++active);
      await new Promise((r) => setTimeout(r, 2));
      active--;
      return { ok: true };
    });
    expect(peak).to.equal(3);
  });


  it('draws one bar per row with its verdict and escapes labels', () => {
    const svg = renderRatioChart({ title: 'T <1>', subtitle: 's', rows: [{ label: '磁盘 / disk', ratio: 0.02, target: 0.05, met: true }, { label: 'cpu', ratio: 2, target: 0.1, met: false }] });
    expect(svg).to.match(/^<svg/);
    expect(svg).to.include('T &lt;1&gt;');
    expect(svg).to.include('0.020× ✓');
    expect(svg).to.include('2.00× ✗');
  });

  it('prints a plain line per tenth when stderr is not a TTY, with the current note', () => {
    const lines: string[] = [];
    const bar = new ProgressBar('基线 / baseline', 100, { isTTY: false, write: (s) => (lines.push(s), true) });
    for (let i = 0; i < 100; i++) bar.tick(1, `run ${i}`);
    bar.finish();
    expect(lines.every((l) => l.endsWith('\n') && !l.includes('\r'))).to.equal(true);
    expect(lines.at(-1)).to.match(/100\/100 \(100%\) [\d.]+s run 99\n$/);
    expect(lines.length).to.equal(11);
  });

  it('redraws one line in place on a TTY', () => {
    const writes: string[] = [];
    const bar = new ProgressBar('插件 / plugin', 3, { isTTY: true, columns: 100, write: (s) => (writes.push(s), true) });
    bar.tick();
    bar.finish();
    expect(writes[0]).to.match(/^\r\x1b\[K插件 \/ plugin .*1\/3/);
    expect(writes.join('')).to.match(/3\/3 [\d.]+s\n$/);
  });
});
