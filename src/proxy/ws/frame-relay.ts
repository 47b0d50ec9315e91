// The frames of one bot connection and its one NapCat connection, either way. Everything
// passes as the bytes it was, in order, at once; only a frame that sends media is taken
// aside (SendRelay) and answered when NapCat answers it, so a long send never holds up the
// frames behind it. The bot's echo values stay its own: the proxy's requests carry echoes
// of their own (Correlator). Nothing here knows whether it is forward or reverse mode.
import { setMaxListeners } from 'node:events';
import { LaneAbortError } from '../../flight/lanes';
import type { Logger } from '../../logger';
import { failedReply, RETCODE_WS, SHUTTING_DOWN, UpstreamUnavailable, type OneBotReply } from '../replies';
import type { SendRelay } from '../send/relay';
import type { ProxyStats } from '../stats';
import { Correlator } from './correlator';
import { echoOf, inspectBotFrame, withEcho } from './inspect';

export interface NapcatSide {
  readonly isOpen: boolean;
  /** Not open, and not about to be: answer instead of waiting. */
  readonly isDown: boolean;
  /** Throws UpstreamUnavailable when not open. */
  send(data: Buffer | string, isBinary: boolean): void;
}

export interface BotSide {
  send(data: Buffer | string, isBinary: boolean): void;
}

export interface RelayContext {
  sends: SendRelay;
  stats: ProxyStats;
  logger: Logger;
  draining(): boolean;
}

/** Frames a bot sends before NapCat's connection first opens; more are answered as unreachable. */
const MAX_EARLY_FRAMES = 1000;

export class FrameRelay {
  readonly #ctx: RelayContext;
  readonly #bot: BotSide;
  readonly #napcat: NapcatSide;
  readonly #correlator = new Correlator();
  readonly #abort = new AbortController();
  #early: Array<[Buffer, boolean]> = [];
  #openWaiters: Array<{ resolve(): void; reject(error: unknown): void }> = [];
  #inFlight = 0;
  #idleWaiters: Array<() => void> = [];

  constructor(ctx: RelayContext, bot: BotSide, napcat: NapcatSide) {
    // Every send waiting in a lane listens to the one signal; hundreds are normal in a broadcast.
    setMaxListeners(Infinity, this.#abort.signal);
    this.#ctx = ctx;
    this.#bot = bot;
    this.#napcat = napcat;
  }

  /** Media sends still running (waiting in a lane or inside NapCat). */
  get inFlight(): number {
    return this.#inFlight;
  }

  fromBot(data: Buffer, isBinary: boolean): void {
    const frame = inspectBotFrame(data);
    if (frame.kind === 'pass') return this.#toNapcat(data, isBinary);
    const echo = frame.echo ?? '';
    if (this.#ctx.draining()) return this.#reply(failedReply(SHUTTING_DOWN, RETCODE_WS, echo));
    this.#inFlight++;
    // The bot's bytes: for a `pass`, and to send again with the proxy's echo while nothing was
    // rewritten. Once rewritten, they are let go (a queued 1 MB image is 1.4 MB of them).
    let raw: Buffer | undefined = data;
    const call = async (action: string, params: Record<string, unknown>, asSent = false): Promise<OneBotReply> => {
      await this.#whenOpen();
      const frameFor = (proxyEcho: string) => (asSent && frame.json && raw && withEcho(raw, proxyEcho)) || JSON.stringify({ action, params, echo: proxyEcho });
      return this.#correlator.request((bytes) => this.#napcat.send(bytes, isBinary && typeof bytes !== 'string'), frameFor);
    };
    const committed = (asSent: boolean) => {
      if (!asSent) raw = undefined;
    };
    this.#ctx.sends
      .relay({ action: frame.action, base: frame.base, params: frame.params, retcode: RETCODE_WS, committed }, call, this.#abort.signal)
      .then(
        (result) => (result === 'pass' ? this.#toNapcat(raw!, isBinary) : this.#reply({ ...result, echo })),
        (error: unknown) => {
          if (error instanceof LaneAbortError) return this.#reply(failedReply(SHUTTING_DOWN, RETCODE_WS, echo));
          if (error instanceof UpstreamUnavailable) {
            this.#ctx.stats.counters.upstreamUnavailable++;
            return this.#reply(failedReply(error.message, RETCODE_WS, echo));
          }
          const message = (error as Error)?.message ?? String(error);
          this.#ctx.logger.error(`转发媒体发送时出错 / error while relaying a media send: ${message}`);
          this.#reply(failedReply(`代理内部错误 / proxy internal error: ${message}`, RETCODE_WS, echo));
        },
      )
      .finally(() => this.#settled());
  }

  fromNapcat(data: Buffer, isBinary: boolean): void {
    if (this.#correlator.take(data)) return;
    this.#ctx.stats.counters.framesToBot++;
    this.#bot.send(data, isBinary);
  }

  napcatOpened(): void {
    const early = this.#early;
    this.#early = [];
    for (const [data, isBinary] of early) this.#toNapcat(data, isBinary);
    for (const w of this.#openWaiters.splice(0)) w.resolve();
  }

  /** NapCat could not be reached (this attempt); frames waiting for it are answered now. */
  napcatFailed(reason: string): void {
    const error = new UpstreamUnavailable(reason);
    for (const w of this.#openWaiters.splice(0)) w.reject(error);
    const early = this.#early;
    this.#early = [];
    for (const [data] of early) this.#unreachable(data, reason);
  }

  /** NapCat's connection closed: the proxy's own requests on it get no answer now. */
  napcatClosed(reason: string): void {
    this.#correlator.failAll(new UpstreamUnavailable(reason));
    this.napcatFailed(reason);
  }

  /**
   * Drops the sends still waiting in a lane (shutdown ran out of time). A bot that merely
   * disconnects does not cancel anything: NapCat too carries out what it has received.
   */
  abortWaiting(): void {
    this.#abort.abort();
  }

  /** Resolves once no media send is running. */
  idle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #settled(): void {
    if (--this.#inFlight === 0) for (const w of this.#idleWaiters.splice(0)) w();
  }

  #whenOpen(): Promise<void> {
    if (this.#napcat.isOpen) return Promise.resolve();
    if (this.#napcat.isDown) return Promise.reject(new UpstreamUnavailable('未连接 / not connected'));
    return new Promise((resolve, reject) => this.#openWaiters.push({ resolve, reject }));
  }

  #toNapcat(data: Buffer, isBinary: boolean): void {
    if (this.#napcat.isOpen) {
      this.#ctx.stats.counters.framesToNapcat++;
      this.#napcat.send(data, isBinary);
    } else if (!this.#napcat.isDown && this.#early.length < MAX_EARLY_FRAMES) {
      this.#early.push([data, isBinary]);
    } else {
      this.#unreachable(data, '未连接 / not connected');
    }
  }

  #unreachable(data: Buffer, reason: string): void {
    this.#ctx.stats.counters.upstreamUnavailable++;
    this.#reply(failedReply(new UpstreamUnavailable(reason).message, RETCODE_WS, echoOf(data) ?? null));
  }

  #reply(reply: OneBotReply): void {
    this.#bot.send(JSON.stringify(reply), false);
  }
}
