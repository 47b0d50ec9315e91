// The scenarios: every axis of issue #6 is varied at least once against one
// reference point (1 MB, one image, base64, all at once, 50 groups, one
// process); two cheap axes share a cell (data: with 10 groups, http with 10
// distinct images). The full cross product (72 cells × 2 modes × 5 repeats)
// would not fit in 15 minutes on 2 cores. docs/bench.md explains the choice.
const MiB = 1024 * 1024;

export type Scheme = 'base64' | 'data' | 'http';
// burst = all at once; spread = a send loop firing every `spreadMs`;
// sequential = one after another (the CPU-per-repeated-send measurement).
export type Pattern = 'burst' | 'spread' | 'sequential';

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
  { ...base, id: 'cpu-1mb-seq', title: '同一图片逐条发送 30 次 / same image sent 30× in turn', peers: 30, pattern: 'sequential', quick: true },
];

export function selectScenarios(quick: boolean, only: readonly string[]): Scenario[] {
  if (only.length) {
    const unknown = only.filter((id) => !SCENARIOS.some((s) => s.id === id));
    if (unknown.length) throw new Error(`未知场景 / unknown scenario: ${unknown.join(', ')}（可选 / known: ${SCENARIOS.map((s) => s.id).join(', ')}）`);
    return SCENARIOS.filter((s) => only.includes(s.id));
  }
  return SCENARIOS.filter((s) => !quick || s.quick);
}
