// A client's token read as NapCat reads it (network/websocket-server.ts, http-server.ts):
// `?access_token=` when non-empty, else what follows `Bearer ` in the Authorization header.
// The proxy refuses a wrong one the way NapCat does, so a bot sees no difference.
import type { IncomingHttpHeaders } from 'node:http';

export function presentedToken(url: URL, headers: IncomingHttpHeaders): string {
  const query = url.searchParams.get('access_token');
  if (query) return query;
  return headers.authorization?.split('Bearer ').pop() || '';
}

export function tokenAccepted(expected: string, url: URL, headers: IncomingHttpHeaders): boolean {
  return expected === '' || presentedToken(url, headers) === expected;
}

/** NapCat's WebSocket refusal frame, sent before it closes. */
export const WS_TOKEN_REFUSAL = JSON.stringify({ status: 'failed', retcode: 1403, data: null, message: 'token验证失败', wording: 'token验证失败', echo: null, stream: 'normal-action' });

/** NapCat's HTTP refusal body (status 403). */
export const HTTP_TOKEN_REFUSAL = JSON.stringify({ message: 'token verify failed!' });
