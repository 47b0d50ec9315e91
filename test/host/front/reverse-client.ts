// NapCat's reverse WebSocket client (network/websocket-client.ts): connects to the bot's
// URL with X-Self-ID, `Authorization: Bearer <token>` (sent even when the token is empty),
// X-Client-Role Universal and User-Agent OneBot/11; pushes the lifecycle connect on open;
// handles action frames like the server ("不支持的Api" here); after a close or an error it
// tries again `reconnectIntervalMs` later, for as long as it is enabled.
import WebSocket from 'ws';
import type { ActionMap } from '../actions';
import { lifecycleConnect } from './meta-events';
import type { ParseFrame } from './parse';
import { handleWsFrame, sendIfOpen } from './ws-frames';

export interface ReverseClientOptions {
  url: string;
  token?: string;
  /** NapCat's default is 5000. */
  reconnectIntervalMs?: number;
}

export class ReverseClient {
  #connection: WebSocket | undefined;
  #enabled = true;
  #retry: NodeJS.Timeout | undefined;
  /** Connections opened so far (a test reads reconnects from it). */
  opened = 0;

  constructor(
    private readonly actions: ActionMap,
    private readonly selfId: number,
    private readonly options: ReverseClientOptions,
    private readonly parse: ParseFrame,
  ) {
    this.#connect();
  }

  get isOpen(): boolean {
    return this.#connection?.readyState === WebSocket.OPEN;
  }

  /** NapCat's onEvent: sent only while the connection is open, else dropped. */
  emit(text: string): void {
    if (this.isOpen) this.#connection!.send(text);
  }

  close(): void {
    this.#enabled = false;
    clearTimeout(this.#retry);
    this.#connection?.close();
    this.#connection = undefined;
  }

  #connect(): void {
    if (this.#connection || !this.#enabled) return;
    let closedByError = false;
    const ws = new WebSocket(this.options.url, {
      maxPayload: 50 * 1024 * 1024,
      handshakeTimeout: 2000,
      perMessageDeflate: false,
      headers: {
        'X-Self-ID': String(this.selfId),
        Authorization: `Bearer ${this.options.token ?? ''}`,
        'x-client-role': 'Universal',
        'User-Agent': 'OneBot/11',
      },
    });
    this.#connection = ws;
    const send = sendIfOpen(ws);
    ws.on('open', () => {
      this.opened++;
      send(JSON.stringify(lifecycleConnect(this.selfId))).catch(() => undefined);
    });
    ws.on('message', (data) => {
      handleWsFrame(this.actions, this.parse, data.toString(), send, '不支持的Api').catch(() => undefined);
    });
    const again = () => {
      if (!this.#enabled) return;
      this.#connection = undefined;
      this.#retry = setTimeout(() => this.#connect(), this.options.reconnectIntervalMs ?? 5000);
    };
    ws.once('close', () => {
      if (!closedByError) again();
    });
    ws.on('error', () => {
      closedByError = true;
      again();
    });
  }
}
