// ctx.router (network/plugin/router-registry.ts, plugins §4.2): records a plugin's
// routes per load; cleared on unload. Authenticated routes mount at
// /api/Plugin/ext/<id>/…, NoAuth ones at /plugin/<id>/api/…, pages at /plugin/<id>/page/….
export interface PluginRequest {
  path: string;
  method: string;
  query: Record<string, string>;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  params: Record<string, string>;
}

export interface PluginResponse {
  status(code: number): PluginResponse;
  json(data: unknown): void;
  send(data: string | Buffer): void;
  setHeader(name: string, value: string): PluginResponse;
}

export type RouteHandler = (req: PluginRequest, res: PluginResponse) => unknown;
export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

export interface RouteDef {
  method: HttpMethod;
  path: string;
  handler: RouteHandler;
  auth: boolean;
}

export interface PageDef {
  path: string;
  title: string;
  icon?: string;
  htmlFile: string;
  description?: string;
}

export class PluginRouterRegistry {
  readonly routes: RouteDef[] = [];
  readonly pages: PageDef[] = [];
  readonly statics: Array<{ urlPath: string; localPath: string }> = [];
  readonly memStatics: Array<{ urlPath: string; files: Record<string, string | Buffer> }> = [];

  api(method: HttpMethod, path: string, handler: RouteHandler): void {
    this.routes.push({ method, path, handler, auth: true });
  }
  get(path: string, handler: RouteHandler): void {
    this.api('get', path, handler);
  }
  post(path: string, handler: RouteHandler): void {
    this.api('post', path, handler);
  }
  put(path: string, handler: RouteHandler): void {
    this.api('put', path, handler);
  }
  delete(path: string, handler: RouteHandler): void {
    this.api('delete', path, handler);
  }

  apiNoAuth(method: HttpMethod, path: string, handler: RouteHandler): void {
    this.routes.push({ method, path, handler, auth: false });
  }
  getNoAuth(path: string, handler: RouteHandler): void {
    this.apiNoAuth('get', path, handler);
  }
  postNoAuth(path: string, handler: RouteHandler): void {
    this.apiNoAuth('post', path, handler);
  }

  page(def: PageDef): void {
    this.pages.push(def);
  }
  static(urlPath: string, localPath: string): void {
    this.statics.push({ urlPath, localPath });
  }
  staticOnMem(urlPath: string, files: Record<string, string | Buffer>): void {
    this.memStatics.push({ urlPath, files });
  }

  clear(): void {
    this.routes.length = 0;
    this.pages.length = 0;
    this.statics.length = 0;
    this.memStatics.length = 0;
  }

  /** The route for `method path` and its `:params`, if any. */
  match(method: string, path: string, auth: boolean): { route: RouteDef; params: Record<string, string> } | undefined {
    const parts = path.split('/').filter(Boolean);
    for (const route of this.routes) {
      if (route.auth !== auth || route.method !== method.toLowerCase()) continue;
      const pattern = route.path.split('/').filter(Boolean);
      if (pattern.length !== parts.length) continue;
      const params: Record<string, string> = {};
      if (pattern.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = decodeURIComponent(parts[i])), true) : p === parts[i]))) {
        return { route, params };
      }
    }
    return undefined;
  }
}
