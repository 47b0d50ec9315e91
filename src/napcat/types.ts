// Minimal NapCat plugin-host types, written from the documented host contract
// (reference: napcat-plugins.md §2, §4; napcat-pipeline.md §5.5).
// Why vendored: the official `napcat-types` package is 404 on npm here, and the
// published versions ship raw .ts sources that fail under tsc. We declare only
// what this plugin touches; the shapes are type-only, nothing is imported at run time.
// `core` and `oneBot` stay `unknown`: the hook layer narrows them by duck-typing,
// because class names are minified and shapes differ across host versions.

/** `ctx.logger`: every line is prefixed `[Plugin: <id>]`; `debug` shows only at NapCat's debug level. */
export interface PluginLogger {
  log(...args: unknown[]): void;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export type PluginConfigItemType =
  | 'string'
  | 'number'
  | 'boolean'
  | 'select'
  | 'multi-select'
  | 'html'
  | 'text';

export interface PluginConfigOption {
  label: string;
  value: string | number;
}

/** One field of the WebUI config panel (`plugin_config_ui` / `plugin_config_schema`). */
export interface PluginConfigItem {
  key: string;
  type: PluginConfigItemType;
  label: string;
  description?: string;
  default?: unknown;
  options?: PluginConfigOption[];
  placeholder?: string;
  /** Edits are pushed to `plugin_on_config_change` while the user types. */
  reactive?: boolean;
  hidden?: boolean;
}

export type PluginConfigSchema = PluginConfigItem[];

/** `ctx.NapCatConfig`: static builders; `html`/`plainText` make display-only items with random keys. */
export interface NapCatConfigBuilders {
  text(key: string, label: string, defaultValue?: string, description?: string, reactive?: boolean): PluginConfigItem;
  number(key: string, label: string, defaultValue?: number, description?: string, reactive?: boolean): PluginConfigItem;
  boolean(key: string, label: string, defaultValue?: boolean, description?: string, reactive?: boolean): PluginConfigItem;
  select(
    key: string,
    label: string,
    options: PluginConfigOption[],
    defaultValue?: string | number,
    description?: string,
    reactive?: boolean,
  ): PluginConfigItem;
  multiSelect(
    key: string,
    label: string,
    options: PluginConfigOption[],
    defaultValue?: (string | number)[],
    description?: string,
    reactive?: boolean,
  ): PluginConfigItem;
  html(content: string): PluginConfigItem;
  plainText(content: string): PluginConfigItem;
  combine(...items: PluginConfigItem[]): PluginConfigSchema;
}

/** The wrapped request a route handler receives. */
export interface RouterRequest {
  path: string;
  method: string;
  query: Record<string, unknown>;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  params: Record<string, string>;
  /** The underlying framework request; host-specific. */
  raw: unknown;
}

/** The wrapped response a route handler writes to. */
export interface RouterResponse {
  status(code: number): RouterResponse;
  json(data: unknown): void;
  send(data: unknown): void;
  setHeader(name: string, value: string): void;
  sendFile(path: string): void;
  redirect(url: string): void;
  raw: unknown;
}

export type RouteHandler = (req: RouterRequest, res: RouterResponse) => void | Promise<void>;

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

/** `router.page(...)`: listed as an extension page in the WebUI, served at `/plugin/<id>/page/<path>`. */
export interface PluginPageDefinition {
  path: string;
  title: string;
  /** Relative to `ctx.pluginPath`. */
  htmlFile: string;
  icon?: string;
  description?: string;
}

/** A file served from memory by `router.staticOnMem`. */
export interface PluginMemoryFile {
  path: string;
  content: string | (() => string);
  contentType?: string;
}

/**
 * `ctx.router` (absent before v4.14.0). Routes are cleared on unload, so register them
 * in every `plugin_init`.
 * - `get/post/put/delete/api`: `/api/Plugin/ext/<id>/…`, behind the WebUI token.
 * - `*NoAuth` (v4.15.0+), `page`, `static`, `staticOnMem` (v4.14.13+): under `/plugin/<id>/…`,
 *   reachable WITHOUT login (NapCat #1625) — never put data there.
 */
export interface PluginRouter {
  get(path: string, handler: RouteHandler): void;
  post(path: string, handler: RouteHandler): void;
  put(path: string, handler: RouteHandler): void;
  delete(path: string, handler: RouteHandler): void;
  api(method: HttpMethod, path: string, handler: RouteHandler): void;
  getNoAuth?(path: string, handler: RouteHandler): void;
  postNoAuth?(path: string, handler: RouteHandler): void;
  putNoAuth?(path: string, handler: RouteHandler): void;
  deleteNoAuth?(path: string, handler: RouteHandler): void;
  apiNoAuth?(method: HttpMethod, path: string, handler: RouteHandler): void;
  page?(definition: PluginPageDefinition): void;
  /** `localPath` is relative to `ctx.pluginPath`. */
  static?(urlPath: string, localPath: string): void;
  staticOnMem?(urlPath: string, files: PluginMemoryFile[]): void;
}

/** `ctx.actions`: the OneBot action map. */
export interface PluginActions {
  get(name: string): unknown;
  call(action: string, params: unknown, adapterName: string, config: unknown): Promise<unknown>;
}

export interface PluginManager {
  /** The plugin adapter's network config; passed back to `actions.call`. */
  config: unknown;
  getPluginDataPath?(pluginId: string): string;
  getPluginConfigPath?(pluginId: string): string;
}

/** The `ctx` NapCat passes to every lifecycle export. */
export interface PluginContext {
  /** NapCatCore; internal, shape varies by version. */
  core: unknown;
  /** NapCatOneBot11Adapter; internal, shape varies by version. */
  oneBot: unknown;
  actions: PluginActions;
  /** The plugin id (`package.json` name). */
  pluginName: string;
  /** Code directory; replaced on every store update except `data/`. */
  pluginPath: string;
  /** `<dataPath>/config.json`, where the WebUI config lives. */
  configPath: string;
  /** `<root>/config/plugins/<id>/`; survives updates, shared by every NapCat process of the install. */
  dataPath: string;
  NapCatConfig: NapCatConfigBuilders;
  /** Always `'plugin_manager'`. */
  adapterName: string;
  pluginManager: PluginManager;
  logger: PluginLogger;
  /** Absent on v4.13.x. */
  router: PluginRouter;
  /** v4.14.13+; the namespace of another loaded plugin, else undefined. */
  getPluginExports?<T = unknown>(pluginId: string): T | undefined;
}

/** What NapCat looks for on the entry module; only `plugin_init` is required. */
export interface PluginModule {
  plugin_init(ctx: PluginContext): void | Promise<void>;
  plugin_cleanup?(ctx: PluginContext): void | Promise<void>;
  plugin_onmessage?(ctx: PluginContext, event: unknown): void | Promise<void>;
  plugin_onevent?(ctx: PluginContext, event: unknown): void | Promise<void>;
  plugin_config_ui?: PluginConfigSchema;
  plugin_config_schema?: PluginConfigSchema;
  plugin_get_config?(ctx: PluginContext): unknown;
  /** If exported, NapCat neither writes `config.json` nor reloads the plugin: persisting is ours. */
  plugin_set_config?(ctx: PluginContext, config: Record<string, unknown>): void | Promise<void>;
}
