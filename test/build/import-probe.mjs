// Imports the built plugin entry the way NapCat's loader does — a file:// URL
// with a fresh `?t=` each time, twice (validate, then load) — from a clean
// process, and prints what the imports changed. Run by bundle.spec.ts.
import { readdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const entry = process.argv[2];
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'uncaughtException', 'unhandledRejection'];
const listeners = () => Object.fromEntries(signals.map((s) => [s, process.listenerCount(s)]));
const tree = (dir) => readdirSync(dir, { recursive: true }).map(String).sort();

// Node creates the stdio handles lazily, the first time anything touches
// process.stderr (the builtin `assert`, which graceful-fs pulls in, does at load).
// They are the process's own, not a leak: create them before the snapshot.
void process.stdout.fd;
void process.stderr.fd;

const cwd = mkdtempSync(path.join(os.tmpdir(), 'mc-import-'));
process.chdir(cwd);
const pluginDir = path.dirname(entry);
const before = {
  listeners: listeners(),
  resources: process.getActiveResourcesInfo().sort(),
  cwdFn: process.cwd.toString(),
  pluginFiles: tree(pluginDir),
  cwdFiles: tree(cwd),
  tmpFiles: readdirSync(os.tmpdir()).length,
};

const url = pathToFileURL(entry).href;
const first = await import(`${url}?t=${Date.now()}`);
const second = await import(`${url}?t=${Date.now() + 1}`);
await new Promise((r) => setImmediate(r));

const after = {
  listeners: listeners(),
  resources: process.getActiveResourcesInfo().sort(),
  cwdFn: process.cwd.toString(),
  pluginFiles: tree(pluginDir),
  cwdFiles: tree(cwd),
  tmpFiles: readdirSync(os.tmpdir()).length,
};
console.log(JSON.stringify({
  before,
  after,
  exports: Object.keys(first).sort(),
  initIsFunction: typeof first.plugin_init === 'function' && typeof second.plugin_init === 'function',
  distinctInstances: first !== second,
  gracefulFsLoaded: globalThis[Symbol.for('graceful-fs.queue')] !== undefined,
}));
