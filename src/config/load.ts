// Reads the three config files and resolves them. Missing files are normal (no operator
// overrides, nothing saved from the WebUI yet); unreadable or malformed ones are reported
// with their path and skipped, so one bad file never blocks the plugin from starting.
import { readFile } from 'node:fs/promises';
import type { Logger } from '../logger';
import { resolveLayers, type Layer, type ResolvedConfig } from './layers';
import { configFiles } from './paths';
import type { ConfigProblem } from './validate';
import { reportProblems } from './report';

export interface ConfigLocation {
  /** `ctx.pluginPath`: holds the shipped plugin.json. */
  pluginPath: string;
  /** `ctx.dataPath`: holds the operator's plugin.json and the WebUI's config.json. */
  dataPath: string;
}

/** Loads, validates and logs every problem once. */
export async function loadConfig(where: ConfigLocation, logger: Logger): Promise<ResolvedConfig> {
  const files = configFiles(where.pluginPath, where.dataPath);
  const layers: Layer[] = [];
  const problems: ConfigProblem[] = [];
  for (const id of ['shipped', 'operator', 'webui'] as const) {
    const read = await readJson(files[id]);
    if (read.kind === 'ok') layers.push({ id, source: files[id], raw: read.value });
    else if (read.kind === 'bad') problems.push({ source: files[id], kind: 'malformed', path: '', message: read.message });
  }
  const resolved = resolveLayers(layers);
  resolved.problems.unshift(...problems);
  reportProblems(resolved.problems, logger);
  return resolved;
}

type ReadResult = { kind: 'ok'; value: unknown } | { kind: 'missing' } | { kind: 'bad'; message: string };

async function readJson(file: string): Promise<ReadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'bad', message: `无法读取 / cannot read: ${code ?? String(err)}` };
  }
  try {
    // Editors on Windows like to prepend a BOM, which JSON.parse rejects.
    return { kind: 'ok', value: JSON.parse(text.replace(/^\uFEFF/, '')) };
  } catch (err) {
    return { kind: 'bad', message: `不是合法的 JSON / not valid JSON: ${(err as Error).message}` };
  }
}
