// Two self-contained ESM files. The plugin: NapCat cache-busts only the entry URL (`?t=`),
// so any relative chunk would stay cached across reloads. The proxy: one `proxy.mjs` run
// with plain `node`, ws and json5 inside. Dependencies are bundled; Node builtins stay
// external.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import typescript from '@rollup/plugin-typescript';

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

const plugins = (outDir) => [
  nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }),
  // strictRequires keeps proper-lockfile (and graceful-fs / signal-exit, which
  // patch the process when evaluated) lazy until plugin_init first requires it.
  commonjs({ strictRequires: true, transformMixedEsModules: true, extensions: ['.js', '.ts'] }),
  typescript({ tsconfig: './tsconfig.build.json', filterRoot: '.', outDir }),
];

export default [
  {
    input: 'src/index.ts',
    external: (id) => builtins.has(id),
    output: {
      file: 'dist/napcat-plugin-media-cache/index.mjs',
      format: 'es',
      inlineDynamicImports: true,
      sourcemap: false,
    },
    plugins: plugins('dist/napcat-plugin-media-cache'),
  },
  {
    input: 'src/proxy/cli.ts',
    external: (id) => builtins.has(id),
    output: {
      file: 'dist/napcat-media-cache-proxy/proxy.mjs',
      format: 'es',
      inlineDynamicImports: true,
      sourcemap: false,
      banner: `#!/usr/bin/env node\nconst __PROXY_VERSION__ = ${JSON.stringify(version)};`,
    },
    plugins: plugins('dist/napcat-media-cache-proxy'),
  },
];
