// defaults < config file < command line, each layer checked by the same validators. A bad
// value stops the proxy before it listens (a service should not start half-configured);
// unknown keys in the file are only reported.
import { readFile } from 'node:fs/promises';
import type { ConfigProblem } from '../../config';
import { parseProxyArgs } from './args';
import { defaultProxyConfig, type ProxyConfig } from './settings';
import { applyProxyLayer } from './validate';

export const COMMAND_LINE = '命令行 / command line';

export interface LoadedProxyConfig {
  config: ProxyConfig;
  /** Every problem; `fatal` ones stop the start. */
  problems: ConfigProblem[];
  fatal: boolean;
  help: boolean;
}

export async function loadProxyConfig(argv: readonly string[], read: (file: string) => Promise<string> = (f) => readFile(f, 'utf8')): Promise<LoadedProxyConfig> {
  const args = parseProxyArgs(argv);
  let config = defaultProxyConfig();
  const problems: ConfigProblem[] = [];
  if (args.configFile) {
    const source = args.configFile;
    let raw: unknown;
    try {
      raw = JSON.parse((await read(source)).replace(/^\uFEFF/, ''));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const message = code ? `无法读取 / cannot read: ${code}` : `不是合法的 JSON / not valid JSON: ${(err as Error).message}`;
      problems.push({ source, kind: 'malformed', path: '', message });
    }
    if (raw !== undefined) {
      const layer = applyProxyLayer(config, raw, source);
      config = layer.config;
      problems.push(...layer.problems);
    }
  }
  const flags = applyProxyLayer(config, args.layer, COMMAND_LINE);
  config = flags.config;
  problems.push(...flags.problems);
  const { upstream, reverse } = config.proxy;
  if (!args.help && (upstream === '') === (reverse === '')) {
    problems.push({
      source: COMMAND_LINE,
      kind: 'invalid',
      path: upstream === '' ? 'upstream' : 'reverse',
      message: '需要 --upstream（正向/HTTP）或 --reverse（反向）之一，且只能一个 / exactly one of --upstream (forward/HTTP) or --reverse (reverse) is needed',
    });
  }
  return { config, problems, fatal: problems.some((p) => p.kind !== 'unknown'), help: args.help };
}
