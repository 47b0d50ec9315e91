// A local origin server for the URL cache specs: each path is a small handler, and every
// request is recorded (path, conditional headers) so specs count downloads and revalidations.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

export interface Seen {
  path: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  accept?: string;
  via?: 'proxy';
}

export interface Origin {
  base: string;
  seen: Seen[];
  /** Requests for `path` (304s included). */
  count(path: string): number;
  route(path: string, handler: Route): void;
  close(): Promise<void>;
}

export async function startOrigin(): Promise<Origin> {
  const routes = new Map<string, Route>();
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    seen.push({
      path,
      ifNoneMatch: req.headers['if-none-match'],
      ifModifiedSince: req.headers['if-modified-since'],
      accept: req.headers.accept,
      via: req.headers['x-via-test-proxy'] ? 'proxy' : undefined,
    });
    const handler = routes.get(path);
    if (handler) handler(req, res);
    else res.writeHead(404, 'Not Found').end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    seen,
    count: (path) => seen.filter((s) => s.path === path).length,
    route: (path, handler) => void routes.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A forward proxy for http:// targets (absolute-URI requests), marking what it forwards. */
export async function startProxy(): Promise<{ url: string; forwarded: number; close(): Promise<void> }> {
  const state = { forwarded: 0 };
  const server = http.createServer((req, res) => {
    state.forwarded++;
    const target = new URL(req.url ?? '');
    const upstream = http.request(
      target,
      { method: req.method, headers: { ...req.headers, 'x-via-test-proxy': '1' } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    upstream.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get forwarded() {
      return state.forwarded;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
