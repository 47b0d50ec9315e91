// The proxy as operators run it: the built `proxy.mjs` in its own process, so its CPU and
// memory are apart from NapCat's (and the bot's). Its stats are read from /stats before it
// is stopped with SIGINT (which drains).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ProxySnapshot } from '../../src/proxy/stats';

export const PROXY_BUNDLE = fileURLToPath(new URL('../../dist/napcat-media-cache-proxy/proxy.mjs', import.meta.url));

export interface ProxyOptions {
  upstream: string;
  rewrite: 'auto' | 'off';
  cacheDir: string;
}

export interface ProxyChild {
  url: string;
  wsUrl: string;
  /** CPU of the proxy process so far (Linux /proc; NaN elsewhere). */
  cpuMs(): number;
  /** Its peak resident memory so far (VmHWM, Linux; NaN elsewhere). */
  peakRssBytes(): number;
  /** The proxy's /stats, then SIGINT and its exit. */
  stop(): Promise<ProxySnapshot>;
}

function cpuOf(child: ChildProcess): number {
  try {
    const fields = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime, fields 14 and 15 of the line (11 and 12 after the command), in clock ticks.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

function peakRssOf(child: ChildProcess): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export async function spawnProxy(options: ProxyOptions): Promise<ProxyChild> {
  if (!fs.existsSync(PROXY_BUNDLE)) throw new Error(`找不到 ${PROXY_BUNDLE}，请先运行 npm run build / ${PROXY_BUNDLE} not found: run npm run build first`);
  const child = spawn(process.execPath, [PROXY_BUNDLE, '--upstream', options.upstream, '--listen', '127.0.0.1:0', '--cache-dir', options.cacheDir, '--rewrite', options.rewrite], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const end = Date.now() + 30_000;
  let match: RegExpMatchArray | null = null;
  while (!(match = log.match(/listening on (http:\/\/[\d.]+:\d+)/))) {
    if (Date.now() > end || child.exitCode !== null) throw new Error(`代理未能启动 / the proxy did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const url = match[1];
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    cpuMs: () => cpuOf(child),
    peakRssBytes: () => peakRssOf(child),
    async stop() {
      const body = (await (await fetch(`${url}/stats`)).json()) as { data: ProxySnapshot };
      child.kill('SIGINT');
      await exited;
      return body.data;
    },
  };
}
