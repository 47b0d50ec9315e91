// The proxy's own settings (where it listens, what it connects to, tokens, the path map),
// beside the media settings it shares with the plugin (src/config: store, retry, caps).
// Defaults are stated once, here; the trade-off of each is where it is declared.
import { DEFAULT_CONFIG, cloneConfig, type MediaCacheConfig } from '../../config';

/** NapCat's OneBot `timeout` block (onebot11_<uin>.json); the proxy cannot read it, so it is told. */
export interface NapcatTimeout {
  /** `baseTimeout`, ms. NapCat's default 10000. */
  baseMs: number;
  /** `uploadSpeedKBps`. NapCat's default 256. */
  uploadSpeedKBps: number;
  /** `maxTimeout`, ms. NapCat's default 1800000. */
  maxMs: number;
}

export interface ProxySettings {
  /**
   * NapCat's endpoint the proxy forwards to: `ws://…` for its WebSocket server, `http://…`
   * for its HTTP server (whose port may also carry WebSocket). Empty in reverse mode.
   */
  upstream: string;
  /**
   * Reverse mode: the bot's reverse WebSocket URL. NapCat's WebSocket client connects to the
   * proxy, and the proxy connects on to this URL with NapCat's headers. Empty otherwise.
   */
  reverse: string;
  /** `host:port` the proxy listens on (bots, or NapCat in reverse mode, and the status page). */
  listen: string;
  /** What bots must present (Bearer header or `?access_token=`), and what the proxy presents to a reverse bot. Empty = none. */
  token: string;
  /** What the proxy presents to NapCat (and NapCat to the proxy in reverse mode). Undefined = `token`. */
  upstreamToken: string | undefined;
  /**
   * `hostPath=napcatPath` pairs: where the proxy's store appears to NapCat (a shared Docker
   * volume). Given = NapCat is known to read the store; empty = the proxy probes its own paths.
   */
  napcatPathMap: string[];
  /**
   * `auto`: rewrite base64/URL media to `file://` store paths once NapCat is known to read
   * them (path map or probe); `off`: never rewrite, only the lanes act.
   */
  rewrite: 'auto' | 'off';
  napcatTimeout: NapcatTimeout;
}

export interface ProxyConfig {
  proxy: ProxySettings;
  /** The settings shared with the plugin; `cacheDir` empty = `./media-cache` under the working directory. */
  media: MediaCacheConfig;
}

export const DEFAULT_PROXY_SETTINGS: Readonly<ProxySettings> = Object.freeze({
  upstream: '',
  reverse: '',
  listen: '127.0.0.1:3011',
  token: '',
  upstreamToken: undefined,
  napcatPathMap: [],
  rewrite: 'auto',
  napcatTimeout: Object.freeze({ baseMs: 10_000, uploadSpeedKBps: 256, maxMs: 1_800_000 }),
}) as Readonly<ProxySettings>;

export function defaultProxyConfig(): ProxyConfig {
  return { proxy: cloneSettings(DEFAULT_PROXY_SETTINGS), media: cloneConfig(DEFAULT_CONFIG) };
}

export function cloneSettings(settings: Readonly<ProxySettings>): ProxySettings {
  return { ...settings, napcatPathMap: [...settings.napcatPathMap], napcatTimeout: { ...settings.napcatTimeout } };
}

/** The token the proxy presents to NapCat. */
export function upstreamTokenOf(settings: Readonly<ProxySettings>): string {
  return settings.upstreamToken ?? settings.token;
}
