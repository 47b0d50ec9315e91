// Issue #5, item 1, end to end: the WebUI reads and saves the plugin's config the way
// NapCat's WebUI does (the host's getPluginConfig / setPluginConfig), while a burst is in
// flight. A save applies live, drops no lease, writes only <dataPath>/config.json, and a
// bad value is refused field by field.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { makePng, type Host } from '../host';
import { PLUGIN_ID, burst, failed, hostWithPlugin, imageSegment, pluginStats } from './support';

describe('integration: WebUI config read and save during a burst', function () {
  this.timeout(120_000);
  let host: Host | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('applies a save live without reload or lost sends, writes only config.json, and keeps the lower value for a bad field', async () => {
    host = await hostWithPlugin({ timeScale: 0.05, seed: 7 }, { graceSeconds: 1 });
    const dataPath = host.pluginManager.getPluginDataPath(PLUGIN_ID);
    const configPath = path.join(dataPath, 'config.json');
    const before = fs.readdirSync(dataPath).sort();
    const record = () => host!.pluginManager.getLoadedPlugins().find((r) => r.id === PLUGIN_ID);
    const moduleBefore = record()?.module;
    expect(moduleBefore, 'plugin loaded').to.not.equal(undefined);

    const read = await host.pluginManager.getPluginConfig(PLUGIN_ID);
    const shown = read.config as Record<string, unknown>;
    expect(read.schema.length, 'plugin_config_ui built in plugin_init').to.be.greaterThan(5);
    // The operator's <dataPath>/plugin.json layer shows through; defaults elsewhere.
    expect(shown).to.include({ graceSeconds: 1, maxConcurrentUploads: 4 });

    const png = makePng({ bytes: 400_000, seed: 31 });
    const sending = burst(host, 60, () => [imageSegment(png)], 1000, 7);
    // Mid-burst, while sends hold leases: a valid change and an invalid one in one save.
    let leasesBefore = 0;
    for (let i = 0; i < 500 && leasesBefore === 0; i++) leasesBefore = (await pluginStats(host)).leasesHeld ?? 0;
    await host.pluginManager.setPluginConfig(PLUGIN_ID, { ...shown, maxConcurrentUploads: 8, retry: { maxAttempts: 'abc' } });
    const responses = await sending;

    expect(failed(responses), 'sends lost across the save').to.deep.equal([]);
    expect(record()?.module === moduleBefore, 'the save must not reload the plugin').to.equal(true);
    const after = (await host.pluginManager.getPluginConfig(PLUGIN_ID)).config as Record<string, unknown>;
    expect(after.maxConcurrentUploads, 'applied live').to.equal(8);
    expect((after.retry as Record<string, unknown> | undefined)?.maxAttempts ?? after['retry.maxAttempts'], 'a bad field keeps the lower value').to.equal(3);
    expect(leasesBefore, 'leases were held when the save landed').to.be.greaterThan(0);

    // Only config.json was written beside what was there, and it is whole JSON.
    const now = fs.readdirSync(dataPath).sort();
    expect(now.filter((f) => !before.includes(f))).to.deep.equal(['config.json']);
    const saved = JSON.parse(fs.readFileSync(configPath, 'utf8')) as Record<string, unknown>;
    expect(saved).to.have.property('maxConcurrentUploads', 8);
    expect(JSON.stringify(saved)).to.not.include('abc');
    expect(host.logs.some((l) => l.text.includes('retry.maxAttempts') && l.text.includes('abc')), 'the refused field is logged by path').to.equal(true);
  });
});
