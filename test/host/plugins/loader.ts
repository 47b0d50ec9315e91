// NapCat's plugin manager as of v4.14–v4.18.5 (plugins §1, §2, §4; pipeline §5): scans
// subdirectories of <root>/plugins, loads only ids enabled in config/plugins.json
// (default disabled), imports the entry through a file:// URL with ?t= twice
// (validate, then load: two module instances), builds ctx, and calls plugin_cleanup on
// unload and reload. No whitelist: that arrived in v4.18.6.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ActionMap } from '../actions';
import type { NapCatCore } from '../napcat/core';
import type { NapCatOneBot11Adapter } from '../napcat/onebot';
import type { HostRuntime } from '../napcat/runtime';
import { NapCatConfig, type PluginConfigSchema } from './config-builders';
import { PluginRouterRegistry } from './router';

export interface PluginLogger {
  log(...args: unknown[]): void;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export interface PluginContext {
  core: NapCatCore;
  oneBot: NapCatOneBot11Adapter;
  actions: ActionMap;
  pluginName: string;
  pluginPath: string;
  configPath: string;
  dataPath: string;
  NapCatConfig: typeof NapCatConfig;
  adapterName: 'plugin_manager';
  pluginManager: PluginManager;
  logger: PluginLogger;
  router: PluginRouterRegistry;
  getPluginExports<T = PluginModule>(id: string): T | undefined;
}

export interface PluginModule {
  plugin_init?: (ctx: PluginContext) => unknown;
  plugin_cleanup?: (ctx: PluginContext) => unknown;
  plugin_onmessage?: (ctx: PluginContext, event: unknown) => unknown;
  plugin_onevent?: (ctx: PluginContext, event: unknown) => unknown;
  plugin_config_schema?: PluginConfigSchema;
  plugin_config_ui?: PluginConfigSchema;
  plugin_get_config?: (ctx: PluginContext) => unknown;
  plugin_set_config?: (ctx: PluginContext, config: unknown) => unknown;
  plugin_config_controller?: unknown;
}

export type PluginStatus = 'unloaded' | 'loaded' | 'error';

export interface PluginRecord {
  id: string;
  dirName: string;
  pluginPath: string;
  entry: string;
  packageJson: Record<string, unknown>;
  enabled: boolean;
  status: PluginStatus;
  error?: string;
  module?: PluginModule;
  ctx?: PluginContext;
}

const ENTRY_FALLBACKS = ['index.mjs', 'index.js', 'main.mjs', 'main.js'];

export class PluginManager {
  readonly pluginPath: string;
  readonly configDir: string;
  readonly statusFile: string;
  /** Every entry URL imported, in order (each one a fresh module instance). */
  readonly imports: string[] = [];
  private readonly plugins = new Map<string, PluginRecord>();
  private lastStamp = 0;

  constructor(
    root: string,
    private readonly core: NapCatCore,
    private readonly oneBot: NapCatOneBot11Adapter,
    private readonly rt: HostRuntime,
  ) {
    this.pluginPath = path.join(root, 'plugins');
    this.configDir = path.join(root, 'config');
    this.statusFile = path.join(this.configDir, 'plugins.json');
  }

  getPluginDataPath(id: string): string {
    return path.join(this.configDir, 'plugins', id);
  }

  getPluginConfigPath(id: string): string {
    return path.join(this.getPluginDataPath(id), 'config.json');
  }

  getAllPlugins(): PluginRecord[] {
    return [...this.plugins.values()];
  }

  getLoadedPlugins(): PluginRecord[] {
    return this.getAllPlugins().filter((p) => p.status === 'loaded');
  }

  getPluginInfo(id: string): PluginRecord | undefined {
    return this.plugins.get(id);
  }

  /** Boot: scan, validate every enabled plugin by importing it, then load it (a second import). */
  async start(): Promise<void> {
    if (!fs.existsSync(this.pluginPath)) return;
    for (const record of this.scan()) {
      this.plugins.set(record.id, record);
      if (record.enabled && (await this.validate(record))) await this.loadPlugin(record.id);
    }
  }

  async loadPlugin(id: string): Promise<void> {
    const record = this.require(id);
    if (record.status === 'loaded') return;
    try {
      const mod = await this.importEntry(record.entry);
      if (typeof mod.plugin_init !== 'function') throw new Error('plugin_init is not exported / 未导出 plugin_init');
      record.module = mod;
      record.ctx = this.createContext(record);
      await mod.plugin_init(record.ctx);
      record.status = 'loaded';
      record.error = undefined;
      this.rt.log('info', `[PluginManager] 插件已加载 / loaded ${id}`);
    } catch (err) {
      record.status = 'error';
      record.error = (err as Error).message;
      this.rt.log('error', `[PluginManager] 插件加载失败 / failed to load ${id}:`, err);
    }
  }

  async unloadPlugin(id: string): Promise<void> {
    const record = this.require(id);
    if (record.module && record.ctx) {
      try {
        await record.module.plugin_cleanup?.(record.ctx);
      } catch (err) {
        this.rt.log('error', `[PluginManager] plugin_cleanup 出错 / failed in ${id}:`, err);
      }
      record.ctx.router.clear();
    }
    record.module = undefined;
    record.ctx = undefined;
    record.status = 'unloaded';
  }

  /** Unload, rescan this directory, load again if enabled: a new module instance. */
  async reloadPlugin(id: string): Promise<void> {
    const record = this.require(id);
    await this.unloadPlugin(id);
    const fresh = this.scanDirectory(record.dirName);
    if (!fresh) return;
    this.plugins.set(fresh.id, fresh);
    if (fresh.enabled) await this.loadPlugin(fresh.id);
  }

  async setPluginStatus(id: string, enabled: boolean): Promise<void> {
    const status = this.readStatus();
    status[id] = enabled;
    fs.mkdirSync(this.configDir, { recursive: true });
    fs.writeFileSync(this.statusFile, JSON.stringify(status, null, 2));
    if (!this.plugins.has(id)) {
      for (const record of this.scan()) if (!this.plugins.has(record.id)) this.plugins.set(record.id, record);
    }
    const record = this.require(id);
    record.enabled = enabled;
    if (enabled) await this.loadPlugin(id);
    else await this.unloadPlugin(id);
  }

  /** WebUI GET /api/Plugin/Config: plugin_get_config, else configPath parsed; schema = schema || ui. */
  async getPluginConfig(id: string): Promise<{ schema: PluginConfigSchema; config: unknown }> {
    const record = this.require(id);
    const mod = record.module;
    const ctx = record.ctx;
    if (!mod || !ctx) throw new Error(`插件未加载 / plugin not loaded: ${id}`);
    const schema = mod.plugin_config_schema ?? mod.plugin_config_ui ?? [];
    if (mod.plugin_get_config) return { schema, config: await mod.plugin_get_config(ctx) };
    const config = fs.existsSync(ctx.configPath) ? JSON.parse(fs.readFileSync(ctx.configPath, 'utf8')) : {};
    return { schema, config };
  }

  /** WebUI POST /api/Plugin/Config: plugin_set_config if exported (no reload), else write configPath and reload. */
  async setPluginConfig(id: string, config: unknown): Promise<void> {
    const record = this.require(id);
    const mod = record.module;
    const ctx = record.ctx;
    if (!mod || !ctx) throw new Error(`插件未加载 / plugin not loaded: ${id}`);
    if (mod.plugin_set_config) {
      await mod.plugin_set_config(ctx, config);
      return;
    }
    if (!mod.plugin_config_schema && !mod.plugin_config_ui && !mod.plugin_config_controller) {
      throw new Error(`插件不支持配置 / plugin has no config: ${id}`);
    }
    fs.writeFileSync(ctx.configPath, JSON.stringify(config, null, 2));
    await this.reloadPlugin(id);
  }

  async close(): Promise<void> {
    for (const record of this.getLoadedPlugins()) await this.unloadPlugin(record.id);
  }

  private require(id: string): PluginRecord {
    const record = this.plugins.get(id);
    if (!record) throw new Error(`插件不存在 / no such plugin: ${id}`);
    return record;
  }

  private readStatus(): Record<string, boolean> {
    try {
      return JSON.parse(fs.readFileSync(this.statusFile, 'utf8')) as Record<string, boolean>;
    } catch {
      return {};
    }
  }

  private scan(): PluginRecord[] {
    if (!fs.existsSync(this.pluginPath)) return [];
    return fs
      .readdirSync(this.pluginPath, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => this.scanDirectory(d.name))
      .filter((r): r is PluginRecord => r !== undefined);
  }

  private scanDirectory(dirName: string): PluginRecord | undefined {
    const dir = path.join(this.pluginPath, dirName);
    let packageJson: Record<string, unknown> = {};
    const pkgFile = path.join(dir, 'package.json');
    if (fs.existsSync(pkgFile)) {
      try {
        packageJson = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as Record<string, unknown>;
      } catch (err) {
        this.rt.log('warn', `[PluginLoader] package.json 无效 / invalid in ${dirName}:`, err);
      }
    }
    const id = typeof packageJson.name === 'string' && packageJson.name ? packageJson.name : dirName;
    const candidates = [typeof packageJson.main === 'string' ? packageJson.main : undefined, ...ENTRY_FALLBACKS].filter((c): c is string => !!c);
    const entry = candidates
      .map((c) => path.resolve(dir, c))
      .find((file) => file.startsWith(dir + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile());
    if (!entry) {
      this.rt.log('warn', `[PluginLoader] 找不到入口文件 / no entry file in ${dirName}`);
      return undefined;
    }
    const enabled = this.readStatus()[id] ?? id === 'napcat-plugin-builtin';
    return { id, dirName, pluginPath: dir, entry, packageJson, enabled, status: 'unloaded' };
  }

  private async validate(record: PluginRecord): Promise<boolean> {
    try {
      const mod = await this.importEntry(record.entry);
      if (typeof mod.plugin_init === 'function') return true;
      throw new Error('plugin_init is not exported / 未导出 plugin_init');
    } catch (err) {
      record.status = 'error';
      record.error = (err as Error).message;
      this.rt.log('error', `[PluginLoader] 插件无效 / invalid plugin ${record.id}:`, err);
      return false;
    }
  }

  private async importEntry(entry: string): Promise<PluginModule> {
    // Date.now() as NapCat, forced to move on so two imports never share one instance.
    this.lastStamp = Math.max(Date.now(), this.lastStamp + 1);
    const url = `${pathToFileURL(entry).href}?t=${this.lastStamp}`;
    this.imports.push(url);
    return (await import(url)) as PluginModule;
  }

  private createContext(record: PluginRecord): PluginContext {
    const dataPath = this.getPluginDataPath(record.id);
    fs.mkdirSync(dataPath, { recursive: true });
    const prefix = `[Plugin: ${record.id}]`;
    const logger: PluginLogger = {
      log: (...a) => this.rt.log('info', prefix, ...a),
      info: (...a) => this.rt.log('info', prefix, ...a),
      debug: (...a) => this.rt.log('debug', prefix, ...a),
      warn: (...a) => this.rt.log('warn', prefix, ...a),
      error: (...a) => this.rt.log('error', prefix, ...a),
    };
    return {
      core: this.core,
      oneBot: this.oneBot,
      actions: this.oneBot.actions,
      pluginName: record.id,
      pluginPath: record.pluginPath,
      configPath: path.join(dataPath, 'config.json'),
      dataPath,
      NapCatConfig,
      adapterName: 'plugin_manager',
      pluginManager: this,
      logger,
      router: new PluginRouterRegistry(),
      getPluginExports: <T>(id: string) => {
        const other = this.plugins.get(id);
        return (other?.status === 'loaded' ? other.module : undefined) as T | undefined;
      },
    };
  }
}
