// After rollup: give the plugin folder a trimmed package.json (what NapCat's
// loader and WebUI read) and the shipped plugin.json defaults. Nothing else.
import { readFile, writeFile, copyFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = path.join(root, 'dist', 'napcat-plugin-media-cache');
const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));

const keep = ['name', 'plugin', 'version', 'type', 'description', 'author', 'license', 'homepage', 'napcat'];
const trimmed = Object.fromEntries(keep.filter((k) => k in pkg).map((k) => [k, pkg[k]]));
trimmed.main = 'index.mjs';
await writeFile(path.join(out, 'package.json'), JSON.stringify(trimmed, null, 2) + '\n');
await copyFile(path.join(root, 'plugin.json'), path.join(out, 'plugin.json'));

const allowed = new Set(['index.mjs', 'package.json', 'plugin.json']);
const extra = (await readdir(out)).filter((f) => !allowed.has(f));
if (extra.length) {
  console.error(`dist holds unexpected files: ${extra.join(', ')}`);
  process.exit(1);
}
