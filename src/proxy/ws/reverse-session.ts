// Reverse mode: NapCat's WebSocket client connected to the proxy; the proxy connects on to
// the bot's reverse WebSocket server with NapCat's own headers (X-Self-ID, X-Client-Role,
// User-Agent) and the proxy's token as `Authorization: Bearer`, and keeps reconnecting with
// back-off if the bot goes away. Frames for the bot wait (bounded) while it is away, so
// NapCat's lifecycle event and what follows reach it once it is there. NapCat's close ends
// the session: it reconnects by itself, and a new session starts then.
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { UpstreamUnavailable } from '../replies';
import { FrameRelay } from './frame-relay';
import { WsLink } from './link';
import { bearer, closeWhenIdle, drainRelay, type Session, type SessionDeps } from './session';

export interface ReverseDeps extends SessionDeps {
  /** The bot's reverse WebSocket URL. */
  bot: string;
  /** What the proxy presents to the bot. */
  token: string;
}

/** Frames kept for a bot that is away; the oldest go first beyond these. */
const MAX_QUEUED_FRAMES = 10_000;
const MAX_QUEUED_BYTES = 64 * 1024 * 1024;

export class ReverseSession implements Session {
  readonly closed: Promise<void>;
  readonly #napcat: WebSocket;
  readonly #link: WsLink;
  readonly #relay: FrameRelay;
  #queue: Array<[Buffer | string, boolean]> = [];
  #queuedBytes = 0;
  #dropped = 0;
  #draining = false;

  constructor(napcat: WebSocket, req: IncomingMessage, deps: ReverseDeps) {
    this.#napcat = napcat;
    const header = (name: string, fallback: string) => {
      const value = req.headers[name];
      return (Array.isArray(value) ? value[0] : value) ?? fallback;
    };
    const headers: Record<string, string> = {
      'X-Self-ID': header('x-self-id', ''),
      'X-Client-Role': header('x-client-role', 'Universal'),
      'User-Agent': header('user-agent', 'OneBot/11'),
      // NapCat always sends the header, `Bearer ` with an empty token too.
      ...(bearer(deps.token).Authorization ? bearer(deps.token) : { Authorization: 'Bearer ' }),
    };
    let warned = false;
    const link = new WsLink(
      { url: deps.bot, headers, reconnect: 'always', ...deps.reconnect },
      {
        open: () => {
          if (warned) deps.logger.info(`已连上机器人 / connected to the bot: ${deps.bot}`);
          if (this.#dropped > 0) deps.logger.warn(`机器人离开期间丢弃了最早的 ${this.#dropped} 帧 / ${this.#dropped} oldest frames were dropped while the bot was away`);
          warned = false;
          this.#flush();
        },
        message: (data, isBinary) => this.#relay.fromBot(data, isBinary),
        failed: (error, retryInMs) => {
          if (!warned) deps.logger.warn(`无法连接机器人 ${deps.bot}，${retryInMs} ms 后重试 / cannot reach the bot, retrying: ${error.message}`);
          warned = true;
        },
        closed: (code) => deps.logger.warn(`机器人断开（${code}），正在重连 / the bot disconnected (${code}), reconnecting`),
      },
    );
    this.#link = link;
    const toNapcat = {
      get isOpen() {
        return napcat.readyState === WebSocket.OPEN;
      },
      get isDown() {
        return napcat.readyState !== WebSocket.OPEN;
      },
      send(data: Buffer | string, isBinary: boolean) {
        if (napcat.readyState !== WebSocket.OPEN) throw new UpstreamUnavailable('NapCat 已断开 / NapCat disconnected');
        napcat.send(data, { binary: isBinary });
      },
    };
    const toBot = { send: (data: Buffer | string, isBinary: boolean) => this.#toBot(data, isBinary) };
    this.#relay = new FrameRelay({ ...deps, draining: () => this.#draining || deps.draining() }, toBot, toNapcat);
    napcat.on('message', (data, isBinary) => this.#relay.fromNapcat(data as Buffer, isBinary));
    this.closed = new Promise((resolve) => {
      napcat.once('close', () => {
        this.#relay.napcatClosed('NapCat 关闭了连接 / NapCat closed the connection');
        void closeWhenIdle(this.#relay, link).then(resolve);
      });
    });
  }

  drain(deadline: number): Promise<void> {
    this.#draining = true;
    return drainRelay(this.#relay, deadline, () => {
      this.#napcat.close(1001, 'proxy shutting down');
      this.#link.close(1001);
    });
  }

  #toBot(data: Buffer | string, isBinary: boolean): void {
    if (this.#link.isOpen) {
      this.#link.send(data, isBinary);
      return;
    }
    this.#queue.push([data, isBinary]);
    this.#queuedBytes += data.length;
    while (this.#queue.length > MAX_QUEUED_FRAMES || this.#queuedBytes > MAX_QUEUED_BYTES) {
      const [old] = this.#queue.shift()!;
      this.#queuedBytes -= old.length;
      this.#dropped++;
    }
  }

  #flush(): void {
    const queue = this.#queue;
    this.#queue = [];
    this.#queuedBytes = 0;
    for (const [data, isBinary] of queue) this.#link.send(data, isBinary);
    this.#dropped = 0;
  }
}
