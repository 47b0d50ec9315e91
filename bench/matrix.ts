// The scenarios: every axis of issue #6 is varied at least once against one
// reference point (1 MB, one image, base64, all at once, 50 groups, one
// process); two cheap axes share a cell (data: with 10 groups, http with 10
// distinct images). The full cross product (72 cells × 2 modes × 5 repeats)
// would not fit in 15 minutes on 2 cores. docs/bench.md explains the choice.
const MiB = 1024 * 1024;

// path: the bot sends the bytes once with NapCat's upload_file_stream, then `file://` the path
// it got back in every message (issue 13 §4, README "send the bytes once").
export type Scheme = 'base64' | 'data' | 'http' | 'path';
// burst = all at once; spread = a send loop firing every `spreadMs`;
// sequential = one after another (the CPU-per-repeated-send measurement).
export type Pattern = 'burst' | 'spread' | 'sequential';

/** Model host settings a scenario changes (test/host/options.ts). */
export interface BenchHostOptions {
  fileMode?: 'posix' | 'windows-ebusy' | 'windows-delete-pending';
  /** One server round trip, ms. */
  latencyMs?: number;
  /** NapCat's OneBot timeout block. */
  timeout?: { baseTimeout?: number; uploadSpeedKBps?: number };
}

export interface Scenario {
  id: string;
  title: string; // 中文 / English
  sizeBytes: number;
  peers: number; // per NapCat process
  distinct: number; // distinct images; peer i gets image i % distinct
  scheme: Scheme;
  processes: number; // NapCat processes sharing one install (one store)
  pattern: Pattern;
  spreadMs: number;
  quick: boolean; // part of --quick
  host?: BenchHostOptions; // the model host's settings, when not the defaults
  clientRetries?: number; // the bot's retries per send; default CLIENT_RETRIES
  outage?: boolean; // every attempt times out: judged on answer time only
  plugin?: { pacing?: { mediaSendsPerSecond: number; burst: number } }; // the operator's plugin.json in plugin mode
  // sequential: the first this many measured sends are also profiled on their own (V8 warm-up, docs/bench.md)
  firstWindow?: number;
}

const base: Omit<Scenario, 'id' | 'title' | 'quick'> = {
  sizeBytes: MiB,
  peers: 50,
  distinct: 1,
  scheme: 'base64',
  processes: 1,
  pattern: 'burst',
  spreadMs: 0,
};

export const SCENARIOS: readonly Scenario[] = [
  { ...base, id: 'b64-1mb-50', title: '1 MB × 50 群 / 50 groups', quick: true },
  { ...base, id: 'b64-1mb-200', title: '1 MB × 200 群 / 200 groups', peers: 200, quick: false },
  { ...base, id: 'b64-1mb-50-spread', title: '1 MB × 50 群，每 20 ms 一条 / a send every 20 ms', pattern: 'spread', spreadMs: 20, quick: false },
  { ...base, id: 'b64-5mb-50', title: '5 MB × 50 群，同时 / burst', sizeBytes: 5 * MiB, quick: true },
  { ...base, id: 'data-1mb-10', title: 'data: URI × 10 群 / 10 groups', scheme: 'data', peers: 10, quick: false },
  { ...base, id: 'http-1mb-50-distinct10', title: 'http:// 10 张不同图片 × 50 群 / 10 distinct URLs', scheme: 'http', distinct: 10, quick: true },
  { ...base, id: 'b64-1mb-4proc', title: '4 个 NapCat 进程共享缓存 × 25 群 / 4 processes, one store', processes: 4, peers: 25, quick: false },
  // 1 + 120 sends: the first is the store miss, the CPU target is over the 120 after it, and
  // sends 2–30 (the window before 2026-11-30) are reported on their own.
  { ...base, id: 'cpu-1mb-seq', title: '同一图片逐条发送 121 次 / same image sent 121× in turn', peers: 121, pattern: 'sequential', firstWindow: 29, quick: true },
  // The server never answers (NapCat #932, #1815): every attempt ends in NapCat's Timeout (3 s
  // here). The bot does not retry, so the time is when the last send was answered.
  {
    ...base,
    id: 'outage-1mb-20',
    title: '服务器无响应，20 条全部超时 / server down: all 20 sends time out',
    peers: 20,
    quick: false,
    host: { latencyMs: 3_600_000, timeout: { baseTimeout: 3000, uploadSpeedKBps: 1_000_000 } },
    clientRetries: 0,
    outage: true,
  },
  // A real account: every send costs server round trips (here 200 ms each; the kernel opens
  // and hashes the file even for an md5 the server has). The plugin must not be slower.
  { ...base, id: 'rtt200-1mb-200', title: '服务器往返 200 ms × 200 群 / 200 ms server round trips, 200 groups', peers: 200, host: { latencyMs: 200 }, quick: false },
  // Windows file sharing: QQ's open files cannot be deleted or replaced (a deleted one stays
  // delete-pending until QQ lets go), for NapCat's and the plugin's own file calls alike.
  { ...base, id: 'win-1mb-50', title: 'Windows 文件共享语义 × 50 群 / Windows file semantics, 50 groups', host: { fileMode: 'windows-delete-pending' }, quick: false },
  // Pacing (issue 13 §3), plugin mode only paced: 200 sends at once at 10/s, burst 1, must take
  // 20 s ± 5 % with 0 failures; and sends arriving 200 ms apart (each finds the bucket full)
  // must wait < 1 ms each in the pacer (the plugin's own pacing.waitedMs).
  { ...base, id: 'paced-1mb-200', title: '限速 10 条/秒 × 200 群 / paced at 10/s, 200 groups', peers: 200, plugin: { pacing: { mediaSendsPerSecond: 10, burst: 1 } }, quick: false },
  { ...base, id: 'paced-lone-1mb', title: '限速时单独到达的发送 × 10 / lone sends under pacing, 10 × 200 ms apart', peers: 10, pattern: 'spread', spreadMs: 200, plugin: { pacing: { mediaSendsPerSecond: 10, burst: 1 } }, quick: false },
  // Send the bytes once (issue 13 §4): the same 200 sends as b64-1mb-200, by path. Run both
  // (`--only b64-1mb-200,path-1mb-200`) for the comparison table.
  { ...base, id: 'path-1mb-200', title: 'upload_file_stream 一次 + file:// × 200 群 / bytes sent once, then file:// × 200', peers: 200, scheme: 'path', quick: false },
];

export function selectScenarios(quick: boolean, only: readonly string[]): Scenario[] {
  if (only.length) {
    const unknown = only.filter((id) => !SCENARIOS.some((s) => s.id === id));
    if (unknown.length) throw new Error(`未知场景 / unknown scenario: ${unknown.join(', ')}（可选 / known: ${SCENARIOS.map((s) => s.id).join(', ')}）`);
    return SCENARIOS.filter((s) => only.includes(s.id));
  }
  return SCENARIOS.filter((s) => !quick || s.quick);
}
