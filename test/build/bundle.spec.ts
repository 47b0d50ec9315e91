// The built plugin folder is what operators unzip into NapCat's plugins/.
// These specs check it the way NapCat's loader treats it. `npm test` builds first.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pluginDir = path.join(root, 'dist', 'napcat-plugin-media-cache');
const entry = path.join(pluginDir, 'index.mjs');

interface ProbeState {
  listeners: Record<string, number>;
  resources: string[];
  cwdFn: string;
  pluginFiles: string[];
  cwdFiles: string[];
  tmpFiles: number;
}
interface Probe {
  before: ProbeState;
  after: ProbeState;
  exports: string[];
  initIsFunction: boolean;
  distinctInstances: boolean;
  gracefulFsLoaded: boolean;
}

describe('built plugin folder', () => {
  before(function () {
    if (!existsSync(entry)) throw new Error(`缺少构建产物 / no build at ${entry}: run \`npm run build\` (npm test does)`);
  });

  it('holds only index.mjs, package.json and plugin.json', () => {
    expect(readdirSync(pluginDir).sort()).to.deep.equal(['index.mjs', 'package.json', 'plugin.json']);
  });

  it('has a package.json NapCat reads: id, display name, ESM entry', () => {
    const pkg = JSON.parse(readFileSync(path.join(pluginDir, 'package.json'), 'utf8'));
    expect(pkg.name).to.equal('napcat-plugin-media-cache');
    expect(pkg.main).to.equal('index.mjs');
    expect(pkg.type).to.equal('module');
    expect(pkg.plugin).to.be.a('string').and.not.equal('');
    expect(pkg).to.not.have.property('devDependencies');
    expect(pkg).to.not.have.property('scripts');
  });

  it('is one self-contained ESM file importing only Node builtins', () => {
    const code = readFileSync(entry, 'utf8');
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const specifiers = [...code.matchAll(/^\s*import\s[^'"]*?['"]([^'"]+)['"]/gm), ...code.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g)]
      .map((m) => m[1]);
    const foreign = specifiers.filter((s) => !builtins.has(s));
    expect(foreign, 'non-builtin imports').to.deep.equal([]);
    // CJS globals break in .mjs (rollup/plugins#523).
    expect(code).to.not.match(/\b__dirname\b|\b__filename\b/);
  });

  it('imports twice through file:// with ?t= like NapCat, with no side effects', () => {
    const out = execFileSync(process.execPath, [path.join(root, 'test/build/import-probe.mjs'), entry], { encoding: 'utf8' });
    const probe = JSON.parse(out.trim().split('\n').pop()!) as Probe;
    expect(probe.initIsFunction, 'named plugin_init export').to.equal(true);
    expect(probe.exports).to.include.members(['plugin_init', 'plugin_cleanup']);
    expect(probe.distinctInstances).to.equal(true);
    expect(probe.after.pluginFiles, 'files created in the plugin folder').to.deep.equal(probe.before.pluginFiles);
    expect(probe.after.cwdFiles, 'files created in the working directory').to.deep.equal(probe.before.cwdFiles);
    expect(probe.after.tmpFiles, 'entries created in the temp dir').to.equal(probe.before.tmpFiles);
    const added = [...probe.after.resources];
    for (const r of probe.before.resources) {
      const i = added.indexOf(r);
      if (i >= 0) added.splice(i, 1);
    }
    expect(added, 'handles/timers left by import').to.deep.equal([]);
    // proper-lockfile's graceful-fs and signal-exit patch the process when evaluated
    // (reference/anchors.md A3.7, A9): the import must leave them unevaluated.
    expect(probe.after.listeners, 'process listeners added by import').to.deep.equal(probe.before.listeners);
    expect(probe.after.cwdFn, 'process.cwd patched at import').to.equal(probe.before.cwdFn);
    expect(probe.gracefulFsLoaded, 'graceful-fs evaluated at import').to.equal(false);
  });
});
