// Shared by the proxy specs: a model NapCat (its OneBot front), the proxy in front of it,
// and the clients bots use.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import type { MediaCacheConfig } from '../../src/config';
import { defaultProxyConfig, type ProxyConfig, type ProxySettings } from '../../src/proxy/config/settings';
import { MediaProxy } from '../../src/proxy/server';
import { silentLogger, type Logger } from '../../src/logger';
import type { Host } from '../host';

export interface ProxyFixture {
  proxy: MediaProxy;
  dir: string;
  /** ws:// of the proxy. */
  wsUrl: string;
  close(): Promise<void>;
}

export interface ProxyOptions {
  proxy?: Partial<ProxySettings>;
  media?: Partial<MediaCacheConfig>;
  /** Model time scale of the host behind: NapCat's timeouts are in model ms. */
  timeScale?: number;
  logger?: Logger;
}

/** Starts the proxy on a free port with its store in a new temp folder. */
export async function startProxy(options: ProxyOptions): Promise<ProxyFixture> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'media-proxy-'));
  const config: ProxyConfig = defaultProxyConfig();
  const scale = options.timeScale ?? 1;
  config.proxy = {
    ...config.proxy,
    listen: '127.0.0.1:0',
    napcatTimeout: { baseMs: Math.round(10_000 * scale), uploadSpeedKBps: Math.max(1, Math.round(256 / scale)), maxMs: Math.round(1_800_000 * scale) },
    ...options.proxy,
  };
  config.media = { ...config.media, cacheDir: path.join(dir, 'cache'), graceSeconds: 1, ...options.media, retry: { ...config.media.retry, ...options.media?.retry } };
  const proxy = await MediaProxy.start(config, { logger: options.logger ?? silentLogger, baseDir: dir });
  return {
    proxy,
    dir,
    wsUrl: proxy.url.replace(/^http/, 'ws'),
    async close() {
      await proxy.close(5_000);
      await fs.promises.rm(dir, { recursive: true, force: true });
    },
  };
}

/** A proxy in forward WebSocket mode in front of `host`'s front. */
export async function proxyInFront(host: Host, options: ProxyOptions = {}): Promise<ProxyFixture> {
  const { wsUrl } = await host.front.start();
  return startProxy({ timeScale: host.options.timeScale, ...options, proxy: { upstream: wsUrl, ...options.proxy } });
}

export type Frame = Record<string, unknown>;

/** A raw WebSocket client that records every frame (text as received). */
export class RawClient {
  readonly ws: WebSocket;
  readonly texts: string[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;
  #waiters: Array<() => void> = [];

  constructor(url: string, options?: WebSocket.ClientOptions) {
    this.ws = new WebSocket(url, options);
    this.ws.on('message', (data) => {
      this.texts.push(data.toString());
      for (const w of this.#waiters.splice(0)) w();
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => this.ws.once('close', (code) => resolve(code)));
  }

  get frames(): Frame[] {
    return this.texts.map((t) => JSON.parse(t) as Frame);
  }

  /** Waits until `predicate` holds over the frames received so far. */
  async until(predicate: (frames: Frame[]) => boolean, ms = 10_000): Promise<Frame[]> {
    const end = Date.now() + ms;
    for (;;) {
      const frames = this.frames;
      if (predicate(frames)) return frames;
      if (Date.now() > end) throw new Error(`condition not met after ${ms} ms; ${frames.length} frames: ${this.texts.slice(-3).join(' | ').slice(0, 500)}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Sends one action and waits for the reply with its echo. */
  async call(action: string, params: Record<string, unknown>, echo: string): Promise<Frame> {
    this.ws.send(JSON.stringify({ action, params, echo }));
    const frames = await this.until((fs) => fs.some((f) => f.echo === echo));
    return frames.find((f) => f.echo === echo)!;
  }

  close(): void {
    this.ws.close();
  }
}

export function imageSegment(bytes: Buffer): Frame {
  return { type: 'image', data: { file: `base64://${bytes.toString('base64')}` } };
}

/** Waits until `predicate` holds; throws when it still does not after `ms`. */
export async function until(predicate: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`condition not met after ${ms} ms: ${predicate.toString().slice(0, 120)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
