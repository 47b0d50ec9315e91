// The proxy bench (issue 12, "Measured"): each scenario runs its modes in the same run,
// same seeds, against the model's OneBot front. Modes: NapCat alone (the plugin installed
// but off), the plugin, the proxy passing segments as they came (only the lanes act), and
// the proxy with the shared store (base64 rewritten to file:// store paths). The `json5`
// scenarios run the model's front with NapCat's own frame parser at its own CPU cost (0.3 s per
// 1 MB base64 frame here), which the default front spares (test/host/front/parse.ts): smaller,
// so they run in a few minutes, and what each mode gains on a real NapCat.
import type { FrontParse } from '../../test/host/front/parse';

const MiB = 1024 * 1024;

export type ProxyMode = 'baseline' | 'plugin' | 'proxy' | 'proxy-shared';

export interface BroadcastScenario {
  kind: 'broadcast';
  id: string;
  title: string;
  sizeBytes: number;
  sends: number;
  /** Distinct images; send i carries image i % distinct (interleaved). */
  distinct: number;
  modes: readonly ProxyMode[];
  /** Every kernel upload hangs: NapCat answers each send with its Timeout. */
  outage?: boolean;
  /** How NapCat's front parses frames; 'json' (the fast default) unless set. */
  parse?: FrontParse;
}

export interface PassThroughScenario {
  kind: 'pass-through';
  id: string;
  title: string;
  calls: number;
  events: number;
}

export type ProxyScenario = BroadcastScenario | PassThroughScenario;

export const PROXY_SCENARIOS: readonly ProxyScenario[] = [
  { kind: 'broadcast', id: 'proxy-b64-1mb-200', title: '1 MB base64 × 200 群 / 200 groups', sizeBytes: MiB, sends: 200, distinct: 1, modes: ['baseline', 'plugin', 'proxy', 'proxy-shared'] },
  { kind: 'broadcast', id: 'proxy-distinct3-60', title: '3 张不同图片 × 60 交错 / 3 distinct × 60 interleaved', sizeBytes: MiB, sends: 180, distinct: 3, modes: ['baseline', 'plugin', 'proxy', 'proxy-shared'] },
  { kind: 'broadcast', id: 'proxy-json5-1mb-30', title: 'json5 解析：1 MB base64 × 30 群 / json5 parse: 30 groups', sizeBytes: MiB, sends: 30, distinct: 1, modes: ['baseline', 'plugin', 'proxy', 'proxy-shared'], parse: 'json5' },
  { kind: 'broadcast', id: 'proxy-json5-distinct3-30', title: 'json5 解析：3 张不同图片 × 10 交错 / json5 parse: 3 distinct × 10 interleaved', sizeBytes: MiB, sends: 30, distinct: 3, modes: ['baseline', 'plugin', 'proxy', 'proxy-shared'], parse: 'json5' },
  { kind: 'broadcast', id: 'proxy-outage', title: '每次都超时 × 20 / every attempt times out × 20', sizeBytes: MiB, sends: 20, distinct: 1, modes: ['baseline', 'proxy'], outage: true },
  { kind: 'pass-through', id: 'proxy-passthrough', title: '10,000 次 get_status 与 10,000 个事件 / 10,000 get_status and 10,000 events', calls: 10_000, events: 10_000 },
];

export function selectProxyScenarios(only: readonly string[]): ProxyScenario[] {
  if (only.length === 0) return [...PROXY_SCENARIOS];
  const unknown = only.filter((id) => !PROXY_SCENARIOS.some((s) => s.id === id));
  if (unknown.length) throw new Error(`未知场景 / unknown scenario: ${unknown.join(', ')}（可选 / known: ${PROXY_SCENARIOS.map((s) => s.id).join(', ')}）`);
  return PROXY_SCENARIOS.filter((s) => only.includes(s.id));
}
