// One layer of proxy config (a file or the command line) over the layer below: the proxy's
// own keys are checked here, every other key goes to the plugin's validator (src/config),
// so the shared settings accept exactly what the plugin accepts. Problems name the source
// and the field, as the plugin's do.
import { applyLayer, isPlainObject, show, type ConfigProblem } from '../../config';
import { cloneSettings, type ProxyConfig, type ProxySettings } from './settings';

const OWN_KEYS = new Set(['upstream', 'reverse', 'listen', 'token', 'upstreamToken', 'napcatPathMap', 'rewrite', 'napcatTimeout']);
const TIMEOUT_KEYS = ['baseMs', 'uploadSpeedKBps', 'maxMs'] as const;

export interface ProxyLayerResult {
  config: ProxyConfig;
  problems: ConfigProblem[];
}

export function applyProxyLayer(base: ProxyConfig, raw: unknown, source: string): ProxyLayerResult {
  if (!isPlainObject(raw)) {
    return {
      config: base,
      problems: [{ source, kind: 'malformed', path: '', message: '顶层必须是 JSON 对象 / top level must be a JSON object' }],
    };
  }
  // Without a prototype: a "__proto__" key (JSON.parse makes it an own key) stays a key, and the
  // plugin's validator reports it as unknown, instead of it setting the object's prototype.
  const own: Record<string, unknown> = Object.create(null);
  const shared: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(raw)) {
    const head = key.split('.')[0];
    if (OWN_KEYS.has(head)) own[key] = value;
    else shared[key] = value;
  }
  const media = applyLayer(base.media, shared, source);
  const problems = [...media.problems];
  const proxy = cloneSettings(base.proxy);
  const invalid = (path: string, message: string, value: unknown) =>
    problems.push({ source, kind: 'invalid', path, message: `${message}, got ${show(value)}` });

  for (const [key, value] of Object.entries(own)) {
    switch (key) {
      case 'upstream':
      case 'reverse': {
        const schemes = key === 'upstream' ? ['ws:', 'wss:', 'http:', 'https:'] : ['ws:', 'wss:'];
        if (value === '' || (typeof value === 'string' && urlWithScheme(value, schemes))) proxy[key] = value as string;
        else invalid(key, `需要 ${schemes.map((s) => `${s}//`).join(' / ')} 开头的地址 / must be a ${schemes.join(' or ')} URL`, value);
        break;
      }
      case 'listen':
        if (typeof value === 'string' && hostPort(value)) proxy.listen = value;
        else invalid(key, '需要 主机:端口，如 127.0.0.1:3011 / must be host:port, e.g. 127.0.0.1:3011', value);
        break;
      case 'token':
      case 'upstreamToken':
        if (typeof value === 'string' && value.length <= 4096 && !/[\0\r\n]/.test(value)) proxy[key] = value;
        // Never echo a token into the log, even a malformed one.
        else invalid(key, '需要不含换行的字符串 / must be a string without line breaks', typeof value === 'string' ? '(hidden)' : value);
        break;
      case 'napcatPathMap': {
        const pairs = typeof value === 'string' ? [value] : value;
        const bad = Array.isArray(pairs) ? pairs.find((p) => !pathPair(p)) : value;
        if (Array.isArray(pairs) && bad === undefined) proxy.napcatPathMap = pairs as string[];
        else invalid(key, '需要 "本机绝对路径=NapCat 绝对路径"（或其数组）/ must be "hostPath=napcatPath" with absolute paths (or an array of them)', bad);
        break;
      }
      case 'rewrite':
        if (value === 'auto' || value === 'off') proxy.rewrite = value;
        else invalid(key, '需要 "auto" 或 "off" / must be "auto" or "off"', value);
        break;
      default:
        applyTimeout(proxy, key, value, invalid, (path) => problems.push({ source, kind: 'unknown', path, message: '未知配置项，已忽略 / unknown key, ignored' }));
    }
  }
  const t = proxy.napcatTimeout;
  if (t.maxMs < t.baseMs) invalid('napcatTimeout.maxMs', `不能小于 napcatTimeout.baseMs (${t.baseMs}) / must be at least napcatTimeout.baseMs (${t.baseMs})`, t.maxMs);
  return { config: { proxy, media: media.config }, problems };
}

function applyTimeout(
  proxy: ProxySettings,
  key: string,
  value: unknown,
  invalid: (path: string, message: string, value: unknown) => void,
  unknown: (path: string) => void,
): void {
  const entries: Array<[string, unknown]> =
    key === 'napcatTimeout' ? (isPlainObject(value) ? Object.entries(value) : [['', value]]) : [[key.slice('napcatTimeout.'.length), value]];
  for (const [sub, v] of entries) {
    const path = `napcatTimeout${sub ? `.${sub}` : ''}`;
    if (sub === '') {
      invalid(path, '需要对象 / must be an object', v);
      continue;
    }
    if (!(TIMEOUT_KEYS as readonly string[]).includes(sub)) {
      unknown(path);
      continue;
    }
    const [min, max] = sub === 'uploadSpeedKBps' ? [1, 10_000_000] : [1, 86_400_000];
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) proxy.napcatTimeout[sub as (typeof TIMEOUT_KEYS)[number]] = v;
    else invalid(path, `需要 ${min}–${max} 的整数 / must be an integer ${min}–${max}`, v);
  }
}

function urlWithScheme(value: string, schemes: string[]): boolean {
  try {
    return schemes.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** `host:port`, `[v6]:port`; port 0 lets the system choose (tests). */
export function hostPort(value: string): { host: string; port: number } | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):(\d{1,5})$/.exec(value);
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port > 65535) return undefined;
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

/** `hostPath=napcatPath`, both absolute (POSIX or a Windows drive path). */
export function pathPair(value: unknown): { host: string; napcat: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const eq = value.indexOf('=');
  if (eq <= 0) return undefined;
  const host = value.slice(0, eq);
  const napcat = value.slice(eq + 1);
  const absolute = (p: string) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);
  return absolute(host) && absolute(napcat) ? { host, napcat } : undefined;
}

