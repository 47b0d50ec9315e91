// How NapCat's network adapters read a client's token (websocket-server.ts, http-server.ts
// authorize): `?access_token=` when it is a non-empty string, else whatever follows the
// last `Bearer ` in the Authorization header.
import type http from 'node:http';

export function clientToken(url: URL, headers: http.IncomingHttpHeaders): string {
  const query = url.searchParams.get('access_token');
  if (typeof query === 'string' && query !== '') return query;
  return headers.authorization?.split('Bearer ').pop() || '';
}

/** NapCat accepts everything when its token is empty. */
export function authorized(token: string, url: URL, headers: http.IncomingHttpHeaders): boolean {
  return token === '' || clientToken(url, headers) === token;
}
