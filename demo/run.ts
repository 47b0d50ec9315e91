// `npm start`: the model NapCat with its OneBot front on 127.0.0.1, the built
// plugin installed as an operator installs it, and a bot using node-napcat-ts
// broadcasting one base64 image to N groups, three times side by side: NapCat
// alone (the plugin switched off, the WebUI toggle), with the plugin, and through
// the sidecar proxy (the built proxy.mjs in its own process, the plugin off).
// It shows; it does not judge: the exit code is 0 whenever it ran.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { groupImageSender, connectBot } from '../bench/harness/onebot-client';
import { assertBuilt, installPlugin, PLUGIN_ID } from '../bench/harness/install';
import { formatBytes } from '../bench/harness/units';
import { spawnProxy } from '../bench/proxy/proxy-process';
import { createHost, makePng, type Counters } from '../test/host/index';
import { DEMO_USAGE, parseDemoArgs, type DemoOptions } from './options';
import { runPhase, type PhaseResult } from './phase';
import { renderDemoTable } from './table';

async function pluginStats(webuiUrl: string, token: string): Promise<string | undefined> {
  try {
    const res = await fetch(`${webuiUrl}/api/Plugin/ext/${PLUGIN_ID}/stats`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { data?: { store?: Record<string, unknown>; ntqq?: Record<string, unknown>; uploads?: Record<string, unknown> } };
    const d = body.data;
    if (!d) return undefined;
    return (
      `缓存命中 / store hits ${d.store?.hits}，未命中 / misses ${d.store?.misses}；` +
      `领跑上传 / uploads led ${d.uploads?.led}，跟随 / followed ${d.uploads?.followed}，重试 / retries ${d.uploads?.retries}`
    );
  } catch {
    return undefined;
  }
}

async function demo(options: DemoOptions): Promise<void> {
  assertBuilt();
  const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'napcat-demo-'));
  installPlugin(root, true);
  const host = await createHost({ root });
  try {
    const { wsUrl } = await host.front.start();
    const webuiUrl = await host.webui.start();
    const status = host.pluginManager.getPluginInfo(PLUGIN_ID)?.status;
    console.log(`模型 NapCat / model NapCat: OneBot WebSocket ${wsUrl}，插件 / plugin ${PLUGIN_ID}: ${status}`);
    if (status !== 'loaded') console.log(`注意：插件未能加载 / note: the plugin did not load (${host.pluginManager.getPluginInfo(PLUGIN_ID)?.error ?? 'unknown'})`);
    console.log(`客户端 / client: node-napcat-ts (OneBot 11 over WebSocket)，${options.peers} 个群 / groups，图片 / image ${formatBytes(options.sizeBytes)} base64，` +
      `同时在途 / in flight ≤ ${options.concurrency}，失败重试 / retries ${options.retries}\n`);

    const pattern = options.spreadMs > 0 ? `分散 ${options.spreadMs} ms / spread ${options.spreadMs} ms` : '同时 / burst';
    const phases: PhaseResult[] = [];
    const plan: Array<[boolean, 'direct' | 'proxy', string]> = [
      [false, 'direct', `NapCat 单独 / alone · ${pattern}`],
      [true, 'direct', `插件 / plugin · ${pattern}`],
      [false, 'proxy', `旁路代理 / proxy · ${pattern}`],
    ];
    for (const [enabled, route, label] of plan) {
      if ((host.pluginManager.getPluginInfo(PLUGIN_ID)?.status === 'loaded') !== enabled) {
        await host.pluginManager.setPluginStatus(PLUGIN_ID, enabled);
        console.error(enabled ? '\n— 在插件管理中启用插件 / plugin enabled in the plugin manager —' : '\n— 在插件管理中停用插件 / plugin disabled in the plugin manager —');
      }
      const proxy = route === 'proxy' ? await spawnProxy({ upstream: wsUrl, rewrite: 'auto', cacheDir: path.join(root, 'proxy-cache') }) : undefined;
      if (proxy) console.error(`— 机器人改连旁路代理 / the bot now connects to the proxy: ${proxy.wsUrl} —`);
      const bot = await connectBot(proxy ? proxy.wsUrl : wsUrl);
      try {
        // A new image per phase: the model QQ server remembers what it has seen (秒传),
        // so reusing one would hand later phases a free upload.
        const uri = `base64://${makePng({ bytes: options.sizeBytes, seed: phases.length + 1 }).toString('base64')}`;
        phases.push(await runPhase({ label, options, spreadMs: options.spreadMs, counters: host.counters as Counters, send: groupImageSender(bot, () => uri) }));
      } finally {
        await bot.disconnect();
        const snapshot = await proxy?.stop();
        if (snapshot) {
          console.error(
            `代理统计（/stats）/ proxy stats: 缓存命中 / store hits ${snapshot.store.hits}，未命中 / misses ${snapshot.store.misses}；排队 / queued in lanes ${snapshot.proxy.lanes.queued}；` +
              `改写 / rewrite ${snapshot.proxy.rewrite}；重试 / retries ${snapshot.uploads.retries}`,
          );
        }
      }
    }

    console.log(`\n${renderDemoTable(phases, options.retries)}\n`);
    const stats = await pluginStats(webuiUrl, host.webui.token);
    if (stats) console.log(`插件统计（WebUI /stats）/ plugin stats: ${stats}`);
    for (const [phase, who] of [[phases[1], '插件 / the plugin'], [phases[2], '旁路代理 / the proxy']] as const) {
      const failed = phase.firstTryFailures + phase.failed;
      if (failed > 0) {
        console.log(`\n⚠ ${who}：仍有 ${failed} 次发送失败 / ${failed} sends failed: ${[...phase.errors].map(([k, v]) => `${k} ×${v}`).join('; ')}`);
      } else {
        console.log(`\n${who}：没有发送失败 / no failed sends`);
      }
    }
  } finally {
    await host.close();
    await fs.promises.rm(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  let options: DemoOptions;
  try {
    options = parseDemoArgs(process.argv.slice(2));
  } catch (err) {
    // A bad flag is the user's typo, not a crash: the message, no stack.
    console.error((err as Error).message);
    process.exitCode = 2;
    return;
  }
  if (options.help) {
    console.log(DEMO_USAGE);
    return;
  }
  await demo(options);
}

main().catch((err: unknown) => {
  console.error(`演示无法运行 / the demo could not run: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.exitCode = 1;
});
