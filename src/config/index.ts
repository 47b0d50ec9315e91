// Public surface of the config layer.
export {
  DEFAULT_CONFIG,
  cloneConfig,
  type MediaCacheConfig,
  type PacingConfig,
  type RetryConfig,
  type UrlCacheConfig,
  type UrlRule,
} from './defaults';
export { FIELDS, type FieldPath, type FieldValue } from './fields';
export { applyLayer, describeProblem, isPlainObject, show, type ConfigProblem } from './validate';
export { resolveLayers, type FieldSources, type Layer, type LayerId, type ResolvedConfig } from './layers';
export { loadConfig, type ConfigLocation } from './load';
export { saveWebUiConfig, diffFromLower, type SavedConfig } from './save';
export { LiveConfig, type ApplyResult, type ConfigListener } from './live';
export { buildConfigUi, toWebUiValues, provenance, type ConfigUiBuilders, type ConfigUiNotes } from './ui';
export { configFiles, resolveCacheDir } from './paths';
export { reportProblems } from './report';
