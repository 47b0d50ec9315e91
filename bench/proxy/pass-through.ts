// What the proxy adds to traffic it only passes on: `calls` get_status requests one after
// another (request to answer, as a bot waits for it), direct to NapCat and through the
// proxy, interleaved in blocks so drift hits both; and `events` events from NapCat, each
// received at once by a direct and a proxied connection (the same clock reads both).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { quantile } from '../harness/stats';
import { spawnHost, type HostChild } from '../runner';
import { spawnProxy, type ProxyChild } from './proxy-process';
import type { PassThroughScenario } from './scenarios';

export interface LatencySummary {
  p50: number;
  p99: number;
}

export interface PassThroughRun {
  scenario: string;
  repeat: number;
  calls: { direct: LatencySummary; proxied: LatencySummary };
  events: { direct: LatencySummary; proxied: LatencySummary; received: { direct: number; proxied: number } };
}

const BLOCK = 500;

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function withLifecycle(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('message', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** One request at a time; the time from send to its answer, in ms. */
async function timeCalls(ws: WebSocket, count: number, tag: string, into: number[]): Promise<void> {
  for (let i = 0; i < count; i++) {
    const echo = `${tag}${i}`;
    const answered = new Promise<void>((resolve) => {
      const onMessage = (data: WebSocket.RawData) => {
        if (!data.toString().includes(`"echo":"${echo}"`)) return;
        ws.off('message', onMessage);
        resolve();
      };
      ws.on('message', onMessage);
    });
    const start = performance.now();
    ws.send(JSON.stringify({ action: 'get_status', params: {}, echo }));
    await answered;
    into.push(performance.now() - start);
  }
}

function summary(values: number[]): LatencySummary {
  return { p50: quantile(values, 0.5), p99: quantile(values, 0.99) };
}

export async function runPassThrough(scenario: PassThroughScenario, repeat: number): Promise<PassThroughRun> {
  const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'bench-pass-napcat-'));
  const qqDataRoot = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'bench-pass-qq-'));
  let host: HostChild | undefined;
  let proxy: ProxyChild | undefined;
  const sockets: WebSocket[] = [];
  try {
    host = spawnHost({ root, qqDataRoot, uin: '10001', seed: repeat + 1 });
    const ready = await host.next('ready');
    proxy = await spawnProxy({ upstream: ready.wsUrl, rewrite: 'off', cacheDir: path.join(root, 'proxy-cache') });
    const direct = await open(`${ready.wsUrl}/api`);
    const proxied = await open(`${proxy.wsUrl}/api`);
    sockets.push(direct, proxied);
    const calls = { direct: [] as number[], proxied: [] as number[] };
    // Warm both paths up before measuring.
    await timeCalls(direct, 200, 'wd', []);
    await timeCalls(proxied, 200, 'wp', []);
    for (let done = 0; done < scenario.calls; done += BLOCK) {
      await timeCalls(direct, BLOCK, `d${done}-`, calls.direct);
      await timeCalls(proxied, BLOCK, `p${done}-`, calls.proxied);
    }

    // NapCat's lifecycle event on each says its NapCat connection is up, so no event is missed.
    const [onEvents, onEventsProxied] = await Promise.all([withLifecycle(`${ready.wsUrl}/event`), withLifecycle(`${proxy.wsUrl}/event`)]);
    sockets.push(onEvents, onEventsProxied);
    const lag = { direct: [] as number[], proxied: [] as number[] };
    const listen = (ws: WebSocket, into: number[]) =>
      ws.on('message', (data) => {
        const at = performance.timeOrigin + performance.now();
        const event = JSON.parse(data.toString()) as { notice_type?: string; sent_at?: number };
        if (event.notice_type === 'bench' && typeof event.sent_at === 'number') into.push(at - event.sent_at);
      });
    listen(onEvents, lag.direct);
    listen(onEventsProxied, lag.proxied);
    host.tell({ type: 'events', count: scenario.events, everyMs: 1 });
    await host.next('events-sent');
    const end = Date.now() + 10_000;
    while ((lag.direct.length < scenario.events || lag.proxied.length < scenario.events) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    return {
      scenario: scenario.id,
      repeat,
      calls: { direct: summary(calls.direct), proxied: summary(calls.proxied) },
      events: { direct: summary(lag.direct), proxied: summary(lag.proxied), received: { direct: lag.direct.length, proxied: lag.proxied.length } },
    };
  } finally {
    for (const ws of sockets) ws.terminate();
    await proxy?.stop().catch(() => undefined);
    if (host) {
      host.tell({ type: 'stop' });
      await host.next('sample').catch(() => undefined);
      await host.exited;
    }
    await fs.promises.rm(root, { recursive: true, force: true });
    await fs.promises.rm(qqDataRoot, { recursive: true, force: true });
  }
}
