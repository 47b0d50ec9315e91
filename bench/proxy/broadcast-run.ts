// One broadcast run of the proxy bench: a fresh install and one NapCat process (the model
// host at time scale 1), the plugin on or off, the proxy in its own process or not, one bot
// (node-napcat-ts over WebSocket) in this process; the broadcast as in the main bench (5
// client retries 0.5 s apart), and what each process counted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProxySnapshot } from '../../src/proxy/stats';
import { broadcast } from '../harness/broadcast';
import { installPlugin } from '../harness/install';
import { connectBot, groupImageSender } from '../harness/onebot-client';
import { quantile } from '../harness/stats';
import type { ProcessSample } from '../record';
import { CLIENT_RETRIES, CLIENT_RETRY_DELAY_MS, spawnHost, type HostChild } from '../runner';
import { spawnProxy, type ProxyChild } from './proxy-process';
import type { BroadcastScenario, ProxyMode } from './scenarios';

/** A model server round trip that never ends: the kernel's upload hangs, NapCat's timer answers. */
const OUTAGE_LATENCY_MS = 1e9;

export interface BroadcastRun {
  scenario: string;
  mode: ProxyMode;
  repeat: number;
  sends: number;
  delivered: number;
  failed: number;
  firstTryFailures: number;
  /** First arrival to the last message delivered or given up, as the bot sees it. */
  wallMs: number;
  /** Time to the first answer of each send (ok or not): what an outage costs a bot. */
  answerP50Ms: number;
  answerMaxMs: number;
  napcat: ProcessSample;
  proxyCpuMs?: number;
  proxyPeakRssBytes?: number;
  proxy?: ProxySnapshot;
  errors: Record<string, number>;
}

export async function runBroadcast(scenario: BroadcastScenario, mode: ProxyMode, repeat: number, build: string, uriOf: (i: number) => string): Promise<BroadcastRun> {
  const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'bench-proxy-napcat-'));
  const qqDataRoot = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'bench-proxy-qq-'));
  let host: HostChild | undefined;
  let proxy: ProxyChild | undefined;
  try {
    installPlugin(root, mode === 'plugin', build);
    host = spawnHost({
      root,
      qqDataRoot,
      uin: '10001',
      seed: repeat + 1,
      host: { ...(scenario.outage && { latencyMs: OUTAGE_LATENCY_MS }), ...(scenario.parse && { frontParse: scenario.parse }) },
    });
    const ready = await host.next('ready');
    if ((ready.pluginStatus === 'loaded') !== (mode === 'plugin')) throw new Error(`插件状态不符 / plugin is "${ready.pluginStatus}" in a ${mode} run`);
    if (mode === 'proxy' || mode === 'proxy-shared') {
      proxy = await spawnProxy({ upstream: ready.wsUrl, rewrite: mode === 'proxy-shared' ? 'auto' : 'off', cacheDir: path.join(root, 'proxy-cache') });
    }
    const bot = await connectBot(proxy ? proxy.wsUrl : ready.wsUrl);
    try {
      const peers = Array.from({ length: scenario.sends }, (_, i) => 100000 + i);
      const send = groupImageSender(bot, (i) => uriOf(i % scenario.distinct));
      const answered: number[] = [];
      const started = performance.now();
      const timed: typeof send = async (peer, index) => {
        const outcome = await send(peer, index);
        if (answered.length < scenario.sends) answered.push(performance.now() - started);
        return outcome;
      };
      const proxyCpu0 = proxy?.cpuMs();
      host.tell({ type: 'start', profile: false, profiledSends: 0 });
      await host.next('started');
      const result = await broadcast(
        { peers, spreadMs: 0, concurrency: peers.length, maxRetries: scenario.outage ? 0 : CLIENT_RETRIES, retryDelayMs: CLIENT_RETRY_DELAY_MS },
        timed,
      );
      const proxyCpuMs = proxy && proxyCpu0 !== undefined ? proxy.cpuMs() - proxyCpu0 : undefined;
      host.tell({ type: 'stop' });
      const napcat = (await host.next('sample')).sample;
      const proxyPeakRssBytes = proxy?.peakRssBytes();
      const proxyStats = await proxy?.stop();
      proxy = undefined;
      return {
        scenario: scenario.id,
        mode,
        repeat,
        sends: scenario.sends,
        delivered: result.delivered,
        failed: result.failed,
        firstTryFailures: result.firstTryFailures,
        wallMs: result.wallMs,
        answerP50Ms: quantile(answered, 0.5),
        answerMaxMs: Math.max(...answered),
        napcat,
        proxyCpuMs,
        proxyPeakRssBytes,
        proxy: proxyStats,
        errors: Object.fromEntries(result.errors),
      };
    } finally {
      await bot.disconnect();
    }
  } finally {
    await proxy?.stop().catch(() => undefined);
    if (host) {
      const exited = host.exited;
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (host.child.exitCode === null && host.child.signalCode === null) host.child.kill('SIGKILL');
      await exited;
    }
    await fs.promises.rm(root, { recursive: true, force: true });
    await fs.promises.rm(qqDataRoot, { recursive: true, force: true });
  }
}
