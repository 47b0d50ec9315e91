// `npm run pack` (after `npm run build`), second half: the sidecar proxy's release zip,
// napcat-media-cache-proxy-<version>.zip, with proxy.mjs (ws and json5 bundled, runnable
// with plain `node proxy.mjs …`), README.md and LICENSE at its root.
// Usage: node scripts/pack-proxy.mjs [--out-dir <dir>]   (default: the repo root)
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipFiles } from './zip.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(root, 'dist', 'napcat-media-cache-proxy');
const NAME = 'napcat-media-cache-proxy';

function fail(message) {
  console.error(`打包失败 / pack failed: ${message}`);
  process.exit(1);
}

const i = process.argv.indexOf('--out-dir');
if (i >= 0 && !process.argv[i + 1]) fail('--out-dir 需要一个目录 / --out-dir needs a directory');
const outDir = i >= 0 ? path.resolve(process.argv[i + 1]) : root;

if (!existsSync(dist) || readdirSync(dist).join() !== 'proxy.mjs') {
  fail(`${dist} 应只含 proxy.mjs / should hold exactly proxy.mjs: run \`npm run build\``);
}
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const entries = [
  { name: 'proxy.mjs', data: readFileSync(path.join(dist, 'proxy.mjs')) },
  ...['README.md', 'LICENSE'].map((name) => ({ name, data: readFileSync(path.join(root, name)) })),
];
const zip = zipFiles(entries);
const target = path.join(outDir, `${NAME}-${version}.zip`);
const temp = `${target}.${process.pid}.tmp`;
writeFileSync(temp, zip);
renameSync(temp, target);
for (const { name, data } of entries) console.log(`  ${String(data.length).padStart(9)}  ${name}`);
console.log(`${path.relative(process.cwd(), target) || target}: ${zip.length} bytes, sha256 ${createHash('sha256').update(zip).digest('hex')}`);
