// When the proxy may point NapCat at its store, on the model: the probe, a shared volume
// seen under another path (--napcat-path-map), a wrong map (fail open), and URL media.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NCWebsocket, Structs } from 'node-napcat-ts';
import { DEFAULT_CONFIG } from '../../src/config/defaults';
import { startImageServer, type ImageServer } from '../../bench/harness/image-server';
import { createHost, makePng, type Host } from '../host';
import { proxyInFront, type ProxyFixture, type ProxyOptions } from './support';

describe('proxy: rewriting to the shared store', function () {
  this.timeout(60_000);
  let host: Host;
  let fixture: ProxyFixture;
  let images: ImageServer | undefined;
  let bot: NCWebsocket;
  afterEach(async () => {
    await bot?.disconnect();
    await fixture?.close();
    await host?.close();
    await images?.close();
    images = undefined;
  });

  async function setUp(options: ProxyOptions = {}): Promise<void> {
    host = await createHost({ timeScale: 0.05, seed: 10 });
    fixture = await proxyInFront(host, options);
    bot = new NCWebsocket({ baseUrl: fixture.wsUrl, reconnection: { enable: false }, apiTimeout: 30_000 });
    await bot.connect();
  }

  const sendAll = (uri: string, n: number) =>
    Promise.all(Array.from({ length: n }, (_, i) => bot.send_group_msg({ group_id: 900 + i, message: [Structs.image(uri)] }).then(() => 'ok', (e: { message?: string }) => e.message ?? 'failed')));

  it('a store NapCat sees under another path (a shared volume): mapped, no probe needed, no temp files', async () => {
    // "NapCat" sees the proxy's store through a symlink, as a volume mounted elsewhere.
    const volume = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'shared-volume-'));
    try {
      const storeDir = path.join(volume, 'store');
      const napcatView = path.join(volume, 'napcat-view');
      fs.mkdirSync(storeDir);
      fs.symlinkSync(storeDir, napcatView);
      await setUp({ proxy: { napcatPathMap: [`${storeDir}=${napcatView}`] }, media: { cacheDir: storeDir } });
      expect(fixture.proxy.rewrite.state).to.equal('mapped');
      const image = makePng({ bytes: 100_000, seed: 101 });
      expect(await sendAll(`base64://${image.toString('base64')}`, 10)).to.deep.equal(Array(10).fill('ok'));
      expect(host.counters.tempFilesWritten).to.equal(0);
      expect(host.counters.downloads).to.equal(0);
    } finally {
      await fs.promises.rm(volume, { recursive: true, force: true });
    }
  });

  it('a wrong path map: the first send fails on the store path, rewriting turns off, every send still succeeds', async () => {
    await setUp({ proxy: { napcatPathMap: ['/=/definitely/not/here'] } });
    expect(fixture.proxy.rewrite.state).to.equal('mapped');
    const image = makePng({ bytes: 50_000, seed: 102 });
    expect(await sendAll(`base64://${image.toString('base64')}`, 5)).to.deep.equal(Array(5).fill('ok'));
    expect(fixture.proxy.rewrite.state).to.equal('disabled');
    expect(fixture.proxy.stats.snapshot().fallbacks).to.deep.equal({ REWRITE_UNREADABLE: 1 });
  });

  it('URL media with the rewrite: the proxy downloads once, NapCat never', async () => {
    images = await startImageServer([makePng({ bytes: 80_000, seed: 103 })]);
    await setUp();
    expect(await sendAll(images.urlOf(0), 12)).to.deep.equal(Array(12).fill('ok'));
    expect(images.requests, 'downloads from the image host').to.equal(1);
    expect(host.counters.downloads, 'NapCat downloads').to.equal(0);
    expect(host.counters.overlappingCopies).to.equal(0);
    // The status page's URL cards, counted as the plugin counts them.
    const url = fixture.proxy.stats.media.snapshot().url;
    expect(url.downloads, 'url.downloads').to.equal(1);
    expect(url.hits + url.shared + url.revalidated, 'answered without a download').to.equal(11);
  });

  it('URL media with urlCache.enabled false: the proxy fetches nothing even while rewriting, NapCat downloads as usual', async () => {
    images = await startImageServer([makePng({ bytes: 80_000, seed: 105 })]);
    await setUp({ media: { urlCache: { ...DEFAULT_CONFIG.urlCache, enabled: false } } });
    expect(await sendAll(images.urlOf(0), 12)).to.deep.equal(Array(12).fill('ok'));
    expect(fixture.proxy.urls.downloads, 'proxy downloads').to.equal(0);
    expect(host.counters.downloads, 'NapCat downloads').to.equal(12);
    expect(host.counters.overlappingCopies).to.equal(0);
  });

  it('URL media without the rewrite: NapCat downloads as usual, the URL is the lane key, the proxy fetches nothing', async () => {
    images = await startImageServer([makePng({ bytes: 80_000, seed: 104 })]);
    await setUp({ proxy: { rewrite: 'off' } });
    expect(await sendAll(images.urlOf(0), 12)).to.deep.equal(Array(12).fill('ok'));
    expect(host.counters.downloads).to.equal(12);
    expect(fixture.proxy.urls.downloads).to.equal(0);
    expect(host.counters.overlappingCopies).to.equal(0);
  });
});
