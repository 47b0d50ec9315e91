// The sidecar: one port for bots (forward WebSocket, HTTP) or for NapCat (reverse mode),
// plus /stats and the status page. It owns the shared pieces every session uses: the
// store, the lanes, the rewrite policy, the retry policy, the stats.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { Lanes } from '../flight/lanes';
import { Pacer } from '../flight/pacing';
import { RetryPolicy } from '../flight/retry';
import type { Logger } from '../logger';
import { MediaStore } from '../store';
import { AdminRoutes } from './admin';
import { hostPort } from './config/validate';
import { upstreamTokenOf, type ProxyConfig } from './config/settings';
import { FileDigests } from '../store/file-digests';
import { HttpForwarder } from './http/forwarder';
import { HTTP_TOKEN_REFUSAL, tokenAccepted, WS_TOKEN_REFUSAL } from './inbound-token';
import { PathMap } from './path-map';
import { RewritePolicy } from './rewrite';
import { SendPlanner } from './send/plan';
import { SendRelay } from './send/relay';
import { ProxyStats } from './stats';
import { CachedUrlMedia } from './url-media';
import { ForwardSession } from './ws/forward-session';
import { ReverseSession } from './ws/reverse-session';
import type { Session, SessionDeps } from './ws/session';

/** The size NapCat's own WebSocket server accepts; the proxy takes no more from a bot. */
const MAX_FRAME_BYTES = 50 * 1024 * 1024;
const RECONNECT = { minMs: 500, maxMs: 30_000 };

export interface ProxyStartOptions {
  logger: Logger;
  version?: string;
  /** Where a relative or empty `cacheDir` resolves. Default: the working directory. */
  baseDir?: string;
}

export class MediaProxy {
  readonly stats: ProxyStats;
  readonly store: MediaStore;
  readonly lanes: Lanes;
  /** Opt-in pacing of media sends (`pacing.*` in the config file), as in the plugin. */
  readonly pacer: Pacer;
  readonly rewrite: RewritePolicy;
  readonly files = new FileDigests();
  readonly urls: CachedUrlMedia;
  /** `http://host:port` the proxy listens on. */
  url = '';
  readonly #config: ProxyConfig;
  readonly #logger: Logger;
  readonly #server: http.Server;
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  readonly #sessions = new Set<Session>();
  readonly #admin: AdminRoutes;
  readonly #http: HttpForwarder | undefined;
  readonly #sessionDeps: SessionDeps;
  #draining = false;

  private constructor(config: ProxyConfig, store: MediaStore, storeDir: string, options: ProxyStartOptions) {
    this.#config = config;
    this.#logger = options.logger;
    this.store = store;
    const { proxy, media } = config;
    this.stats = new ProxyStats(options.version ?? 'dev');
    this.lanes = new Lanes({ maxConcurrent: 2 * media.maxConcurrentUploads });
    const pacer = new Pacer({ ratePerSecond: media.pacing.mediaSendsPerSecond, burst: media.pacing.burst });
    this.pacer = pacer;
    this.stats.media.gauge('pacingQueued', () => pacer.queued);
    this.stats.media.gauge('pacingWaitMs', () => pacer.currentWaitMs());
    const paths = new PathMap(proxy.napcatPathMap);
    this.rewrite = new RewritePolicy({ mode: proxy.rewrite, paths, storeDir, logger: this.#logger });
    this.urls = new CachedUrlMedia(store, () => media, this.stats.media);
    this.stats.wire({
      store: () => store.stats(),
      lanes: () => this.lanes.stats(),
      rewrite: () => this.rewrite.state,
      fileReads: () => this.files.reads,
      urlDownloads: () => this.urls.downloads,
    });
    const reported = new Set<string>();
    const planner = new SendPlanner({
      store,
      urls: this.urls,
      files: this.files,
      paths,
      rewriting: () => this.rewrite.active,
      fetchesUrls: media.urlCache.enabled,
      fallback: (reason, detail) => {
        this.stats.media.fallback(reason);
        if (reported.has(reason)) return;
        reported.add(reason);
        this.#logger.warn(`媒体原样转发（此类问题只记一次）/ a medium passes as it came (logged once per reason): ${reason}: ${detail}`);
      },
      logger: this.#logger,
    });
    const retry = new RetryPolicy({ ...media.retry });
    const sends = new SendRelay({
      planner,
      pacer,
      lanes: this.lanes,
      rewrite: this.rewrite,
      retry: () => retry,
      napcatTimeout: () => proxy.napcatTimeout,
      stats: this.stats,
      logger: this.#logger,
    });
    this.#sessionDeps = { sends, stats: this.stats, logger: this.#logger, draining: () => this.#draining, reconnect: RECONNECT };
    this.#admin = new AdminRoutes({ token: proxy.token, stats: this.stats, config: () => this.#publicConfig(), logger: this.#logger });
    const upstream = proxy.upstream ? new URL(proxy.upstream) : undefined;
    if (upstream && (upstream.protocol === 'http:' || upstream.protocol === 'https:')) {
      this.#http = new HttpForwarder({ upstream, upstreamToken: upstreamTokenOf(proxy), sends, stats: this.stats, logger: this.#logger, draining: () => this.#draining });
    }
    this.#server = http.createServer((req, res) => this.#onRequest(req, res));
    this.#server.on('upgrade', (req, socket, head) => {
      if (this.#draining) {
        socket.destroy();
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onSocket(ws, req));
    });
  }

  static async start(config: ProxyConfig, options: ProxyStartOptions): Promise<MediaProxy> {
    const { media } = config;
    const storeDir = path.resolve(options.baseDir ?? process.cwd(), media.cacheDir === '' ? 'media-cache' : media.cacheDir);
    const store = await MediaStore.open({
      dir: storeDir,
      maxEntryBytes: media.maxPayloadBytes,
      maxTotalBytes: media.maxCacheBytes,
      maxEntries: media.maxEntries,
      idleMs: media.idleTtlSeconds * 1000,
      memoryBudgetBytes: media.memoryBudgetBytes,
      logger: options.logger,
    });
    const proxy = new MediaProxy(config, store, storeDir, options);
    try {
      await proxy.#listen();
    } catch (error) {
      await store.close();
      throw error;
    }
    return proxy;
  }

  /** Open sessions (a test counts them). */
  get sessions(): number {
    return this.#sessions.size;
  }

  /**
   * Stops taking connections and media sends, lets the sends in flight finish (up to
   * `timeoutMs`), then closes every connection and the store.
   */
  async close(timeoutMs = 30_000): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    // Sends waiting for a pacing token go now, unpaced, so the drain is not the queue's length.
    this.pacer.close();
    const deadline = Date.now() + timeoutMs;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await Promise.all([...this.#sessions].map((s) => s.drain(deadline)));
    this.#server.closeAllConnections();
    for (const ws of this.#wss.clients) ws.terminate();
    this.#http?.close();
    await closed;
    await this.store.close();
  }

  async #listen(): Promise<void> {
    const where = hostPort(this.#config.proxy.listen)!;
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(where.port, where.host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const address = this.#server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.url = `http://${host}:${address.port}`;
  }

  #onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (this.#admin.handle(req, res, url)) return;
    if (!this.#http) {
      // The port is a WebSocket endpoint, as NapCat's WebSocket server's is.
      res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
      res.end('Upgrade Required');
      return;
    }
    if (!tokenAccepted(this.#config.proxy.token, url, req.headers)) {
      res.writeHead(403, { 'content-type': 'text/html; charset=utf-8' });
      res.end(HTTP_TOKEN_REFUSAL);
      return;
    }
    this.#http.handle(req, res).catch((error: unknown) => {
      this.#logger.error(`HTTP 转发出错 / HTTP forwarding failed: ${(error as Error)?.message ?? String(error)}`);
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  }

  #onSocket(ws: WebSocket, req: http.IncomingMessage): void {
    const { proxy } = this.#config;
    const url = new URL(req.url ?? '/', 'http://proxy');
    ws.on('error', () => undefined);
    let session: Session;
    if (proxy.reverse) {
      // NapCat's reverse client presents its own token; refused like a bot refuses it.
      if (!tokenAccepted(upstreamTokenOf(proxy), url, req.headers)) {
        this.#logger.warn('NapCat 的反向连接令牌不符，已拒绝 / NapCat\'s reverse connection presented a wrong token; refused');
        ws.close(1008, 'token verify failed');
        return;
      }
      session = new ReverseSession(ws, req, { ...this.#sessionDeps, bot: proxy.reverse, token: proxy.token });
    } else {
      if (!tokenAccepted(proxy.token, url, req.headers)) {
        ws.send(WS_TOKEN_REFUSAL);
        ws.close();
        return;
      }
      session = new ForwardSession(ws, req, { ...this.#sessionDeps, upstream: wsBase(new URL(proxy.upstream)), upstreamToken: upstreamTokenOf(proxy) });
    }
    this.stats.counters.connections++;
    this.#sessions.add(session);
    void session.closed.then(() => this.#sessions.delete(session));
  }

  /** The effective settings for /config: tokens are never shown, only whether one is set. */
  #publicConfig(): unknown {
    const { proxy, media } = this.#config;
    return {
      proxy: { ...proxy, token: proxy.token ? '(set)' : '', upstreamToken: proxy.upstreamToken === undefined ? undefined : '(set)' },
      media,
      rewrite: this.rewrite.state,
    };
  }
}

/** NapCat's HTTP server carries WebSocket on the same port. */
function wsBase(upstream: URL): URL {
  const url = new URL(upstream);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  return url;
}
