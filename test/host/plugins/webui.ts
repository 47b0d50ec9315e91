// The WebUI side of the plugin host on its own local port: plugin routes (authenticated
// under /api/Plugin/ext/<id>/… with `Authorization: Bearer <token>`; NoAuth under
// /plugin/<id>/api/…; pages and static files) and the config/status endpoints.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { bearer, closeServer, listen, parseBody, readBody, sendJson } from '../front/http-util';
import type { PluginManager } from './loader';
import type { PluginRequest, PluginResponse, PluginRouterRegistry } from './router';

function wrapResponse(res: http.ServerResponse): PluginResponse {
  let status = 200;
  const wrapped: PluginResponse = {
    status(code) {
      status = code;
      return wrapped;
    },
    setHeader(name, value) {
      res.setHeader(name, value);
      return wrapped;
    },
    json(data) {
      sendJson(res, status, data);
    },
    send(data) {
      res.statusCode = status;
      res.end(data);
    },
  };
  return wrapped;
}

export class WebUiServer {
  private server: http.Server | undefined;
  url = '';

  constructor(
    private readonly manager: PluginManager,
    readonly token: string,
  ) {}

  async start(): Promise<string> {
    if (this.server) return this.url;
    this.server = http.createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { code: -1, message: (err as Error).message });
      });
    });
    this.url = await listen(this.server);
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    const server = this.server;
    this.server = undefined;
    await closeServer(server);
  }

  private registry(id: string): PluginRouterRegistry | undefined {
    return this.manager.getPluginInfo(id)?.ctx?.router;
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const body = parseBody(await readBody(req), req.headers['content-type']);
    const query = Object.fromEntries(url.searchParams);
    const authed = bearer(req) === this.token;
    const ext = /^\/api\/Plugin\/ext\/([^/]+)(\/.*)?$/.exec(url.pathname);
    const noAuth = /^\/plugin\/([^/]+)\/api(\/.*)?$/.exec(url.pathname);
    const page = /^\/plugin\/([^/]+)\/page\/(.+)$/.exec(url.pathname);
    const files = /^\/plugin\/([^/]+)\/(files|mem)\/(.+)$/.exec(url.pathname);
    if (url.pathname.startsWith('/api/') && !authed) return sendJson(res, 401, { code: -1, message: 'Unauthorized' });
    if (ext || noAuth) {
      const [, id, rest = '/'] = (ext ?? noAuth) as RegExpExecArray;
      const found = this.registry(id)?.match(method, rest, !!ext);
      if (!found) return sendJson(res, 404, { code: -1, message: 'Not Found' });
      const request: PluginRequest = { path: rest, method, query, body, headers: req.headers, params: found.params };
      await found.route.handler(request, wrapResponse(res));
      if (!res.writableEnded) res.end();
      return;
    }
    if (page) return this.servePage(res, page[1], page[2]);
    if (files) return this.serveStatic(res, files[1], files[2] as 'files' | 'mem', files[3]);
    return this.manage(res, method, url.pathname, query, body);
  }

  private servePage(res: http.ServerResponse, id: string, pagePath: string): void {
    const record = this.manager.getPluginInfo(id);
    const def = record?.ctx?.router.pages.find((p) => p.path === pagePath);
    if (!record || !def) return sendJson(res, 404, { code: -1, message: 'Not Found' });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(fs.readFileSync(path.join(record.pluginPath, def.htmlFile)));
  }

  private serveStatic(res: http.ServerResponse, id: string, kind: 'files' | 'mem', rest: string): void {
    const record = this.manager.getPluginInfo(id);
    const router = record?.ctx?.router;
    if (record && router && kind === 'files') {
      for (const s of router.statics) {
        const prefix = s.urlPath.replace(/^\/+|\/+$/g, '') + '/';
        if (!rest.startsWith(prefix)) continue;
        const base = path.resolve(record.pluginPath, s.localPath);
        const file = path.resolve(base, rest.slice(prefix.length));
        if (file.startsWith(base + path.sep) && fs.existsSync(file)) return void res.end(fs.readFileSync(file));
      }
    }
    if (router && kind === 'mem') {
      for (const s of router.memStatics) {
        const prefix = s.urlPath.replace(/^\/+|\/+$/g, '') + '/';
        const content = rest.startsWith(prefix) ? s.files[rest.slice(prefix.length)] : undefined;
        if (content !== undefined) return void res.end(content);
      }
    }
    sendJson(res, 404, { code: -1, message: 'Not Found' });
  }

  /** The WebUI management endpoints the model offers (authenticated). */
  private async manage(res: http.ServerResponse, method: string, pathname: string, query: Record<string, string>, body: unknown): Promise<void> {
    const b = (body ?? {}) as { id?: string; config?: unknown; enable?: boolean };
    try {
      if (method === 'GET' && pathname === '/api/Plugin/List') {
        const data = this.manager.getAllPlugins().map((p) => ({ id: p.id, enabled: p.enabled, status: p.status }));
        return sendJson(res, 200, { code: 0, data });
      }
      if (method === 'GET' && pathname === '/api/Plugin/Config') return sendJson(res, 200, { code: 0, data: await this.manager.getPluginConfig(query.id) });
      if (method === 'POST' && pathname === '/api/Plugin/Config' && b.id) {
        await this.manager.setPluginConfig(b.id, b.config);
        return sendJson(res, 200, { code: 0, data: null });
      }
      if (method === 'POST' && pathname === '/api/Plugin/SetStatus' && b.id) {
        await this.manager.setPluginStatus(b.id, b.enable === true);
        return sendJson(res, 200, { code: 0, data: null });
      }
    } catch (err) {
      return sendJson(res, 200, { code: -1, message: (err as Error).message });
    }
    sendJson(res, 404, { code: -1, message: 'Not Found' });
  }
}
