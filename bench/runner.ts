// One bench run: a fresh install (temp root), N NapCat child processes on it,
// one bot per process in this process, one broadcast each, one sample each.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { broadcast, type BroadcastResult } from './harness/broadcast';
import { installPlugin } from './harness/install';
import { connectBot, countSentBytes, groupImageSender, uploadFileStream } from './harness/onebot-client';
import { quantile } from './harness/stats';
import type { ChildMessage, HostProcessSpec, ParentMessage } from './host-process';
import type { Scenario } from './matrix';
import type { Mode, ProcessSample, RunRecord } from './record';

const HOST_PROCESS = fileURLToPath(new URL('./host-process.ts', import.meta.url));
const RUN_TIMEOUT_MS = 5 * 60 * 1000;
export const CLIENT_RETRIES = 5;
// Koishi's broadcast pause (peers.md §2.6); users' retry loops wait about as long.
export const CLIENT_RETRY_DELAY_MS = 500;

export class HostChild {
  private readonly inbox: ChildMessage[] = [];
  private readonly waiters: ((m: ChildMessage) => void)[] = [];
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    child.on('message', (m: ChildMessage) => {
      const waiter = this.waiters.shift();
      if (waiter) waiter(m);
      else this.inbox.push(m);
    });
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  async next<T extends ChildMessage['type']>(type: T): Promise<Extract<ChildMessage, { type: T }>> {
    const message =
      this.inbox.shift() ??
      (await Promise.race([
        new Promise<ChildMessage>((resolve) => this.waiters.push(resolve)),
        this.exited.then((code): ChildMessage => ({ type: 'error', message: `NapCat 子进程提前退出 / host process exited early (code ${code})` })),
      ]));
    if (message.type === 'error') throw new Error(message.message);
    if (message.type !== type) throw new Error(`子进程消息顺序错误 / expected ${type}, got ${message.type}`);
    return message as Extract<ChildMessage, { type: T }>;
  }

  tell(message: ParentMessage): void {
    this.child.send(message);
  }
}

export function spawnHost(spec: HostProcessSpec): HostChild {
  // BENCH_HOST_NODE_FLAGS: V8/Node flags for the NapCat processes of both modes, for experiments
  // (docs/bench.md: --no-lazy-feedback-allocation shows what V8's warm-up costs each side).
  const flags = (process.env.BENCH_HOST_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const child = fork(HOST_PROCESS, [], {
    execArgv: ['--import', 'tsx', ...flags],
    env: { ...process.env, BENCH_HOST: JSON.stringify(spec) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new HostChild(child);
}

function merge(results: BroadcastResult[]): BroadcastResult {
  const errors = new Map<string, number>();
  for (const r of results) for (const [k, v] of r.errors) errors.set(k, (errors.get(k) ?? 0) + v);
  const sum = (pick: (r: BroadcastResult) => number) => results.reduce((a, r) => a + pick(r), 0);
  return {
    delivered: sum((r) => r.delivered),
    failed: sum((r) => r.failed),
    firstTryFailures: sum((r) => r.firstTryFailures),
    attempts: sum((r) => r.attempts),
    wallMs: Math.max(...results.map((r) => r.wallMs)),
    latenciesMs: results.flatMap((r) => r.latenciesMs),
    errors,
  };
}

export interface RunInput {
  scenario: Scenario;
  mode: Mode;
  repeat: number;
  build: string; // the plugin folder to install
  uriOf: (index: number) => string;
  /** The path scheme: the distinct images, sent once by upload_file_stream; image i is then `file://` its path. */
  upload?: readonly Buffer[];
}

export async function runOnce({ scenario, mode, repeat, build, uriOf, upload }: RunInput): Promise<RunRecord> {
  const started = performance.now();
  const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'bench-napcat-'));
  const qqDataRoot = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'bench-qq-'));
  const hosts: HostChild[] = [];
  const timer = setTimeout(() => {
    for (const h of hosts) h.child.kill('SIGKILL');
  }, RUN_TIMEOUT_MS);
  try {
    installPlugin(root, mode === 'plugin', build, scenario.plugin);
    for (let k = 0; k < scenario.processes; k++) {
      hosts.push(spawnHost({ root, qqDataRoot, uin: String(10001 + k), seed: repeat + 1, host: scenario.host }));
    }
    const ready = await Promise.all(hosts.map((h) => h.next('ready')));
    for (const r of ready) {
      if ((r.pluginStatus === 'loaded') !== (mode === 'plugin')) {
        throw new Error(`插件状态不符 / plugin is "${r.pluginStatus}" in a ${mode} run`);
      }
    }
    const bots = await Promise.all(ready.map((r) => connectBot(r.wsUrl)));
    try {
      const sent = bots.map(countSentBytes);
      const peers = Array.from({ length: scenario.peers }, (_, i) => 100000 + i);
      const uris: Array<(i: number) => string> = bots.map(() => uriOf);
      const senders = bots.map((bot, k) => groupImageSender(bot, (i) => uris[k](i % scenario.distinct)));
      const sequential = scenario.pattern === 'sequential';
      // The CPU measurement is per *repeated* send: the first one is not profiled.
      if (sequential) await Promise.all(senders.map((send) => send(peers[0], 0)));
      const measured = sequential ? peers.slice(1) : peers;
      for (const h of hosts) h.tell({ type: 'start', profile: sequential, profiledSends: measured.length });
      await Promise.all(hosts.map((h) => h.next('started')));
      const sentBefore = sent.reduce((a, count) => a + count(), 0);
      const uploadStarted = performance.now();
      if (upload) {
        // Each bot sends the bytes once (to its own NapCat), then only paths.
        await Promise.all(
          bots.map(async (bot, k) => {
            const paths = await Promise.all(upload.map((bytes) => uploadFileStream(bot, bytes)));
            uris[k] = (i) => `file://${paths[i]}`;
          }),
        );
      }
      const uploadMs = upload ? performance.now() - uploadStarted : 0;
      const broadcastTo = (targets: number[]) =>
        Promise.all(
          senders.map((send) =>
            broadcast(
              {
                peers: targets,
                spreadMs: scenario.pattern === 'spread' ? scenario.spreadMs : 0,
                concurrency: sequential ? 1 : targets.length,
                maxRetries: scenario.clientRetries ?? CLIENT_RETRIES,
                retryDelayMs: CLIENT_RETRY_DELAY_MS,
              },
              send,
            ),
          ),
        );
      // A sequential run's first sends are also profiled on their own: before V8 has warmed
      // the code up, each function costs more per call than it will (docs/bench.md).
      const first = sequential && scenario.firstWindow ? Math.min(scenario.firstWindow, measured.length) : 0;
      const phases: BroadcastResult[] = [];
      if (first > 0) {
        phases.push(merge(await broadcastTo(measured.slice(0, first))));
        for (const h of hosts) h.tell({ type: 'mark', sends: first });
        await Promise.all(hosts.map((h) => h.next('marked')));
      }
      phases.push(merge(await broadcastTo(measured.slice(first))));
      const socketBytes = sent.reduce((a, count) => a + count(), 0) - sentBefore;
      for (const h of hosts) h.tell({ type: 'stop' });
      const samples: ProcessSample[] = [];
      for (const h of hosts) samples.push((await h.next('sample')).sample);
      // The phases ran one after the other: their times add up.
      const all = { ...merge(phases), wallMs: phases.reduce((a, r) => a + r.wallMs, 0) };
      return {
        scenario: scenario.id,
        mode,
        repeat,
        runMs: performance.now() - started,
        sends: measured.length * scenario.processes,
        delivered: all.delivered,
        failed: all.failed,
        firstTryFailures: all.firstTryFailures,
        attempts: all.attempts,
        wallMs: uploadMs + all.wallMs,
        socketBytes,
        p50Ms: quantile(all.latenciesMs, 0.5),
        p95Ms: quantile(all.latenciesMs, 0.95),
        p99Ms: quantile(all.latenciesMs, 0.99),
        errors: Object.fromEntries(all.errors),
        processes: samples,
      };
    } finally {
      await Promise.all(bots.map((bot) => bot.disconnect()));
    }
  } finally {
    clearTimeout(timer);
    const allExited = Promise.all(hosts.map((h) => h.exited));
    await Promise.race([allExited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    for (const h of hosts) if (h.child.exitCode === null && h.child.signalCode === null) h.child.kill('SIGKILL');
    await allExited;
    await fs.promises.rm(root, { recursive: true, force: true });
    await fs.promises.rm(qqDataRoot, { recursive: true, force: true });
  }
}
