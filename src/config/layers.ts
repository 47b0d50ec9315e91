// Pure precedence: built-in defaults < shipped plugin.json < <dataPath>/plugin.json <
// <dataPath>/config.json. Each layer is validated over the result of the ones below it.
import { DEFAULT_CONFIG, cloneConfig, type MediaCacheConfig } from './defaults';
import { FIELDS, type FieldPath } from './fields';
import { applyLayer, type ConfigProblem } from './validate';

/** Which layer decided a field: the highest one that set it with a valid value. */
export type LayerId = 'default' | 'shipped' | 'operator' | 'webui';

export interface Layer {
  id: Exclude<LayerId, 'default'>;
  /** File path (or 'WebUI'), used in problem reports. */
  source: string;
  /** Parsed JSON; layers whose file is missing or malformed are simply not passed. */
  raw: unknown;
}

export type FieldSources = Record<FieldPath, LayerId>;

export interface ResolvedConfig {
  /** The effective configuration. */
  config: MediaCacheConfig;
  /** Everything below the WebUI layer; `saveWebUiConfig` stores only what differs from it. */
  lower: MediaCacheConfig;
  sources: FieldSources;
  problems: ConfigProblem[];
}

const ORDER: readonly Layer['id'][] = ['shipped', 'operator', 'webui'];

export function resolveLayers(layers: readonly Layer[]): ResolvedConfig {
  const sorted = [...layers].sort((a, b) => ORDER.indexOf(a.id) - ORDER.indexOf(b.id));
  const sources = Object.fromEntries(FIELDS.map((f) => [f.path, 'default'])) as FieldSources;
  const problems: ConfigProblem[] = [];
  let config = cloneConfig(DEFAULT_CONFIG);
  let lower = cloneConfig(DEFAULT_CONFIG);
  for (const layer of sorted) {
    const result = applyLayer(config, layer.raw, layer.source);
    config = result.config;
    problems.push(...result.problems);
    for (const p of result.set) sources[p] = layer.id;
    if (layer.id !== 'webui') lower = cloneConfig(config);
  }
  return { config, lower, sources, problems };
}
