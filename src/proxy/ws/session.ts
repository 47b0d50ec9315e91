// What every WebSocket session (one bot connection, one NapCat connection) shares: the
// relay context, the back-off, and the way a session ends (drain, then close).
import { SHUTTING_DOWN } from '../replies';
import type { FrameRelay, RelayContext } from './frame-relay';
import type { WsLink } from './link';

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

/** The inbound side closed: the outbound link closes once the media sends it carries have ended. */
export function closeWhenIdle(relay: FrameRelay, link: WsLink): Promise<void> {
  return relay.idle().then(() => link.close(1000));
}

/**
 * A session's part of a shutdown: wait for its media sends (until `deadline`, a Date.now()
 * value), drop those still waiting, answer the proxy's own requests as shut down, then close.
 */
export async function drainRelay(relay: FrameRelay, deadline: number, closeBoth: () => void): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([relay.idle(), new Promise<void>((resolve) => (timer = setTimeout(() => resolve(), Math.max(0, deadline - Date.now()))))]);
  clearTimeout(timer);
  relay.abortWaiting();
  relay.napcatClosed(SHUTTING_DOWN);
  closeBoth();
}
