// OneBot 11 network front on 127.0.0.1, as NapCat's HTTP server with its WebSocket on the
// same port (network/http-server.ts, websocket-server.ts), and its reverse WebSocket client
// (reverse-client.ts). HTTP: json5 bodies (urlencoded ones too), query merged over the
// body, GET reads the query, `/` answers "NapCat4 Is Running", unknown actions retcode 200.
// WebSocket: any path; `/api` gets no events, every other path gets the lifecycle connect
// and every event. Tokens are read as NapCat reads them (auth.ts). After stop(), start()
// listens on the same port again, as a restarted NapCat would.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ActionMap } from '../actions';
import type { RequestToolkit } from '../actions/action';
import { errorResponse, okResponse } from '../actions/response';
import { authorized } from './auth';
import { closeServer, listen, readBody, sendJson } from './http-util';
import { lifecycleConnect } from './meta-events';
import { parserFor, type FrontParse, type ParseFrame } from './parse';
import { ReverseClient, type ReverseClientOptions } from './reverse-client';
import { handleWsFrame, sendIfOpen } from './ws-frames';

export class OneBotFront {
  private server: http.Server | undefined;
  private wss: WebSocketServer | undefined;
  private readonly eventClients = new Set<WebSocket>();
  private readonly reverseClients = new Set<ReverseClient>();
  private port = 0;
  url = '';
  wsUrl = '';
  /** WebSocket connections accepted so far (forward), for tests that count reconnects. */
  connections = 0;
  private readonly parse: ParseFrame;

  /** `parse`: how frames and bodies are parsed (parse.ts); 'json' unless a bench asks for NapCat's cost. */
  constructor(
    private readonly actions: ActionMap,
    private readonly selfId: number,
    private readonly accessToken: string,
    parse: FrontParse = 'json',
  ) {
    this.parse = parserFor(parse);
  }

  async start(): Promise<{ url: string; wsUrl: string }> {
    if (this.server) return { url: this.url, wsUrl: this.wsUrl };
    const server = http.createServer((req, res) => {
      this.onHttp(req, res).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, errorResponse((err as Error).message, 200));
      });
    });
    // NapCat's WebSocket server caps a frame at 50 MB.
    const wss = new WebSocketServer({ noServer: true, maxPayload: 50 * 1024 * 1024 });
    server.on('upgrade', (req, socket, head) => {
      wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, req));
    });
    this.server = server;
    this.wss = wss;
    this.url = await listen(server, this.port);
    this.port = Number(new URL(this.url).port);
    this.wsUrl = this.url.replace(/^http/, 'ws');
    return { url: this.url, wsUrl: this.wsUrl };
  }

  async stop(): Promise<void> {
    const { server, wss } = this;
    this.server = undefined;
    this.wss = undefined;
    for (const client of this.reverseClients) client.close();
    this.reverseClients.clear();
    this.eventClients.clear();
    if (wss) {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
    if (server) await closeServer(server);
  }

  /** NapCat's reverse WebSocket adapter: connects out to a bot (or a proxy). */
  connectReverse(options: ReverseClientOptions): ReverseClient {
    const client = new ReverseClient(this.actions, this.selfId, options, this.parse);
    this.reverseClients.add(client);
    return client;
  }

  /** An OB11 event (e.g. a received message): to every event connection and reverse connection, as NapCat's onEvent. */
  emitEvent(event: Record<string, unknown>): void {
    const text = JSON.stringify(event);
    for (const ws of this.eventClients) if (ws.readyState === ws.OPEN) ws.send(text);
    for (const client of this.reverseClients) client.emit(text);
  }

  private async onHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let body: Record<string, unknown> = {};
    const raw = await readBody(req);
    if (req.headers['content-type']?.includes('application/x-www-form-urlencoded')) {
      body = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    } else if (raw.length > 0) {
      try {
        body = { ...(this.parse(raw.toString('utf8') || '{}') as Record<string, unknown>) };
      } catch {
        res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
        res.end('Invalid JSON');
        return;
      }
    }
    if (!authorized(this.accessToken, url, req.headers)) {
      res.writeHead(403, { 'content-type': 'text/html; charset=utf-8' });
      res.end(JSON.stringify({ message: 'token verify failed!' }));
      return;
    }
    const query = Object.fromEntries(url.searchParams);
    const payload = req.method === 'GET' ? query : { ...body, ...query };
    if (url.pathname === '/' || url.pathname === '') {
      return sendJson(res, 200, { ...okResponse({}, null), message: 'NapCat4 Is Running', stream: 'normal-action' });
    }
    const name = url.pathname.split('/')[1];
    const echo = payload.echo ?? randomBytes(6).toString('hex');
    const action = this.actions.get(name);
    if (!action) return sendJson(res, 200, errorResponse(`不支持的Api ${name}`, 200, echo));
    const toolkit: RequestToolkit = {
      send: (data) => new Promise<void>((resolve) => res.write(`${JSON.stringify({ ...okResponse(data, echo), stream: 'stream-action' })}\r\n\r\n`, () => resolve())),
    };
    const result = await action.handle(payload, 'http', {}, toolkit);
    if (action.useStream) {
      res.end(`${JSON.stringify(result)}\r\n\r\n`);
      return;
    }
    sendJson(res, 200, result);
  }

  private onSocket(ws: WebSocket, req: http.IncomingMessage): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = sendIfOpen(ws);
    if (!authorized(this.accessToken, url, req.headers)) {
      ws.send(JSON.stringify({ status: 'failed', retcode: 1403, data: null, message: 'token验证失败', wording: 'token验证失败', echo: null, stream: 'normal-action' }));
      ws.close();
      return;
    }
    this.connections++;
    const apiOnly = url.pathname === '/api' || url.pathname === '/api/';
    if (!apiOnly) {
      send(JSON.stringify(lifecycleConnect(this.selfId))).catch(() => undefined);
      this.eventClients.add(ws);
    }
    ws.on('message', (raw) => {
      handleWsFrame(this.actions, this.parse, raw.toString(), send, '不支持的API').catch(() => undefined);
    });
    ws.once('close', () => this.eventClients.delete(ws));
  }
}
