import { expect } from 'chai';
import { makePng, type Host } from '../host';
import { burst, failed, hostWithPlugin, imageSegment, PLUGIN_ID, pluginStats } from './support';

// Pacing through the built plugin on the model NapCat: set live from the WebUI, counted on the
// status page's route, and never holding a reload back (cleanup lets the queue go unpaced).
describe('integration: pacing media sends', function () {
  this.timeout(120_000);
  let host: Host | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('a WebUI save turns it on live: every send is paced once and delivered', async () => {
    host = await hostWithPlugin({ timeScale: 0.25, seed: 6 });
    const { config } = await host.pluginManager.getPluginConfig(PLUGIN_ID);
    await host.pluginManager.setPluginConfig(PLUGIN_ID, { ...(config as Record<string, unknown>), 'pacing.mediaSendsPerSecond': 10, 'pacing.burst': 2 });
    const images = Array.from({ length: 3 }, (_, i) => makePng({ bytes: 30_000, seed: 50 + i }));
    const responses = await burst(host, 12, (i) => [imageSegment(images[i % 3])], 0);
    expect(failed(responses).map((r) => r.message)).to.deep.equal([]);
    const stats = await pluginStats(host);
    expect(stats.pacing.sends).to.equal(12);
    expect(stats.pacing.queued).to.equal(0);
    expect(stats.pacing.waitedMs.max, '12 sends, burst 2, at 10/s: the last waited about a second').to.be.at.least(700);
  });

  it('cleanup (the plugin switched off) lets the sends waiting for a token go at once instead of draining the queue at its rate', async () => {
    host = await hostWithPlugin({ timeScale: 0.25, seed: 7 }, { pacing: { mediaSendsPerSecond: 1, burst: 1 } });
    const image = makePng({ bytes: 30_000, seed: 61 });
    expect(failed(await burst(host, 1, () => [imageSegment(image)], 0))).to.deep.equal([]);
    const sending = burst(host, 10, () => [imageSegment(image)], 0);
    let queued = 0;
    for (let i = 0; i < 500 && queued < 9; i++) queued = (await pluginStats(host)).pacing.queued ?? 0;
    expect(queued, 'sends waiting for a token (one a second)').to.be.at.least(9);
    const switchedOff = Date.now();
    await host.pluginManager.setPluginStatus(PLUGIN_ID, false);
    const responses = await sending;
    expect(failed(responses).map((r) => r.message)).to.deep.equal([]);
    // Paced, the last would go 9 s or more after the switch; let go, the queue is gone within a blink.
    expect(Date.now() - switchedOff, 'cleanup and every answer, with no token waited for').to.be.below(4_500);
  });
});
