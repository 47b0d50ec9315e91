// Options of createHost, with their defaults stated once.
import type { FrontParse } from './front/parse';
import type { ApiShape } from './napcat/runtime';
import type { TimeoutConfig } from './napcat/timeout';
import type { FileMode } from './ntqq/files';
import type { MediaServer } from './ntqq/server';

export interface HostOptions {
  /** NapCat's write root: `plugins/`, `config/plugins.json`, `config/plugins/<id>/`. Default: a new temp dir, removed on close. Hosts may share one. */
  root?: string;
  /** NT user-data root: `NapCat/temp/` (shared by every host on it) and `nt_qq_<uin>/nt_data/…`. Default: a new temp dir, removed on close. */
  qqDataRoot?: string;
  /** The QQ account; one host = one account = one NapCat process. Default '10001'. */
  uin?: string;
  /** 'new' = v4.17.49+ (isLocal, timeout config); 'legacy' = ≤ v4.17.48. Default 'new'. */
  apiShape?: ApiShape;
  /** File semantics native code sees (§2.5, §9 item 10). Default 'posix'. */
  fileMode?: FileMode;
  /** Wall ms per model ms for every simulated delay. Default 1 (real time). */
  timeScale?: number;
  /** Uplink bytes per model second, shared by all uploads of this account. Default 40 MiB/s. */
  bandwidth?: number;
  /** Native disk speed for copies and kernel/highway reads, bytes per model second. Default 100 MiB/s. */
  diskBandwidth?: number;
  /** The native copy resolves once the destination is open, before its bytes are written (NapCat types its result `unknown`). Default false. */
  nativeCopyResolvesEarly?: boolean;
  /** One server round trip in model ms (jittered ±50 % by the seed). Default 20. */
  latencyMs?: number;
  /** core.apis.PacketApi.packetStatus: forward messages via NapCat's highway. Default true. */
  packetMode?: boolean;
  /** Seed of the model's PRNG (latency jitter, NT msg ids). Default 1. */
  seed?: number;
  /** OneBot config imageDownloadProxy (http://host:port). Default '' (direct fetch). */
  httpGetProxy?: string;
  /** OneBot config timeout block. Default {baseTimeout 10000, uploadSpeedKBps 256, downloadSpeedKBps 256, maxTimeout 1800000}. */
  timeout?: Partial<TimeoutConfig>;
  /** The media server; pass one to several hosts to share 秒传 knowledge. Default: one per host. */
  server?: MediaServer;
  /** OneBot access token for the front (HTTP and WebSocket). Default '' (none). */
  accessToken?: string;
  /** WebUI token authenticated plugin routes need as `Authorization: Bearer <token>`. Default 'napcat-webui'. */
  webuiToken?: string;
  /**
   * How the OneBot front parses frames and bodies: 'json5' is NapCat's own parser at its own CPU
   * cost (0.3 s per 1 MB base64 frame here); 'json' tries JSON.parse first, same values, far
   * less CPU (front/parse.ts). Default 'json'.
   */
  frontParse?: FrontParse;
  /** Echo NapCat's log lines to the console as well as recording them. Default false. */
  logToConsole?: boolean;
}

export type ResolvedHostOptions = Required<Omit<HostOptions, 'root' | 'qqDataRoot' | 'server' | 'timeout'>> &
  Pick<HostOptions, 'root' | 'qqDataRoot' | 'server' | 'timeout'>;

export const MiB = 1024 * 1024;

export function resolveOptions(options: HostOptions): ResolvedHostOptions {
  return {
    uin: '10001',
    apiShape: 'new',
    fileMode: 'posix',
    timeScale: 1,
    bandwidth: 40 * MiB,
    latencyMs: 20,
    diskBandwidth: 100 * MiB,
    nativeCopyResolvesEarly: false,
    packetMode: true,
    seed: 1,
    httpGetProxy: '',
    accessToken: '',
    webuiToken: 'napcat-webui',
    logToConsole: false,
    frontParse: 'json',
    ...(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as HostOptions),
  };
}
