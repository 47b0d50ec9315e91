// The proxy's own requests on a connection to NapCat, told apart from the bot's by an echo
// the bot cannot produce (a random prefix per proxy). A frame from NapCat is parsed only
// while the proxy has requests out and the frame contains that prefix; everything else
// passes to the bot as the bytes it was.
import { randomBytes } from 'node:crypto';
import { isRecord } from '../../onebot/segment';
import { isReply, type OneBotReply } from '../replies';

const PREFIX = `napcat-media-cache-proxy:${randomBytes(6).toString('hex')}:`;
const PREFIX_BYTES = Buffer.from(PREFIX);

interface Pending {
  resolve(reply: OneBotReply): void;
  reject(error: unknown): void;
}

export class Correlator {
  readonly #pending = new Map<string, Pending>();
  #next = 0;

  get size(): number {
    return this.#pending.size;
  }

  /**
   * Sends a request with an echo of the proxy's own and resolves with NapCat's reply to it.
   * `frame(echo)` gives the bytes (or text) to send for that echo.
   */
  request(send: (data: Buffer | string) => void, frame: (echo: string) => Buffer | string): Promise<OneBotReply> {
    const echo = `${PREFIX}${this.#next++}`;
    return new Promise<OneBotReply>((resolve, reject) => {
      this.#pending.set(echo, { resolve, reject });
      try {
        send(frame(echo));
      } catch (error) {
        this.#pending.delete(echo);
        reject(error);
      }
    });
  }

  /** True when `data` answered one of ours (it is then consumed, not for the bot). */
  take(data: Buffer): boolean {
    if (this.#pending.size === 0 || !data.includes(PREFIX_BYTES)) return false;
    let frame: unknown;
    try {
      frame = JSON.parse(data.toString('utf8'));
    } catch {
      return false;
    }
    if (!isRecord(frame) || typeof frame.echo !== 'string' || !isReply(frame)) return false;
    const pending = this.#pending.get(frame.echo);
    if (!pending) return false;
    this.#pending.delete(frame.echo);
    pending.resolve(frame);
    return true;
  }

  /** NapCat went away: nothing will answer. */
  failAll(error: unknown): void {
    const all = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of all) p.reject(error);
  }
}
