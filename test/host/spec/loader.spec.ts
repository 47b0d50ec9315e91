// The plugin loader behaves like NapCat's (plugins §1-§4, pipeline §5): disabled by
// default, imports the entry twice with ?t= (two module instances), refuses a module
// without plugin_init, builds ctx, routes with and without auth, and runs
// plugin_cleanup on unload and reload.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createHost } from '..';
import { withHost } from './helpers';

const PLUGIN = `
globalThis.__modelPlugin ??= { evaluated: 0, inits: 0, cleanups: 0, ctx: undefined };
const state = globalThis.__modelPlugin;
state.evaluated++;
export let plugin_config_ui = [];
export async function plugin_init(ctx) {
  state.inits++;
  state.ctx = ctx;
  plugin_config_ui = ctx.NapCatConfig.combine(ctx.NapCatConfig.number('limit', 'Limit', 3), ctx.NapCatConfig.boolean('on', 'On', true));
  ctx.logger.info('hello');
  ctx.router.get('/status/:id', (req, res) => res.json({ code: 0, data: { id: req.params.id, q: req.query.x } }));
  ctx.router.getNoAuth('/ping', (_req, res) => res.json({ code: 0, data: 'pong' }));
}
export async function plugin_cleanup() { state.cleanups++; }
`;

interface PluginState {
  evaluated: number;
  inits: number;
  cleanups: number;
  ctx: { pluginName: string; dataPath: string; configPath: string; adapterName: string; core: { context: { session: unknown } } };
}
const state = (): PluginState => (globalThis as unknown as { __modelPlugin: PluginState }).__modelPlugin;

async function writePlugin(dir: string, name: string, source: string): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true });
  await fs.promises.writeFile(path.join(dir, 'package.json'), JSON.stringify({ name, type: 'module', main: 'index.mjs' }));
  await fs.promises.writeFile(path.join(dir, 'index.mjs'), source);
}

describe('host model: plugin loader', function () {
  this.timeout(20000);
  let src: string;
  beforeEach(async () => {
    delete (globalThis as { __modelPlugin?: unknown }).__modelPlugin;
    src = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'model-plugin-'));
  });
  afterEach(async () => {
    delete (globalThis as { __modelPlugin?: unknown }).__modelPlugin;
    await fs.promises.rm(src, { recursive: true, force: true });
  });

  it('boot imports an enabled plugin twice with ?t= (validate, load) and builds ctx', async () => {
    const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'model-root-'));
    try {
      await writePlugin(path.join(root, 'plugins', 'dir-name'), 'demo-plugin', PLUGIN);
      await fs.promises.mkdir(path.join(root, 'config'), { recursive: true });
      await fs.promises.writeFile(path.join(root, 'config', 'plugins.json'), JSON.stringify({ 'demo-plugin': true }));
      const host = await createHost({ root, timeScale: 0.01 });
      try {
        const imports = host.pluginManager.imports;
        expect(imports).to.have.length(2);
        expect(imports[0]).to.match(/^file:\/\/.*\/dir-name\/index\.mjs\?t=\d+$/);
        expect(imports[0]).to.not.equal(imports[1]);
        expect(state().evaluated).to.equal(2);
        expect(state().inits).to.equal(1);
        const ctx = state().ctx;
        expect(ctx.pluginName).to.equal('demo-plugin');
        expect(ctx.dataPath).to.equal(path.join(root, 'config', 'plugins', 'demo-plugin'));
        expect(ctx.configPath).to.equal(path.join(ctx.dataPath, 'config.json'));
        expect(fs.existsSync(ctx.dataPath)).to.equal(true);
        expect(ctx.adapterName).to.equal('plugin_manager');
        expect(ctx.core.context.session).to.be.an('object');
        expect('session' in (ctx.core as object)).to.equal(false);
        expect(host.logs.some((l) => l.text === '[Plugin: demo-plugin] hello')).to.equal(true);
      } finally {
        await host.close();
      }
      expect(state().cleanups, 'close unloads').to.equal(1);
    } finally {
      await fs.promises.rm(root, { recursive: true, force: true });
    }
  });

  it('plugins are disabled by default; a module without plugin_init is refused', async () => {
    await withHost({ timeScale: 0.01 }, async (host) => {
      await writePlugin(path.join(src, 'bad'), 'bad-plugin', 'export const nothing = 1;');
      const record = await host.installPlugin(path.join(src, 'bad'));
      expect(record.status).to.equal('error');
      await writePlugin(path.join(src, 'off'), 'off-plugin', PLUGIN);
      const off = await host.installPlugin(path.join(src, 'off'), { enable: false });
      expect(off.status).to.equal('unloaded');
      expect(state()).to.equal(undefined);
      expect(JSON.parse(fs.readFileSync(path.join(host.paths.root, 'config', 'plugins.json'), 'utf8'))).to.deep.equal({ 'bad-plugin': true, 'off-plugin': false });
    });
  });

  it('routes: authenticated under /api/Plugin/ext/<id>/ with a bearer token, NoAuth under /plugin/<id>/api/; config get and set-with-reload', async () => {
    await withHost({ timeScale: 0.01, webuiToken: 'w' }, async (host) => {
      await writePlugin(path.join(src, 'p'), 'route-plugin', PLUGIN);
      await host.installPlugin(path.join(src, 'p'));
      const url = await host.webui.start();
      const denied = await fetch(`${url}/api/Plugin/ext/route-plugin/status/9?x=1`);
      expect(denied.status).to.equal(401);
      const ok = await fetch(`${url}/api/Plugin/ext/route-plugin/status/9?x=1`, { headers: { authorization: 'Bearer w' } });
      expect(await ok.json()).to.deep.equal({ code: 0, data: { id: '9', q: '1' } });
      expect(await (await fetch(`${url}/plugin/route-plugin/api/ping`)).json()).to.deep.equal({ code: 0, data: 'pong' });
      const { schema } = await host.pluginManager.getPluginConfig('route-plugin');
      expect(schema.map((i) => [i.key, i.type, i.default])).to.deep.equal([
        ['limit', 'number', 3],
        ['on', 'boolean', true],
      ]);
      await host.pluginManager.setPluginConfig('route-plugin', { limit: 5 });
      expect(state().cleanups, 'no plugin_set_config: write config.json and reload').to.equal(1);
      expect(state().inits).to.equal(2);
      expect(state().evaluated, 'reload is a new module instance').to.equal(2);
      expect((await host.pluginManager.getPluginConfig('route-plugin')).config).to.deep.equal({ limit: 5 });
      await host.pluginManager.setPluginStatus('route-plugin', false);
      expect(state().cleanups).to.equal(2);
      expect((await fetch(`${url}/plugin/route-plugin/api/ping`)).status, 'routes cleared on unload').to.equal(404);
    });
  });
});
