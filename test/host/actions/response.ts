// OneBot 11 response shapes (OneBotAction.ts:19-43, §4.4, §9 item 9): a thrown error
// becomes retcode 1200 over WebSocket and 200 over HTTP and plugin calls.
export interface OB11Response<T = unknown> {
  status: 'ok' | 'failed';
  retcode: number;
  data: T | null;
  message: string;
  wording: string;
  echo?: unknown;
  stream?: 'normal-action' | 'stream-action';
}

export function okResponse<T>(data: T, echo?: unknown): OB11Response<T> {
  return { status: 'ok', retcode: 0, data, message: '', wording: '', echo };
}

export function errorResponse(message: string, retcode: number, echo?: unknown): OB11Response<never> {
  return { status: 'failed', retcode, data: null, message, wording: message, echo, stream: 'normal-action' };
}

export const RETCODE_HTTP = 200;
export const RETCODE_WS = 1200;
/** Parameter check failures: 400 from `handle`, 1400 from `websocketHandle` (OneBotAction.ts, v4.18.5). */
export const RETCODE_BAD_PARAMS = 400;
export const RETCODE_WS_BAD_PARAMS = 1400;
/** Unknown action at the network front (assumed: not in the reference). */
export const RETCODE_UNKNOWN_ACTION = 1404;
