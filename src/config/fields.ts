// One row per config field: its dotted path, what values it accepts, and how the WebUI
// labels it. The validator, the WebUI schema and the flat WebUI form all read this table,
// so a new option is added in exactly two places: here and in defaults.ts.
import type { MediaCacheConfig, UrlRule } from './defaults';

export type FieldPath =
  | 'enabled'
  | 'cacheDir'
  | 'maxCacheBytes'
  | 'maxEntries'
  | 'idleTtlSeconds'
  | 'graceSeconds'
  | 'maxPayloadBytes'
  | 'maxConcurrentUploads'
  | 'retry.maxAttempts'
  | 'retry.baseDelayMs'
  | 'retry.maxDelayMs'
  | 'urlCache.enabled'
  | 'urlCache.timeoutSeconds'
  | 'urlCache.rules'
  | 'pacing.mediaSendsPerSecond'
  | 'pacing.burst'
  | 'memoryBudgetBytes'
  | 'debug';

interface FieldText {
  path: FieldPath;
  /** Chinese label for the WebUI panel. */
  label: string;
  /** "中文 / English" help line. */
  help: string;
}

export type FieldSpec =
  | (FieldText & { kind: 'boolean' })
  | (FieldText & { kind: 'string'; maxLength: number })
  | (FieldText & { kind: 'integer'; min: number; max: number; unit?: 'bytes' })
  | (FieldText & { kind: 'rules' });

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

export const FIELDS: readonly FieldSpec[] = [
  {
    path: 'enabled',
    kind: 'boolean',
    label: '启用',
    help: '关闭后所有发送走 NapCat 原流程 / Off: every send takes NapCat’s own path',
  },
  {
    path: 'cacheDir',
    kind: 'string',
    maxLength: 4096,
    label: '缓存目录',
    help: '留空为 <dataPath>/cache；相对路径位于 dataPath 下 / Empty = <dataPath>/cache; relative paths resolve under dataPath',
  },
  {
    path: 'maxCacheBytes',
    kind: 'integer',
    min: MiB,
    max: 1024 * GiB,
    unit: 'bytes',
    label: '缓存容量上限（字节）',
    help: '超出后淘汰最久未用的文件（使用中的不删） / Byte cap of the store; files in use are never evicted',
  },
  {
    path: 'maxEntries',
    kind: 'integer',
    min: 1,
    max: 100_000,
    label: '缓存条目上限',
    help: '缓存文件数上限 / Maximum number of cached files',
  },
  {
    path: 'idleTtlSeconds',
    kind: 'integer',
    min: 0,
    max: 30 * 24 * 3600,
    label: '闲置过期（秒）',
    help: '多久未用即淘汰，0 为不按时间淘汰 / Evict after this long unused; 0 = size/count only',
  },
  {
    path: 'graceSeconds',
    kind: 'integer',
    min: 0,
    max: 3600,
    label: '删除宽限（秒）',
    help: '最后一次使用结束后再等多久才删除文件 / Wait after the last use before deleting a file',
  },
  {
    path: 'maxPayloadBytes',
    kind: 'integer',
    min: KiB,
    max: 2 * GiB,
    unit: 'bytes',
    label: '单个媒体上限（字节）',
    help: '更大的媒体交给 NapCat 原流程 / Larger media go through NapCat’s own path',
  },
  {
    path: 'maxConcurrentUploads',
    kind: 'integer',
    min: 1,
    max: 64,
    label: '并发上传上限',
    help: '同时进行的首次上传数（同时开始的媒体发送为其四倍） / First uploads in flight at once (media sends starting: four times this)',
  },
  {
    path: 'retry.maxAttempts',
    kind: 'integer',
    min: 1,
    max: 10,
    label: '最多尝试次数',
    help: '含首次；只重试确定未送达的失败 / Including the first; only failures that surely did not deliver',
  },
  {
    path: 'retry.baseDelayMs',
    kind: 'integer',
    min: 0,
    max: 60_000,
    label: '重试初始间隔（毫秒）',
    help: '每次翻倍并加随机抖动 / Doubled per attempt, with jitter',
  },
  {
    path: 'retry.maxDelayMs',
    kind: 'integer',
    min: 0,
    max: 600_000,
    label: '重试最大间隔（毫秒）',
    help: '单次等待上限，不小于初始间隔 / Cap on one wait; at least the initial delay',
  },
  {
    path: 'urlCache.enabled',
    kind: 'boolean',
    label: 'URL 图片 HTTP 缓存',
    help: '按 HTTP 缓存规则复用 URL 图片，随机图接口照常每次下载 / Reuse URL media by HTTP caching rules; random-image endpoints still download every time',
  },
  {
    path: 'urlCache.timeoutSeconds',
    kind: 'integer',
    min: 1,
    max: 600,
    label: 'URL 下载超时（秒）',
    help: '一次下载（含重定向）最长用时 / Longest one URL fetch may take, redirects included',
  },
  {
    path: 'urlCache.rules',
    kind: 'rules',
    label: 'URL 最短缓存规则',
    help:
      'JSON 数组，如 [{"match":"https://img.example.com/*","minFreshSeconds":604800}]：匹配的 URL 至少缓存这么久（no-store 除外） / ' +
      'JSON array: matching URLs stay cached at least this long (never no-store ones)',
  },
  {
    path: 'pacing.mediaSendsPerSecond',
    kind: 'integer',
    min: 0,
    max: 1000,
    label: '媒体发送速率（次/秒）',
    help: '按到达顺序限速发送媒体，0 为不限速 / Media sends started per second, in arrival order; 0 = off',
  },
  {
    path: 'pacing.burst',
    kind: 'integer',
    min: 1,
    max: 1000,
    label: '突发发送数',
    help: '令牌桶容量：空闲后可立即连发的数量 / Bucket size: sends that may start at once after a quiet spell',
  },
  {
    path: 'memoryBudgetBytes',
    kind: 'integer',
    min: MiB,
    max: 2 * GiB,
    unit: 'bytes',
    label: '内存预算（字节）',
    help: '插件可占用的内存上限 / Memory the plugin may hold',
  },
  {
    path: 'debug',
    kind: 'boolean',
    label: '调试日志',
    help: '输出详细日志 / Verbose logs',
  },
];

export type FieldValue = boolean | string | number | readonly UrlRule[];

/**
 * Keys earlier versions accepted, each with what became of it. A file that still has one
 * loads as before; the key is ignored and reported once with this line.
 */
export const RETIRED_FIELDS: Readonly<Record<string, string>> = {
  // Not mapped onto a rule: a fixed window is what sent one random image twice.
  urlCoalesceSeconds:
    '已停用并忽略：URL 图片改按 HTTP 缓存规则复用（urlCache），需要固定缓存时长请用 urlCache.rules / ' +
    'retired and ignored: URL media are now reused by HTTP caching rules (urlCache); for a fixed lifetime use urlCache.rules',
};

const MAX_RULES = 100;

/** `urlCache.rules` from a file (an array) or from the flat WebUI form (its JSON text). */
export function parseRules(value: unknown): { rules: UrlRule[] } | { reason: string } {
  const need =
    `需要至多 ${MAX_RULES} 条 {"match": 非空字符串, "minFreshSeconds": 0–31536000 的整数} 的数组 / ` +
    `must be an array of at most ${MAX_RULES} {"match": non-empty string, "minFreshSeconds": integer 0–31536000}`;
  let list = value;
  if (typeof value === 'string') {
    try {
      list = value.trim() === '' ? [] : JSON.parse(value);
    } catch {
      return { reason: need };
    }
  }
  if (!Array.isArray(list) || list.length > MAX_RULES) return { reason: need };
  const rules: UrlRule[] = [];
  for (const item of list as unknown[]) {
    const { match, minFreshSeconds } = (item ?? {}) as Record<string, unknown>;
    const keys = typeof item === 'object' && item !== null ? Object.keys(item) : [];
    if (
      typeof match !== 'string' || match.length === 0 || match.length > 2048 ||
      typeof minFreshSeconds !== 'number' || !Number.isInteger(minFreshSeconds) || minFreshSeconds < 0 || minFreshSeconds > 365 * 86400 ||
      keys.some((k) => k !== 'match' && k !== 'minFreshSeconds')
    ) {
      return { reason: need };
    }
    rules.push({ match, minFreshSeconds });
  }
  return { rules };
}

/** Field values compare by content (a rule list read twice is the same list). */
export function sameFieldValue(a: FieldValue, b: FieldValue): boolean {
  return typeof a === 'object' || typeof b === 'object' ? JSON.stringify(a) === JSON.stringify(b) : a === b;
}

export function readField(config: Readonly<MediaCacheConfig>, path: FieldPath): FieldValue {
  const [head, tail] = path.split('.') as [string, string | undefined];
  const top = (config as unknown as Record<string, unknown>)[head];
  return (tail === undefined ? top : (top as Record<string, unknown>)[tail]) as FieldValue;
}

export function writeField(config: MediaCacheConfig, path: FieldPath, value: FieldValue): void {
  const [head, tail] = path.split('.') as [string, string | undefined];
  const root = config as unknown as Record<string, unknown>;
  if (tail === undefined) root[head] = value;
  else (root[head] as Record<string, unknown>)[tail] = value;
}

export function formatBytes(n: number): string {
  for (const [unit, size] of [['TiB', 1024 * GiB], ['GiB', GiB], ['MiB', MiB], ['KiB', KiB]] as const) {
    if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  }
  return `${n} B`;
}
