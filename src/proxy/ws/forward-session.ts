// Forward mode: a bot connected to the proxy; the proxy opens one connection to NapCat's
// WebSocket server on the same path (`/`, `/api`, `/event`: NapCat gives `/api` no events)
// and query, presenting the upstream token. While NapCat cannot be reached the bot stays
// connected and its actions are answered as failed, and the proxy keeps trying; once the
// NapCat connection has been open, its close closes the bot's too, as NapCat's own would.
// When the bot leaves, the NapCat connection stays until the media sends it carries end.
import type { IncomingMessage } from 'node:http';
import type WebSocket from 'ws';
import { UpstreamUnavailable } from '../replies';
import { FrameRelay } from './frame-relay';
import { WsLink } from './link';
import { bearer, closeWhenIdle, drainRelay, sendableCode, withoutToken, type Session, type SessionDeps } from './session';

export interface ForwardDeps extends SessionDeps {
  /** NapCat's WebSocket base URL (`ws://host:port[/prefix]`). */
  upstream: URL;
  upstreamToken: string;
}

export class ForwardSession implements Session {
  readonly closed: Promise<void>;
  readonly #bot: WebSocket;
  readonly #link: WsLink;
  readonly #relay: FrameRelay;
  #draining = false;

  constructor(bot: WebSocket, req: IncomingMessage, deps: ForwardDeps) {
    this.#bot = bot;
    const requested = new URL(req.url ?? '/', 'http://proxy');
    const target = new URL(deps.upstream);
    target.pathname = `${target.pathname.replace(/\/$/, '')}${requested.pathname}`;
    target.search = withoutToken(requested.search);
    let warned = false;
    const link = new WsLink(
      { url: target.toString(), headers: { ...bearer(deps.upstreamToken), 'User-Agent': req.headers['user-agent'] ?? 'OneBot/11' }, reconnect: 'until-open', ...deps.reconnect },
      {
        open: () => {
          if (warned) deps.logger.info(`已连上 NapCat / connected to NapCat: ${target.origin}`);
          this.#relay.napcatOpened();
        },
        message: (data, isBinary) => this.#relay.fromNapcat(data, isBinary),
        failed: (error, retryInMs) => {
          if (!warned) deps.logger.warn(`无法连接 NapCat ${target.origin}，${retryInMs} ms 后重试 / cannot reach NapCat, retrying in ${retryInMs} ms: ${error.message}`);
          warned = true;
          this.#relay.napcatFailed(error.message);
        },
        closed: (code, reason) => {
          this.#relay.napcatClosed(`NapCat 关闭了连接 / NapCat closed the connection (${code})`);
          bot.close(sendableCode(code), reason.slice(0, 120));
        },
      },
    );
    this.#link = link;
    const napcat = {
      get isOpen() {
        return link.isOpen;
      },
      get isDown() {
        return link.isDown;
      },
      send(data: Buffer | string, isBinary: boolean) {
        if (!link.isOpen) throw new UpstreamUnavailable('未连接 / not connected');
        link.send(data, isBinary);
      },
    };
    const toBot = {
      send(data: Buffer | string, isBinary: boolean) {
        if (bot.readyState === bot.OPEN) bot.send(data, { binary: isBinary });
      },
    };
    this.#relay = new FrameRelay({ ...deps, draining: () => this.#draining || deps.draining() }, toBot, napcat);
    bot.on('message', (data, isBinary) => this.#relay.fromBot(data as Buffer, isBinary));
    this.closed = new Promise((resolve) => {
      bot.once('close', () => {
        void closeWhenIdle(this.#relay, link).then(resolve);
      });
    });
  }

  drain(deadline: number): Promise<void> {
    this.#draining = true;
    return drainRelay(this.#relay, deadline, () => {
      this.#link.close(1001);
      this.#bot.close(1001, 'proxy shutting down');
    });
  }
}
