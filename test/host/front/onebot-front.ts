// OneBot 11 network front on 127.0.0.1: HTTP POST /<action> (JSON body, query string
// too) and a WebSocket server on any path ({action, params, echo} frames). A token,
// if set, is accepted as `access_token` in the query or as a bearer header. On
// connect a lifecycle meta event is pushed, as NapCat does and clients expect.
import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ActionMap } from '../actions';
import { errorResponse, RETCODE_UNKNOWN_ACTION } from '../actions/response';
import { bearer, closeServer, listen, parseBody, readBody, sendJson } from './http-util';

function tokenOf(req: http.IncomingMessage, url: URL): string | undefined {
  return url.searchParams.get('access_token') ?? bearer(req);
}

export class OneBotFront {
  private server: http.Server | undefined;
  private wss: WebSocketServer | undefined;
  url = '';
  wsUrl = '';

  constructor(
    private readonly actions: ActionMap,
    private readonly selfId: number,
    private readonly accessToken: string,
  ) {}

  async start(): Promise<{ url: string; wsUrl: string }> {
    if (this.server) return { url: this.url, wsUrl: this.wsUrl };
    const server = http.createServer((req, res) => {
      this.onHttp(req, res).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, errorResponse((err as Error).message, 200));
      });
    });
    const wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, this.accessToken === '' || tokenOf(req, url) === this.accessToken));
    });
    this.server = server;
    this.wss = wss;
    this.url = await listen(server);
    this.wsUrl = this.url.replace(/^http/, 'ws');
    return { url: this.url, wsUrl: this.wsUrl };
  }

  async stop(): Promise<void> {
    const { server, wss } = this;
    this.server = undefined;
    this.wss = undefined;
    if (wss) {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
    if (server) await closeServer(server);
  }

  private async onHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (this.accessToken !== '' && tokenOf(req, url) !== this.accessToken) {
      return sendJson(res, 403, { message: 'token verify failed' });
    }
    const body = parseBody(await readBody(req), req.headers['content-type']);
    const query = Object.fromEntries([...url.searchParams].filter(([k]) => k !== 'access_token'));
    const params = { ...query, ...(typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}) };
    const name = url.pathname.replace(/^\/+|\/+$/g, '');
    const action = this.actions.get(name);
    if (!action) return sendJson(res, 404, errorResponse(`不支持的Api ${name}`, RETCODE_UNKNOWN_ACTION));
    sendJson(res, 200, await action.handle(params, 'http'));
  }

  private onSocket(ws: WebSocket, authorized: boolean): void {
    if (!authorized) {
      ws.send(JSON.stringify({ status: 'failed', retcode: 1403, data: null, message: 'token验证失败', wording: 'token验证失败', echo: null }));
      ws.close(1008, 'token verify failed');
      return;
    }
    ws.send(JSON.stringify({ time: Math.floor(Date.now() / 1000), self_id: this.selfId, post_type: 'meta_event', meta_event_type: 'lifecycle', sub_type: 'connect' }));
    ws.on('message', (raw) => {
      void this.onFrame(ws, raw.toString());
    });
  }

  private async onFrame(ws: WebSocket, text: string): Promise<void> {
    let frame: { action?: string; params?: Record<string, unknown>; echo?: unknown };
    try {
      frame = JSON.parse(text) as typeof frame;
    } catch {
      ws.send(JSON.stringify(errorResponse('json解析失败,请检查数据格式', 1400, null)));
      return;
    }
    const name = String(frame.action ?? '');
    const action = this.actions.get(name);
    const response = action
      ? await action.websocketHandle(frame.params ?? {}, frame.echo, 'websocket')
      : errorResponse(`不支持的Api ${name}`, RETCODE_UNKNOWN_ACTION, frame.echo);
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(response));
  }
}
