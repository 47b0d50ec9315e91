// Strict, pure validation of one config layer over the layer below it. A bad value never
// aborts the load: it keeps the lower layer's value and comes back as a problem that names
// the file and the field path, so the operator can fix exactly that line.
import path from 'node:path';
import { cloneConfig, type MediaCacheConfig } from './defaults';
import { FIELDS, RETIRED_FIELDS, formatBytes, parseRules, readField, writeField, type FieldPath, type FieldSpec, type FieldValue } from './fields';

export interface ConfigProblem {
  /** The file (or 'WebUI') the bad input came from. */
  source: string;
  /** `invalid`: a value was rejected; `unknown`: a key we do not know; `retired`: a key we no longer use; `malformed`: the file as a whole. */
  kind: 'invalid' | 'unknown' | 'retired' | 'malformed';
  /** Dotted field path, or '' for the whole file. */
  path: string;
  /** "中文 / English" reason. */
  message: string;
}

export interface LayerResult {
  config: MediaCacheConfig;
  /** Fields this layer set (valid values only). */
  set: FieldPath[];
  problems: ConfigProblem[];
}

/** `source: path: message`, the one line an operator reads in the log. */
export function describeProblem(p: ConfigProblem): string {
  return p.path ? `${p.source}: ${p.path}: ${p.message}` : `${p.source}: ${p.message}`;
}

/** Applies `raw` over `base`; never throws and never mutates `base`. */
export function applyLayer(base: Readonly<MediaCacheConfig>, raw: unknown, source: string): LayerResult {
  const config = cloneConfig(base);
  const problems: ConfigProblem[] = [];
  const set: FieldPath[] = [];
  if (!isPlainObject(raw)) {
    problems.push({
      source,
      kind: 'malformed',
      path: '',
      message: `顶层必须是 JSON 对象，整个文件被忽略 / top level must be a JSON object, file ignored, got ${show(raw)}`,
    });
    return { config, set, problems };
  }
  const input = normalize(raw);
  const known = new Set<string>(FIELDS.map((f) => f.path));
  const groups = new Set<string>(FIELDS.filter((f) => f.path.includes('.')).map((f) => f.path.split('.')[0]));

  for (const [key, value] of Object.entries(input)) {
    if (groups.has(key)) {
      if (!isPlainObject(value)) {
        problems.push({ source, kind: 'invalid', path: key, message: `需要对象 / must be an object, got ${show(value)}` });
        continue;
      }
      for (const sub of Object.keys(value)) {
        if (!known.has(`${key}.${sub}`)) problems.push(unknownKey(source, `${key}.${sub}`));
      }
    } else if (Object.hasOwn(RETIRED_FIELDS, key)) {
      problems.push({ source, kind: 'retired', path: key, message: RETIRED_FIELDS[key] });
    } else if (!known.has(key)) {
      problems.push(unknownKey(source, key));
    }
  }

  for (const spec of FIELDS) {
    const value = lookup(input, spec.path);
    if (value === undefined) continue;
    const reason = check(spec, value);
    if (reason) {
      problems.push({ source, kind: 'invalid', path: spec.path, message: `${reason}, got ${show(value)}` });
      continue;
    }
    const parsed = spec.kind === 'rules' ? parseRules(value) : undefined;
    writeField(config, spec.path, parsed && 'rules' in parsed ? parsed.rules : (value as FieldValue));
    set.push(spec.path);
  }

  // Cross-field rule: undo this layer's retry delays as a pair, which restores the lower
  // layer's pair (valid by induction) instead of mixing one old and one new value.
  const { baseDelayMs, maxDelayMs } = config.retry;
  if (maxDelayMs < baseDelayMs) {
    for (const p of ['retry.baseDelayMs', 'retry.maxDelayMs'] as const) {
      if (!set.includes(p)) continue;
      writeField(config, p, readField(base, p));
      set.splice(set.indexOf(p), 1);
    }
    problems.push({
      source,
      kind: 'invalid',
      path: 'retry.maxDelayMs',
      message: `不能小于 retry.baseDelayMs (${baseDelayMs})，两项都沿用下层值 / must be at least retry.baseDelayMs (${baseDelayMs}); both keep the lower layer's values, got ${maxDelayMs}`,
    });
  }
  return { config, set, problems };
}

function check(spec: FieldSpec, value: unknown): string | undefined {
  switch (spec.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : '需要 true 或 false / must be true or false';
    case 'integer': {
      if (typeof value === 'number' && Number.isInteger(value) && value >= spec.min && value <= spec.max) return undefined;
      if (spec.unit === 'bytes') {
        const range = `${formatBytes(spec.min)}–${formatBytes(spec.max)}`;
        return `需要 ${range} 之间的整数字节数 / must be an integer number of bytes in ${range}`;
      }
      return `需要 ${spec.min}–${spec.max} 的整数 / must be an integer ${spec.min}–${spec.max}`;
    }
    case 'rules': {
      const parsed = parseRules(value);
      return 'reason' in parsed ? parsed.reason : undefined;
    }
    case 'string':
      if (typeof value !== 'string' || value.length > spec.maxLength || value.includes('\0')) {
        return `需要不超过 ${spec.maxLength} 字符的字符串 / must be a string of at most ${spec.maxLength} characters`;
      }
      return spec.path === 'cacheDir' ? checkCacheDir(value) : undefined;
  }
}

// A relative cacheDir is meant to stay under dataPath; climbing out must be spelled as an
// absolute path so that nobody lands outside dataPath by accident.
function checkCacheDir(value: string): string | undefined {
  if (value === '' || path.isAbsolute(value)) return undefined;
  const normal = path.normalize(value);
  if (normal === '..' || normal.startsWith(`..${path.sep}`)) {
    return '相对路径不能跳出 dataPath，如需放在别处请写绝对路径 / a relative path must stay inside dataPath; write an absolute path to put it elsewhere';
  }
  return undefined;
}

// The WebUI form is flat (`retry.maxAttempts`), hand-written files are nested; accept both.
// Display-only panel items carry random `_html_…`/`_text_…` keys and are not config.
// The objects built here have no prototype: JSON.parse gives "__proto__" as an own key, and
// assigned into a plain object it would set the prototype, so every field read through it.
function normalize(raw: Record<string, unknown>): Record<string, unknown> {
  const out = record();
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith('_html_') || key.startsWith('_text_')) continue;
    const dot = key.indexOf('.');
    if (dot < 0) {
      out[key] = isPlainObject(value) && isPlainObject(out[key]) ? Object.assign(record(), out[key], value) : value;
      continue;
    }
    const head = key.slice(0, dot);
    const group = isPlainObject(out[head]) ? (out[head] as Record<string, unknown>) : record();
    if (out[head] !== undefined && !isPlainObject(out[head])) {
      out[key] = value; // keeps the conflict visible as an unknown key instead of hiding it
      continue;
    }
    group[key.slice(dot + 1)] = value;
    out[head] = group;
  }
  return out;
}

function lookup(input: Record<string, unknown>, fieldPath: FieldPath): unknown {
  const [head, tail] = fieldPath.split('.') as [string, string | undefined];
  if (tail === undefined) return input[head];
  const group = input[head];
  return isPlainObject(group) && Object.hasOwn(group, tail) ? group[tail] : undefined;
}

function record(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}

function unknownKey(source: string, key: string): ConfigProblem {
  return { source, kind: 'unknown', path: key, message: '未知配置项，已忽略 / unknown key, ignored' };
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value as a problem line shows it: JSON, cut to 60 characters. */
export function show(v: unknown): string {
  if (v === undefined) return 'undefined';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
