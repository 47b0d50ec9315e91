// One row per config field: its dotted path, what values it accepts, and how the WebUI
// labels it. The validator, the WebUI schema and the flat WebUI form all read this table,
// so a new option is added in exactly two places: here and in defaults.ts.
import type { MediaCacheConfig } from './defaults';

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
  | 'urlCoalesceSeconds'
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
  | (FieldText & { kind: 'integer'; min: number; max: number; unit?: 'bytes' });

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
    help: '同时进行的首次上传数（同时开始的媒体发送为其两倍） / First uploads in flight at once (media sends starting: twice this)',
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
    path: 'urlCoalesceSeconds',
    kind: 'integer',
    min: 0,
    max: 3600,
    label: 'URL 合并窗口（秒）',
    help: '此时间内同一 URL 只下载一次，0 为关闭 / Same URL downloads once within this window; 0 = off',
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

export type FieldValue = boolean | string | number;

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
