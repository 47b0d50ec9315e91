// Install the built plugin the way an operator does: copy the dist folder into
// NapCat's `plugins/` and set its switch in `config/plugins.json`, before the
// host starts (NapCat scans both at start-up).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PLUGIN_ID = 'napcat-plugin-media-cache';
export const DIST_DIR = fileURLToPath(new URL(`../../dist/${PLUGIN_ID}/`, import.meta.url));

export function assertBuilt(): void {
  if (!fs.existsSync(path.join(DIST_DIR, 'index.mjs'))) {
    throw new Error(`找不到构建产物 ${DIST_DIR}，请先运行 npm run build / built plugin not found at ${DIST_DIR}: run npm run build first`);
  }
}

// A private copy of the build, so a rebuild during a long run cannot change
// (or remove) the plugin under measurement halfway through.
export function snapshotBuild(): string {
  assertBuilt();
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'media-cache-build-'));
  fs.cpSync(DIST_DIR, copy, { recursive: true });
  return copy;
}

export function installPlugin(root: string, enabled: boolean, build: string = DIST_DIR, config?: Record<string, unknown>): string {
  const target = path.join(root, 'plugins', PLUGIN_ID);
  fs.cpSync(build, target, { recursive: true });
  if (config) {
    // The operator's own layer, as docs/config.md describes: <dataPath>/plugin.json.
    const dataPath = path.join(root, 'config', 'plugins', PLUGIN_ID);
    fs.mkdirSync(dataPath, { recursive: true });
    fs.writeFileSync(path.join(dataPath, 'plugin.json'), JSON.stringify(config, null, 2));
  }
  const statusFile = path.join(root, 'config', 'plugins.json');
  fs.mkdirSync(path.dirname(statusFile), { recursive: true });
  const status = fs.existsSync(statusFile) ? (JSON.parse(fs.readFileSync(statusFile, 'utf8')) as Record<string, boolean>) : {};
  fs.writeFileSync(statusFile, JSON.stringify({ ...status, [PLUGIN_ID]: enabled }, null, 2));
  return target;
}

// The shipped default, which the RSS target is stated against.
export function shippedMemoryBudget(build: string = DIST_DIR): number {
  const shipped = JSON.parse(fs.readFileSync(path.join(build, 'plugin.json'), 'utf8')) as { memoryBudgetBytes?: unknown };
  return typeof shipped.memoryBudgetBytes === 'number' ? shipped.memoryBudgetBytes : 0;
}
