// WebUI routes. Data only ever goes out on authenticated routes (`/api/Plugin/ext/<id>/…`,
// WebUI token required). The status page is served without auth because NapCat has no
// authenticated way to serve a browsable page — so it is a static string with no data.
// Preference: getNoAuth (v4.15.0+, lets us set CSP and cache headers), then staticOnMem
// (v4.14.13+). router.page() is not used: it needs an HTML file inside pluginPath, and the
// release ships a single index.mjs.
import type { Logger } from '../logger';
import { statusPageHtml } from './status-page';

/** The response methods used here; NapCat's RouterResponse has them. */
export interface WebResponse {
  status(code: number): WebResponse;
  json(data: unknown): void;
  send(data: unknown): void;
  setHeader(name: string, value: string): void;
}

export type WebHandler = (req: unknown, res: WebResponse) => void | Promise<void>;

export interface MemoryFile {
  path: string;
  content: string;
  contentType?: string;
}

/** The subset of `ctx.router` used here; the NoAuth and in-memory variants are missing on older hosts. */
export interface WebRouter {
  get(path: string, handler: WebHandler): void;
  getNoAuth?(path: string, handler: WebHandler): void;
  staticOnMem?(urlPath: string, files: MemoryFile[]): void;
}

export interface WebDeps {
  /** `ctx.pluginName`; routes are mounted under it. */
  pluginId: string;
  stats: { snapshot(): unknown };
  /** Served on GET /config when given (effective config and provenance; nothing secret in it). */
  config?: () => unknown;
  logger: Logger;
}

export interface RegisteredRoutes {
  /** Authenticated JSON route of the snapshot. */
  statsPath: string;
  /** Where the status page is, or undefined when the host cannot serve one. */
  statusPagePath?: string;
}

/** The page is static and public; it may be cached but must not be framed by other sites. */
const PAGE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

export function registerRoutes(router: WebRouter, deps: WebDeps): RegisteredRoutes {
  const id = encodeURIComponent(deps.pluginId);
  router.get('/stats', jsonRoute(deps, 'stats', () => deps.stats.snapshot()));
  const config = deps.config;
  if (config) router.get('/config', jsonRoute(deps, 'config', config));

  const routes: RegisteredRoutes = { statsPath: `/api/Plugin/ext/${id}/stats` };
  const html = statusPageHtml(deps.pluginId);
  if (typeof router.getNoAuth === 'function') {
    router.getNoAuth('/status', (_req, res) => {
      for (const [name, value] of Object.entries(PAGE_HEADERS)) res.setHeader(name, value);
      res.status(200).send(html);
    });
    routes.statusPagePath = `/plugin/${id}/api/status`;
  } else if (typeof router.staticOnMem === 'function') {
    router.staticOnMem('/status', [{ path: '/index.html', content: html, contentType: PAGE_HEADERS['Content-Type'] }]);
    routes.statusPagePath = `/plugin/${id}/mem/status/index.html`;
  } else {
    deps.logger.info(
      `此 NapCat 版本无法提供状态页，统计仍可经 ${routes.statsPath} 获取 / ` +
        `this NapCat cannot serve the status page; stats remain at ${routes.statsPath}`,
    );
  }
  return routes;
}

function jsonRoute(deps: WebDeps, what: string, read: () => unknown): WebHandler {
  return (_req, res) => {
    try {
      res.json({ code: 0, data: read() });
    } catch (err) {
      const reason = (err as Error)?.message ?? String(err);
      deps.logger.warn(`读取 ${what} 失败 / reading ${what} failed: ${reason}`);
      res.status(500).json({ code: -1, message: `读取 ${what} 失败 / reading ${what} failed: ${reason}` });
    }
  };
}
