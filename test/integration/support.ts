// Shared by the integration specs: build the plugin once, run bursts, read counts.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost, type Host, type HostOptions } from '../host';
import { broadcast } from '../host/bot';
import { seededRandom } from '../host/random';
import type { OB11Response } from '../host/actions/response';
import type { StatsSnapshot } from '../../src/stats';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.join(root, 'dist', 'napcat-plugin-media-cache');
export const PLUGIN_ID = 'napcat-plugin-media-cache';

let built = false;
/** `npm run build` once per test run, so the bundle under test is the one that ships. */
export function buildPlugin(): string {
  if (!built) {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'pipe' });
    built = true;
  }
  return DIST;
}

/**
 * A host with the built plugin installed the way an operator would (plugins/ + plugins.json).
 * Its native copy answers before its bytes are on disk unless `options` say otherwise: NapCat
 * types the copy's result `unknown`, so the plugin must not depend on when it resolves. NapCat
 * alone keeps the model's default (the copy answers once written): with an early copy it fails
 * even a single send of a picture, a video or a voice, which real NapCat delivers.
 */
export async function hostWithPlugin(options: HostOptions = {}, config?: Record<string, unknown>): Promise<Host> {
  const host = await createHost({ nativeCopyResolvesEarly: true, ...options });
  await installBuilt(host, config);
  return host;
}

/** Installs the built plugin into `host`, with an operator plugin.json when `config` is given. */
export async function installBuilt(host: Host, config?: Record<string, unknown>): Promise<void> {
  if (config) {
    const dataPath = host.pluginManager.getPluginDataPath(PLUGIN_ID);
    fs.mkdirSync(dataPath, { recursive: true });
    fs.writeFileSync(path.join(dataPath, 'plugin.json'), JSON.stringify(config));
  }
  const record = await host.installPlugin(buildPlugin(), { dirName: PLUGIN_ID });
  if (record.status !== 'loaded') throw new Error(`plugin failed to load: ${record.status}`);
}

/** The plugin's own /stats snapshot, read through the authenticated WebUI route. */
export async function pluginStats(host: Host): Promise<StatsSnapshot> {
  const base = await host.webui.start();
  const res = await fetch(`${base}/api/Plugin/ext/${PLUGIN_ID}/stats`, { headers: { Authorization: `Bearer ${host.webui.token}` } });
  const body = (await res.json()) as { code: number; data: StatsSnapshot };
  if (body.code !== 0) throw new Error(`stats route answered ${JSON.stringify(body)}`);
  return body.data;
}

export function imageSegment(bytes: Buffer): Record<string, unknown> {
  return { type: 'image', data: { file: `base64://${bytes.toString('base64')}` } };
}

/**
 * A bot's broadcast: `peers` HTTP requests to the OneBot front, arrivals spread over
 * `spreadMs` model ms (napcat-pipeline.md §9: overlapping sends are what race).
 */
export async function burst(host: Host, peers: number, message: (peer: number) => unknown[], spreadMs = 1000, seed = 1): Promise<OB11Response[]> {
  const { url } = await host.front.start();
  return broadcast({
    url,
    clock: host.clock,
    action: 'send_group_msg',
    count: peers,
    spreadMs,
    random: seededRandom(seed),
    params: (i) => ({ group_id: 100000 + i, message: message(i) }),
  });
}

export function failed(responses: OB11Response[]): OB11Response[] {
  return responses.filter((r) => r.status !== 'ok');
}

/** Waits (wall time) until `predicate` holds or `ms` pass. */
export async function until(predicate: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return predicate();
}
