// `npx tsx bench/proxy/lane-profile.ts [--sends N] [--json5]`: where the time of one lane goes.
// A lane lets one send of a content into NapCat at a time, so a broadcast through it costs
// sends × (one send's latency inside NapCat + what the proxy adds between two sends). This
// runs one image N times three ways against a fresh model NapCat each: `direct`, the bot
// itself sending one at a time and waiting for each answer (the lane's floor: NapCat's own
// latency per send); `lane`, all N at once through the proxy with segments as they came (one
// lane); `burst`, all N at once straight to NapCat (the baseline). With the shared store:
// `direct-path`, the bot sending a file:// path of the image one at a time (that lane's floor),
// and `lane-shared`, all N at once through the proxy, which rewrites them to its store. NapCat's
// CPU is split by the profiler (front = WebSocket and frame parse, napcat, kernel, idle), the
// proxy's read from /proc. Needs `npm run build` (the proxy runs as proxy.mjs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileUri } from '../../src/onebot/media-ref';
import { makePng } from '../../test/host/index';
import { broadcast } from '../harness/broadcast';
import { installPlugin, snapshotBuild } from '../harness/install';
import { connectBot, groupImageSender } from '../harness/onebot-client';
import { renderTable } from '../harness/table';
import { spawnHost, type HostChild } from '../runner';
import { spawnProxy, type ProxyChild } from './proxy-process';

type Way = 'direct' | 'lane' | 'burst' | 'direct-path' | 'lane-shared';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

const sends = option('--sends', 40);
const parse = process.argv.includes('--json5') ? 'json5' : 'json';
const image = makePng({ bytes: 1024 * 1024, seed: 1 });
const uri = `base64://${image.toString('base64')}`;

async function run(way: Way, build: string): Promise<string[]> {
  const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'lane-profile-napcat-'));
  const qqDataRoot = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'lane-profile-qq-'));
  let host: HostChild | undefined;
  let proxy: ProxyChild | undefined;
  try {
    installPlugin(root, false, build);
    host = spawnHost({ root, qqDataRoot, uin: '10001', seed: 1, host: { frontParse: parse } });
    const ready = await host.next('ready');
    if (way === 'lane' || way === 'lane-shared') {
      proxy = await spawnProxy({ upstream: ready.wsUrl, rewrite: way === 'lane' ? 'off' : 'auto', cacheDir: path.join(root, 'proxy-cache') });
    }
    const file = path.join(root, 'image.png');
    await fs.promises.writeFile(file, image);
    const bot = await connectBot(proxy ? proxy.wsUrl : ready.wsUrl);
    try {
      const send = groupImageSender(bot, () => (way === 'direct-path' ? fileUri(file) : uri));
      // One send first, so the server knows the image and every measured send is alike.
      await send(99999, 0);
      const proxyCpu0 = proxy?.cpuMs();
      host.tell({ type: 'start', profile: true, profiledSends: sends });
      await host.next('started');
      const peers = Array.from({ length: sends }, (_, i) => 100000 + i);
      const oneAtATime = way === 'direct' || way === 'direct-path';
      const result = await broadcast({ peers, spreadMs: 0, concurrency: oneAtATime ? 1 : sends, maxRetries: 0, retryDelayMs: 0 }, send);
      const proxyCpu = proxy && proxyCpu0 !== undefined ? proxy.cpuMs() - proxyCpu0 : undefined;
      host.tell({ type: 'stop' });
      const sample = (await host.next('sample')).sample;
      await proxy?.stop();
      proxy = undefined;
      const by = sample.cpuByOwnerMs ?? {};
      const per = (ms: number | undefined) => (ms === undefined ? '—' : (ms / sends).toFixed(1));
      return [
        way,
        `${result.delivered}/${sends}`,
        String(result.firstTryFailures),
        (result.wallMs / sends).toFixed(1),
        per(sample.cpuMs),
        per(by.front),
        per(by.napcat),
        per(by.kernel),
        per((by.gc ?? 0) + (by.program ?? 0) + (by.other ?? 0)),
        per(by.idle),
        per(proxyCpu),
      ];
    } finally {
      await bot.disconnect();
    }
  } finally {
    await proxy?.stop().catch(() => undefined);
    if (host) {
      await Promise.race([host.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (host.child.exitCode === null) host.child.kill('SIGKILL');
    }
    await fs.promises.rm(root, { recursive: true, force: true });
    await fs.promises.rm(qqDataRoot, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const build = snapshotBuild();
  try {
    const rows: string[][] = [];
    for (const way of ['direct', 'lane', 'burst', 'direct-path', 'lane-shared'] as const) rows.push(await run(way, build));
    console.log(`1 MB base64 × ${sends}, NapCat front parses with ${parse}; ms per send:`);
    console.log(
      renderTable(
        ['way', 'delivered', '1st-try fail', 'wall/send', 'NapCat CPU', 'front', 'napcat', 'kernel', 'gc+other', 'idle', 'proxy CPU'],
        rows,
      ),
    );
  } finally {
    fs.rmSync(build, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
