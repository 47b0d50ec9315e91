// An outbound WebSocket that keeps trying: to NapCat in forward mode (until it has opened
// once; after that, a close ends the bot's session as NapCat's own close would), and to the
// bot in reverse mode (always, as NapCat's reverse client does). Back-off doubles from
// `minMs` to `maxMs`.
import WebSocket from 'ws';

/**
 * The masking key of every frame the proxy sends: zero. Masking (RFC 6455 §5.3) guards
 * caching intermediaries between a browser and a server against payloads a script chose; a
 * link the operator configured to NapCat or to the bot has no such page and no such cache.
 * ws (NapCat's own WebSocket library since 8.4) sends a zero-keyed frame without the masking
 * pass and its receiver skips the unmasking pass: for a 1 MB base64 image that is about 8 ms
 * of the proxy's CPU and 7 ms of NapCat's per send here, and both sit inside a lane, where
 * each send of one content waits for the one before it (docs/bench.md, "The proxy").
 */
function zeroMask(mask: Buffer): void {
  mask.fill(0);
}

export interface LinkHandlers {
  open(): void;
  message(data: Buffer, isBinary: boolean): void;
  /** An attempt failed before it opened; another follows after the back-off. */
  failed(error: Error, retryInMs: number): void;
  /** An open connection closed; `reconnecting` says whether another attempt follows. */
  closed(code: number, reason: string, reconnecting: boolean): void;
}

export interface LinkOptions {
  url: string;
  headers: Record<string, string>;
  /** `until-open`: retry only until the first open; `always`: also after an open connection closes. */
  reconnect: 'until-open' | 'always';
  minMs: number;
  maxMs: number;
}

export class WsLink {
  readonly #options: LinkOptions;
  readonly #handlers: LinkHandlers;
  #socket: WebSocket | undefined;
  #timer: NodeJS.Timeout | undefined;
  #delay: number;
  #closed = false;
  #everOpened = false;
  #everFailed = false;

  constructor(options: LinkOptions, handlers: LinkHandlers) {
    this.#options = options;
    this.#handlers = handlers;
    this.#delay = options.minMs;
    this.#connect();
  }

  get isOpen(): boolean {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  /** Not open, and no attempt is pending a first answer: senders should not wait. */
  get isDown(): boolean {
    return !this.isOpen && (this.#everFailed || this.#everOpened || this.#closed);
  }

  send(data: Buffer | string, isBinary: boolean): void {
    this.#socket!.send(data, { binary: isBinary });
  }

  close(code?: number, reason?: string): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    const socket = this.#socket;
    this.#socket = undefined;
    if (!socket) return;
    if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
    else socket.close(code, reason);
  }

  #connect(): void {
    if (this.#closed) return;
    const socket = new WebSocket(this.#options.url, {
      headers: this.#options.headers,
      perMessageDeflate: false,
      handshakeTimeout: 10_000,
      generateMask: zeroMask,
    });
    this.#socket = socket;
    let opened = false;
    socket.on('open', () => {
      opened = true;
      this.#everOpened = true;
      this.#delay = this.#options.minMs;
      this.#handlers.open();
    });
    socket.on('message', (data, isBinary) => this.#handlers.message(data as Buffer, isBinary));
    // ws reports a refused upgrade (`Unexpected server response: 401`) as an error, then closes.
    let failure: Error | undefined;
    socket.on('error', (error) => (failure ??= error));
    socket.once('close', (code, reason) => {
      if (this.#socket === socket) this.#socket = undefined;
      if (this.#closed) return;
      const again = !opened || this.#options.reconnect === 'always';
      if (opened) this.#handlers.closed(code, reason.toString(), again);
      else {
        this.#everFailed = true;
        this.#handlers.failed(failure ?? new Error(`closed (${code})`), this.#delay);
      }
      if (!again) {
        this.#closed = true;
        return;
      }
      const wait = opened ? this.#options.minMs : this.#delay;
      this.#delay = Math.min(this.#delay * 2, this.#options.maxMs);
      this.#timer = setTimeout(() => this.#connect(), wait);
    });
  }
}
