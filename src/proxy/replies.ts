// OneBot 11 replies as NapCat shapes them (action/OneBotAction.ts OB11Response): the proxy
// answers in the same shape when it has to answer itself, with NapCat's retcodes for a
// thrown error (1200 over WebSocket, 200 over HTTP).
export interface OneBotReply {
  status: string;
  retcode: number;
  data: unknown;
  message?: string;
  wording?: string;
  echo?: unknown;
  stream?: string;
}

export const RETCODE_WS = 1200;
export const RETCODE_HTTP = 200;

export function failedReply(message: string, retcode: number, echo?: unknown): OneBotReply {
  return { status: 'failed', retcode, data: null, message, wording: message, echo: echo ?? null, stream: 'normal-action' };
}

export function isReply(value: unknown): value is OneBotReply {
  return typeof value === 'object' && value !== null && typeof (value as OneBotReply).status === 'string';
}

export function isFailed(reply: OneBotReply): boolean {
  return reply.status !== 'ok';
}

export function messageOf(reply: OneBotReply): string {
  return typeof reply.message === 'string' ? reply.message : '';
}

/** NapCat's upstream cannot be reached, or went away before it answered; the proxy keeps trying to reconnect. */
export class UpstreamUnavailable extends Error {
  constructor(reason: string) {
    super(`无法连接 NapCat，代理会自动重连 / NapCat is unreachable, the proxy keeps reconnecting: ${reason}`);
    this.name = 'UpstreamUnavailable';
  }
}

export const SHUTTING_DOWN = '代理正在关闭，请稍后重试 / the proxy is shutting down, try again shortly';
