// What every WebSocket session (one bot connection, one NapCat connection) shares: the
// relay context, the back-off, and the way a session ends (drain, then close).
import type { FrameRelay, RelayContext } from './frame-relay';

export interface SessionDeps extends RelayContext {
  /** Reconnect back-off, ms. */
  reconnect: { minMs: number; maxMs: number };
}

export interface Session {
  /** Refuses new media sends, waits for those running (up to `deadline`, a Date.now() value), then closes. */
  drain(deadline: number): Promise<void>;
  /** Resolves once both sides are closed. */
  readonly closed: Promise<void>;
}

/** Close codes a peer may be sent; the rest (1005, 1006, 1015) only describe a close. */
export function sendableCode(code: number): number {
  return code === 1000 || (code >= 1001 && code <= 1003) || (code >= 1007 && code <= 1014 && code !== 1010) || (code >= 3000 && code <= 4999) ? code : 1012;
}

/** The query of a request without `access_token` (the proxy presents its own token upstream). */
export function withoutToken(search: string): string {
  const params = new URLSearchParams(search);
  params.delete('access_token');
  const rest = params.toString();
  return rest ? `?${rest}` : '';
}

export function bearer(token: string): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** Waits for the relay's media sends to end, or for `deadline` (a Date.now() value). */
export async function idleBy(relay: FrameRelay, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([relay.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))))]);
  clearTimeout(timer);
}
