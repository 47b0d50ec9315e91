// HTTP mode: `POST /<action>` (JSON, json5 or form body, query merged over it) and
// `GET /<action>?…` forwarded to NapCat's HTTP server (network/http-server.ts). Requests
// and answers stream through as the bytes they were; only a media-sending action is read,
// sent through the lanes as one JSON request, and answered with NapCat's reply. NapCat's own
// event posts go to the bot directly and never pass here.
import http from 'node:http';
import https from 'node:https';
import json5 from 'json5';
import type { Logger } from '../../logger';
import { sendActionOf } from '../../onebot/send-actions';
import { isRecord } from '../../onebot/segment';
import { failedReply, isReply, RETCODE_HTTP, SHUTTING_DOWN, UpstreamUnavailable, type OneBotReply } from '../replies';
import type { SendRelay } from '../send/relay';
import type { ProxyStats } from '../stats';
import { withoutToken } from '../ws/session';

export interface HttpDeps {
  /** NapCat's HTTP base URL. */
  upstream: URL;
  upstreamToken: string;
  sends: SendRelay;
  stats: ProxyStats;
  logger: Logger;
  draining(): boolean;
}

// Headers that describe one hop, not the message (RFC 9110 §7.6.1), plus what the proxy sets itself.
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'authorization']);

/** NapCat answered with something that is not a OneBot reply (a 403, a 400 text): the bot gets it as it was. */
class UpstreamAnswer extends Error {
  constructor(
    readonly status: number,
    readonly headers: http.IncomingHttpHeaders,
    readonly body: Buffer,
  ) {
    super(`HTTP ${status}`);
  }
}

export class HttpForwarder {
  readonly #deps: HttpDeps;
  readonly #agent: http.Agent;

  constructor(deps: HttpDeps) {
    this.#deps = deps;
    this.#agent = new (deps.upstream.protocol === 'https:' ? https : http).Agent({ keepAlive: true });
  }

  /** Lets the kept-alive connections to NapCat go. */
  close(): void {
    this.#agent.destroy();
  }

  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.#deps.stats.counters.httpRequests++;
    const url = new URL(req.url ?? '/', 'http://proxy');
    const name = url.pathname.split('/')[1] ?? '';
    const base = name ? sendActionOf(name) : undefined;
    if (!base) return this.#pass(req, res, url);
    const body = await readAll(req);
    const params = paramsOf(req, url, body);
    if (!params) return this.#pass(req, res, url, body);
    const echo = params.echo ?? null;
    if (this.#deps.draining()) return sendJson(res, failedReply(SHUTTING_DOWN, RETCODE_HTTP, echo));
    try {
      const result = await this.#deps.sends.relay({ action: name, base, params, retcode: RETCODE_HTTP }, (action, p) => this.#call(action, p));
      if (result === 'pass') return this.#pass(req, res, url, body);
      sendJson(res, result);
    } catch (error) {
      if (error instanceof UpstreamAnswer) {
        res.writeHead(error.status, forwardable(error.headers));
        res.end(error.body);
        return;
      }
      const message = error instanceof UpstreamUnavailable ? error.message : `代理内部错误 / proxy internal error: ${(error as Error)?.message ?? String(error)}`;
      if (error instanceof UpstreamUnavailable) this.#deps.stats.counters.upstreamUnavailable++;
      else this.#deps.logger.error(message);
      sendJson(res, failedReply(message, RETCODE_HTTP, echo));
    }
  }

  /** One JSON request to NapCat for the proxy (a media send, the probe). */
  #call(action: string, params: Record<string, unknown>): Promise<OneBotReply> {
    const body = Buffer.from(JSON.stringify(params));
    return new Promise((resolve, reject) => {
      const request = this.#request('POST', `/${action}`, { 'content-type': 'application/json', 'content-length': String(body.length) }, async (answer) => {
        const bytes = await readAll(answer).catch(() => Buffer.alloc(0));
        let reply: unknown;
        try {
          reply = JSON.parse(bytes.toString('utf8'));
        } catch {
          reply = undefined;
        }
        if (isReply(reply)) resolve(reply);
        else reject(new UpstreamAnswer(answer.statusCode ?? 502, answer.headers, bytes));
      });
      request.on('error', (error) => reject(new UpstreamUnavailable(error.message)));
      request.end(body);
    });
  }

  /** Streams the request to NapCat and NapCat's answer back, untouched (but for the token). */
  #pass(req: http.IncomingMessage, res: http.ServerResponse, url: URL, body?: Buffer): void {
    const headers = forwardable(req.headers);
    if (body) headers['content-length'] = String(body.length);
    const upstream = this.#request(req.method ?? 'GET', `${url.pathname}${withoutToken(url.search)}`, headers, (answer) => {
      res.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
      answer.pipe(res);
    });
    upstream.on('error', (error) => {
      this.#deps.stats.counters.upstreamUnavailable++;
      if (res.headersSent) res.destroy(error);
      else sendJson(res, failedReply(new UpstreamUnavailable(error.message).message, RETCODE_HTTP, null));
    });
    if (body) upstream.end(body);
    else req.pipe(upstream);
  }

  #request(method: string, path: string, headers: http.OutgoingHttpHeaders, onAnswer: (answer: http.IncomingMessage) => void): http.ClientRequest {
    const target = this.#deps.upstream;
    const prefix = target.pathname.replace(/\/$/, '');
    const token = this.#deps.upstreamToken;
    return (target.protocol === 'https:' ? https : http).request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method,
        path: `${prefix}${path}`,
        headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        agent: this.#agent,
      },
      onAnswer,
    );
  }
}

/** NapCat's payload: the query for GET, else the body with the query over it; undefined when the body cannot be read. */
function paramsOf(req: http.IncomingMessage, url: URL, body: Buffer): Record<string, unknown> | undefined {
  const query = Object.fromEntries(url.searchParams);
  delete query.access_token;
  if (req.method === 'GET') return query;
  let parsed: unknown = {};
  const text = body.toString('utf8');
  if (req.headers['content-type']?.includes('application/x-www-form-urlencoded')) parsed = Object.fromEntries(new URLSearchParams(text));
  else if (text !== '') parsed = parseJson(text);
  return isRecord(parsed) ? { ...parsed, ...query } : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    try {
      return json5.parse(text);
    } catch {
      return undefined;
    }
  }
}

function forwardable(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP.has(name.toLowerCase())));
}

function sendJson(res: http.ServerResponse, reply: OneBotReply): void {
  const text = JSON.stringify(reply);
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => parts.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(parts)));
    stream.on('error', reject);
  });
}
