// `npm run pack` (after `npm run build`): the release zip NapCat's store extracts straight
// into plugins/<id>/, so the five files sit at the zip root and nothing else ships — no
// sources, tests or source maps (NapCat scans every .js/.mjs/.cjs/.ts it finds there).
// Usage: node scripts/pack.mjs [--out-dir <dir>]   (default: the repo root)
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipFiles } from './zip.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(root, 'dist', 'napcat-plugin-media-cache');
const BUILT = ['index.mjs', 'package.json', 'plugin.json'];
const DOCS = ['README.md', 'LICENSE'];

function fail(message) {
  console.error(`打包失败 / pack failed: ${message}`);
  process.exit(1);
}

function outDir() {
  const i = process.argv.indexOf('--out-dir');
  if (i < 0) return root;
  const dir = process.argv[i + 1];
  if (!dir) fail('--out-dir 需要一个目录 / --out-dir needs a directory');
  return path.resolve(dir);
}

if (!existsSync(dist)) fail(`没有构建产物 / no build at ${dist}: run \`npm run build\` (\`npm run pack\` does)`);
const built = readdirSync(dist).sort();
if (built.join() !== [...BUILT].sort().join()) {
  fail(`${dist} 应只含 / should hold exactly ${BUILT.join(', ')}, found: ${built.join(', ') || '(empty)'}; run \`npm run build\``);
}
for (const doc of DOCS) {
  if (!existsSync(path.join(root, doc))) fail(`缺少 / missing ${doc} at the repo root`);
}

const pkg = JSON.parse(readFileSync(path.join(dist, 'package.json'), 'utf8'));
if (typeof pkg.name !== 'string' || typeof pkg.version !== 'string') fail(`${dist}/package.json lacks name or version`);

const entries = [
  ...BUILT.map((name) => ({ name, data: readFileSync(path.join(dist, name)) })),
  ...DOCS.map((name) => ({ name, data: readFileSync(path.join(root, name)) })),
];
const zip = zipFiles(entries);
const target = path.join(outDir(), `${pkg.name}-${pkg.version}.zip`);
// Write beside, then rename: a reader never sees half a zip.
const temp = `${target}.${process.pid}.tmp`;
writeFileSync(temp, zip);
renameSync(temp, target);

for (const { name, data } of entries) console.log(`  ${String(data.length).padStart(9)}  ${name}`);
const sha = createHash('sha256').update(zip).digest('hex');
console.log(`${path.relative(process.cwd(), target) || target}: ${zip.length} bytes, sha256 ${sha}`);
