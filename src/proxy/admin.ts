// /stats and the status page on the proxy's own port, through the plugin's web layer
// (src/web): its routes are mounted where the page expects them (the page fetches
// `/api/Plugin/ext/<id>/stats` with `Authorization: Bearer <token>`), `/stats` and
// `/status` are short aliases. With a token set, every route wants it (Bearer,
// `?access_token=` or the page's `?token=`); the page carries no data either way.
import type http from 'node:http';
import type { Logger } from '../logger';
import { registerRoutes, type WebHandler, type WebResponse } from '../web';
import { presentedToken } from './inbound-token';

export const PROXY_ID = 'napcat-media-cache-proxy';

export interface AdminDeps {
  token: string;
  stats: { snapshot(): unknown };
  /** Effective settings, with nothing secret in them. */
  config: () => unknown;
  logger: Logger;
}

export class AdminRoutes {
  readonly #routes = new Map<string, WebHandler>();
  readonly #token: string;
  readonly statusPagePath: string;

  constructor(deps: AdminDeps) {
    this.#token = deps.token;
    const id = encodeURIComponent(PROXY_ID);
    const registered = registerRoutes(
      {
        get: (path, handler) => this.#routes.set(`/api/Plugin/ext/${id}${path}`, handler),
        getNoAuth: (path, handler) => this.#routes.set(`/plugin/${id}/api${path}`, handler),
      },
      { pluginId: PROXY_ID, stats: deps.stats, config: deps.config, logger: deps.logger },
    );
    this.statusPagePath = registered.statusPagePath ?? '';
    const stats = this.#routes.get(registered.statsPath);
    if (stats) this.#routes.set('/stats', stats);
  }

  /** Answers when the request is one of ours; false otherwise. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (url.pathname === '/status') {
      res.writeHead(302, { location: `${this.statusPagePath}${url.search}` });
      res.end();
      return true;
    }
    const handler = this.#routes.get(url.pathname);
    if (!handler) return false;
    const token = url.searchParams.get('token') || presentedToken(url, req.headers);
    if (this.#token !== '' && token !== this.#token) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end('需要令牌：在地址后加 ?token=<令牌>，或带 Authorization: Bearer <令牌> / token required: add ?token=<token> or send Authorization: Bearer <token>\n');
      return true;
    }
    void Promise.resolve(handler(req, response(res)));
    return true;
  }
}

/** The response methods the web layer uses, over a plain Node response. */
function response(res: http.ServerResponse): WebResponse {
  const web: WebResponse = {
    status(code) {
      res.statusCode = code;
      return web;
    },
    json(data) {
      const text = JSON.stringify(data);
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.setHeader('cache-control', 'no-store');
      res.end(text);
    },
    send(data) {
      res.end(typeof data === 'string' ? data : JSON.stringify(data));
    },
    setHeader(name, value) {
      res.setHeader(name, value);
    },
  };
  return web;
}
