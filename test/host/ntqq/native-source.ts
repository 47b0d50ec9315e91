// The native thread's code as one plain script. Workers do not inherit tsx's loader for
// their entry, and registering it per worker costs most of a second (a hooks thread and
// an esbuild service each); transpiling these few files once per process with
// TypeScript and linking them with a tiny require keeps a host's start cheap.
import fs from 'node:fs';
import ts from 'typescript';

/** The native thread's modules, relative to test/host/, dependencies before users. */
const MODULES = ['clock', 'counters', 'random', 'ntqq/files', 'ntqq/link', 'ntqq/disk', 'ntqq/native-copy', 'ntqq/uploader', 'ntqq/downloader', 'ntqq/highway', 'ntqq/server-memory', 'ntqq/native-protocol', 'ntqq/native-thread'];

let cached: string | undefined;

const LINKER = `
const posix = require('node:path').posix;
const cache = {};
function load(id) {
  if (cache[id]) return cache[id].exports;
  const def = defs[id];
  if (!def) throw new Error('native thread: no module ' + id);
  const module = (cache[id] = { exports: {} });
  const localRequire = (spec) => spec.startsWith('.') ? load(posix.normalize(posix.join(posix.dirname(id), spec))) : require(spec);
  def(localRequire, module, module.exports);
  return module.exports;
}
load('ntqq/native-thread');
`;

export function nativeThreadSource(): string {
  if (cached) return cached;
  const base = new URL('../', import.meta.url);
  const defs = MODULES.map((id) => {
    const source = fs.readFileSync(new URL(`${id}.ts`, base), 'utf8');
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: `${id}.ts`,
    }).outputText;
    return `${JSON.stringify(id)}: function (require, module, exports) {\n${js}\n}`;
  });
  cached = `'use strict';\nconst defs = {\n${defs.join(',\n')}\n};\n${LINKER}`;
  return cached;
}
