// createHost: one modelled NapCat process (one QQ account) with its NTQQ kernel, plugin
// loader and OneBot front, for the hook-layer tests, the demo and the bench.
//
// Options (all optional; defaults in options.ts):
//   root          NapCat write root (plugins/, config/)       default: new temp dir, removed on close
//   qqDataRoot    NT user data (NapCat/temp, nt_qq_<uin>/)      default: new temp dir, removed on close
//   uin           QQ account                                    default '10001'
//   apiShape      'new' (v4.17.49+) | 'legacy' (≤ v4.17.48)     default 'new'
//   fileMode      'posix' | 'windows-ebusy' | 'windows-delete-pending'   default 'posix'
//   timeScale     wall ms per model ms                          default 1
//   bandwidth     uplink bytes per model second (shared)        default 40 MiB/s
//   latencyMs     server round trip, model ms (±50 % jitter)    default 20
//   diskBandwidth native copy/read speed, bytes per model second default 100 MiB/s
//   nativeCopyResolvesEarly  native copy answers before its bytes are on disk  default false
//   packetMode    PacketApi.packetStatus (forward via highway)  default true
//   seed          PRNG seed (jitter, NT msg ids)                default 1
//   httpGetProxy  OneBot imageDownloadProxy                     default ''
//   timeout       OneBot timeout config overrides               default NapCat's
//   server        MediaServer shared between hosts             default one per host
//   accessToken   OneBot front token                            default '' (none)
//   webuiToken    Bearer token for authenticated plugin routes default 'napcat-webui'
//   logToConsole  echo log lines                                default false
//
// Several hosts may share `root` and `qqDataRoot` (one temp folder, one nt_qq_<uin>
// tree each). close() stops servers, unloads plugins (plugin_cleanup), cancels every
// model timer and removes the temp dirs the host created.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ActionMap } from './actions';
import type { OB11Response } from './actions/response';
import { ModelClock } from './clock';
import { createCounters, type Counters } from './counters';
import { OneBotFront } from './front/onebot-front';
import { CleanTaskQueue } from './napcat/clean-task';
import { NapCatCore } from './napcat/core';
import { NapCatOneBot11Adapter } from './napcat/onebot';
import { formatLogParts, type HostRuntime, type LogLine } from './napcat/runtime';
import { createKernel, type Kernel } from './ntqq/kernel';
import { NativeClient } from './ntqq/native-client';
import { shareNodeFs } from './ntqq/node-fs-sharing';
import { MediaServer } from './ntqq/server';
import { resolveOptions, type HostOptions, type ResolvedHostOptions } from './options';
import { PluginManager, type PluginRecord } from './plugins/loader';
import { WebUiServer } from './plugins/webui';
import { seededRandom } from './random';

export interface HostPaths {
  root: string;
  qqDataRoot: string;
  /** `<qqDataRoot>/NapCat/temp`, shared by every host on this qqDataRoot. */
  tempPath: string;
  /** `<qqDataRoot>/nt_qq_<uin>/nt_data`. */
  ntData: string;
  pluginsDir: string;
}

export interface Host {
  options: ResolvedHostOptions;
  paths: HostPaths;
  core: NapCatCore;
  oneBot: NapCatOneBot11Adapter;
  actions: ActionMap;
  kernel: Kernel;
  counters: Counters;
  /** NapCat and plugin log lines, in order. */
  logs: LogLine[];
  clock: ModelClock;
  /** Paths with a pending NapCat deletion timer (the queue itself is unreachable from ctx, as in NapCat). */
  pendingDeletions(): string[];
  pluginManager: PluginManager;
  webui: WebUiServer;
  front: OneBotFront;
  /** Copies a plugin folder into `<root>/plugins/`, enables it in plugins.json and loads it. */
  installPlugin(dir: string, options?: { enable?: boolean; dirName?: string }): Promise<PluginRecord>;
  /** ctx.actions.call: the action's HTTP-style handle. */
  call(action: string, params?: Record<string, unknown>): Promise<OB11Response>;
  /** Files under the media tree (Pic/Video/Ptt/File, Ori and Thumb). */
  listMedia(): string[];
  /** Files in the shared NapCat temp folder. */
  listTemp(): string[];
  close(): Promise<void>;
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

export async function createHost(input: HostOptions = {}): Promise<Host> {
  const options = resolveOptions(input);
  const owned: string[] = [];
  const makeDir = async (given: string | undefined, prefix: string): Promise<string> => {
    if (given) return given;
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), prefix));
    owned.push(dir);
    return dir;
  };
  const root = await makeDir(options.root, 'napcat-root-');
  const qqDataRoot = await makeDir(options.qqDataRoot, 'qq-data-');
  const paths: HostPaths = {
    root,
    qqDataRoot,
    tempPath: path.join(qqDataRoot, 'NapCat', 'temp'),
    ntData: path.join(qqDataRoot, `nt_qq_${options.uin}`, 'nt_data'),
    pluginsDir: path.join(root, 'plugins'),
  };
  fs.mkdirSync(paths.tempPath, { recursive: true });
  fs.mkdirSync(paths.pluginsDir, { recursive: true });

  const clock = new ModelClock(options.timeScale);
  const counters = createCounters();
  const random = seededRandom(options.seed);
  const server = options.server ?? new MediaServer();
  const world = server.attach(options.timeScale);
  const account = `${options.uin}@${qqDataRoot}`;
  world.sink(account, (snapshot) => Object.assign(counters, snapshot));
  const native = new NativeClient(world, account);
  await native.attach({
    fileMode: options.fileMode,
    bandwidth: options.bandwidth,
    latencyMs: options.latencyMs,
    diskBandwidth: options.diskBandwidth,
    seed: options.seed,
    copyResolvesEarly: options.nativeCopyResolvesEarly,
  });
  const unshare = shareNodeFs({ roots: [root, qqDataRoot], ntData: paths.ntData, mode: options.fileMode, native, counters });
  const logs: LogLine[] = [];
  const rt: HostRuntime = {
    shape: options.apiShape,
    clock,
    counters,
    random,
    native,
    cleanQueue: new CleanTaskQueue(clock, native, counters),
    logs,
    log(level, ...parts) {
      const line = { level, text: formatLogParts(parts) };
      logs.push(line);
      if (options.logToConsole) console.log(`[${options.uin}] ${level}: ${line.text}`);
    },
  };
  const kernel = createKernel({
    native,
    clock,
    random,
    latencyMs: options.latencyMs,
    ntRoot: qqDataRoot,
    uin: options.uin,
    log: (line) => rt.log('debug', line),
  });
  const core = new NapCatCore({ kernel, runtime: rt, qqDataRoot, tempPath: paths.tempPath, uin: options.uin, packetMode: options.packetMode });
  const oneBot = new NapCatOneBot11Adapter(core, { imageDownloadProxy: options.httpGetProxy, timeout: options.timeout });
  const pluginManager = new PluginManager(root, core, oneBot, rt);
  const webui = new WebUiServer(pluginManager, options.webuiToken);
  const front = new OneBotFront(oneBot.actions, Number(options.uin), options.accessToken, options.frontParse);
  await pluginManager.start();

  let closed = false;
  return {
    options,
    paths,
    core,
    oneBot,
    actions: oneBot.actions,
    kernel,
    counters,
    logs,
    clock,
    pendingDeletions: () => rt.cleanQueue.pending(),
    pluginManager,
    webui,
    front,
    async installPlugin(dir, { enable = true, dirName = path.basename(dir) } = {}) {
      const target = path.join(paths.pluginsDir, dirName);
      fs.cpSync(dir, target, { recursive: true });
      let id = dirName;
      try {
        const name = (JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf8')) as { name?: unknown }).name;
        if (typeof name === 'string' && name) id = name;
      } catch {
        // no package.json: the directory name is the id, as in NapCat
      }
      await pluginManager.setPluginStatus(id, enable);
      const record = pluginManager.getPluginInfo(id);
      if (!record) throw new Error(`插件未被识别 / plugin not found after install: ${id}`);
      return record;
    },
    call: (action, params = {}) => oneBot.actions.call(action, params),
    listMedia: () => listFiles(paths.ntData),
    listTemp: () => listFiles(paths.tempPath),
    async close() {
      if (closed) return;
      closed = true;
      await front.stop();
      await webui.stop();
      await pluginManager.close();
      clock.close();
      unshare();
      await native.detach();
      world.sink(account, undefined);
      await server.detach();
      // Let copies and deletion drains that were mid-turn see `closed` and stop.
      await new Promise((resolve) => setImmediate(resolve));
      for (const dir of owned) await fs.promises.rm(dir, { recursive: true, force: true });
    },
  };
}

export { MediaServer } from './ntqq/server';
export { makeAmr, makeApng, makeAvif, makeHeic, makeJpeg, makeMp4, makePng, makeSilk } from './media/samples';
export { totalUploadFailures, type Counters } from './counters';
export type { HostOptions } from './options';
export type { PluginContext, PluginModule } from './plugins/loader';
