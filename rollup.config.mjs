// One self-contained ESM file: NapCat cache-busts only the entry URL (`?t=`),
// so any relative chunk would stay cached across reloads. Dependencies are
// bundled; Node builtins stay external.
import { builtinModules } from 'node:module';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import typescript from '@rollup/plugin-typescript';

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

export default {
  input: 'src/index.ts',
  external: (id) => builtins.has(id),
  output: {
    file: 'dist/napcat-plugin-media-cache/index.mjs',
    format: 'es',
    inlineDynamicImports: true,
    sourcemap: false,
  },
  plugins: [
    nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }),
    // strictRequires keeps proper-lockfile (and graceful-fs / signal-exit, which
    // patch the process when evaluated) lazy until plugin_init first requires it.
    commonjs({ strictRequires: true, transformMixedEsModules: true, extensions: ['.js', '.ts'] }),
    typescript({ tsconfig: './tsconfig.build.json', filterRoot: '.' }),
  ],
};
