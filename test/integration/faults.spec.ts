import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { MediaServer, createHost, makePng, totalUploadFailures, type Host, type HostOptions } from '../host';
import { PLUGIN_ID, burst, failed, hostWithPlugin, pluginStats } from './support';

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');
const image = (bytes: Buffer) => ({ type: 'image', data: { file: `base64://${bytes.toString('base64')}` } });

function storeContent(host: Host): string[] {
  const dir = path.join(host.pluginManager.getPluginDataPath(PLUGIN_ID), 'cache', 'content');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
}

describe('integration: faults during a burst, reload during a burst, the legacy API shape', function () {
  this.timeout(180_000);
  const hosts: Host[] = [];
  const opts: HostOptions = { timeScale: 1, seed: 4 };
  const plugin = async (o: HostOptions = opts) => {
    const host = await hostWithPlugin(o, { graceSeconds: 1 });
    hosts.push(host);
    return host;
  };
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  before(() => {
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
  });
  after(() => {
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
  });
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.close();
    expect(unhandled, 'uncaught errors').to.deep.equal([]);
  });

  it('the NTQQ media path deleted from outside every 15 ms mid-burst: 0 failures, each file put back before the send that needs it', async () => {
    const png = makePng({ bytes: 500_000, seed: 90 });
    // The vandal runs on the wall clock: at time scale 0.05 it strikes about once per 300 model
    // ms, where this spec's numbers (docs/hooks.md) were measured.
    const host = await plugin({ timeScale: 0.05, seed: 4 });
    let deleted = 0;
    const vandal = setInterval(() => {
      for (const file of host.listMedia()) {
        fs.rmSync(file, { force: true });
        deleted++;
      }
    }, 15);
    const responses = await burst(host, 60, () => [image(png)]);
    clearInterval(vandal);
    const stats = await pluginStats(host);
    console.log(`      media files deleted from outside: ${deleted}; failed ${failed(responses).length}/60; kernel reads of a vanished file ${host.counters.uploadFailures.missing}; retries ${stats.uploads.retries}; copies ${stats.ntqq.copiesMade}`);
    expect(deleted, 'the vandal hit').to.be.greaterThan(5);
    expect(failed(responses).map((r) => r.message)).to.deep.equal([]);
    expect(stats.ntqq.copiesMade, 'copies put back').to.be.greaterThan(1);
    const after = await burst(host, 20, () => [image(png)]);
    expect(failed(after), 'recovered').to.deep.equal([]);
  });

  for (const fileMode of ['posix', 'windows-ebusy', 'windows-delete-pending'] as const) {
    it(`clean_cache during a burst (${fileMode}): all 60 delivered, then all 20 more`, async () => {
      const png = makePng({ bytes: 500_000, seed: 91 });
      const host = await plugin({ timeScale: 1, seed: 4, fileMode });
      const sending = burst(host, 60, () => [image(png)]);
      await new Promise((r) => setTimeout(r, 400));
      const cleaned = await host.call('clean_cache');
      const responses = await sending;
      expect(cleaned.status).to.equal('ok');
      expect(failed(responses).map((r) => r.message)).to.deep.equal([]);
      expect(responses.filter((r) => r.status === 'ok')).to.have.length(60);
      const after = await burst(host, 20, () => [image(png)]);
      expect(failed(after), 'recovered').to.deep.equal([]);
      expect(host.counters.outsideUnlinksWhileOpen, 'deletes that bypassed the file rules').to.equal(0);
      expect((await pluginStats(host)).fallbacks, 'requests handed back to NapCat').to.deep.equal({});
    });
  }

  it('a send that timed out keeps its media file while NTQQ still reads it (windows-delete-pending): the next send of it is delivered', async () => {
    const png = makePng({ bytes: 200_000, seed: 97 });
    const host = await plugin({ timeScale: 1, seed: 7, fileMode: 'windows-delete-pending', bandwidth: 40_000 });
    const send = (timeout?: number) => host.call('send_group_msg', { group_id: 1, message: [image(png)], ...(timeout ? { timeout } : {}) });
    const first = await send(800);
    expect(String(first.message), 'NapCat gave up; NTQQ goes on uploading for ~5 s').to.match(/^发送超时：QQ 在 0\.8 秒内没有确认；.* — Timeout:/s);
    await new Promise((r) => setTimeout(r, 1500)); // past the plugin's grace (1 s)
    const second = await send();
    expect(second.status, String(second.message)).to.equal('ok');
    expect(host.counters.outsideUnlinksWhileOpen).to.equal(0);
    expect((await pluginStats(host)).fallbacks, 'requests handed back to NapCat').to.deep.equal({});
  });

  it('a media file deleted while NTQQ still reads it (windows-delete-pending): the fresh copy waits for the name instead of failing the send', async () => {
    const png = makePng({ bytes: 200_000, seed: 98 });
    const host = await plugin({ timeScale: 1, seed: 8, fileMode: 'windows-delete-pending', bandwidth: 40_000 });
    const send = (timeout?: number) => host.call('send_group_msg', { group_id: 1, message: [image(png)], ...(timeout ? { timeout } : {}) });
    const first = send(800); // NTQQ uploads for ~5 s; NapCat stops waiting after 0.8 s
    await new Promise((r) => setTimeout(r, 300));
    expect((await host.call('clean_cache')).status).to.equal('ok'); // the name is delete-pending until NTQQ lets go
    const second = send();
    expect(String((await first).message)).to.match(/^发送超时：.* — Timeout:/s);
    const answer = await second;
    expect(answer.status, String(answer.message)).to.equal('ok');
    expect(host.counters.outsideUnlinksWhileOpen).to.equal(0);
    expect((await pluginStats(host)).fallbacks, 'requests handed back to NapCat').to.deep.equal({});
  });

  it('a corrupt store entry (same size) with its NTQQ copy gone: 0 failures, the right md5 uploaded, the entry rebuilt and one quarantine counted', async () => {
    const png = makePng({ bytes: 200_000, seed: 92 });
    const server = new MediaServer();
    const host = await plugin({ ...opts, server });
    expect(failed(await burst(host, 5, () => [image(png)]))).to.deep.equal([]);
    const [file] = storeContent(host);
    const bad = Buffer.from(png);
    for (let i = 1000; i < 2000; i++) bad[i] ^= 0xff; // flipped bytes, same size, header intact
    fs.writeFileSync(file, bad);
    for (const media of host.listMedia()) fs.rmSync(media);
    const failuresBefore = totalUploadFailures(host.counters);

    const responses = await burst(host, 20, () => [image(png)]);
    expect(failed(responses).map((r) => r.message)).to.deep.equal([]);
    expect(await server.list(), 'md5s the server received').to.deep.equal([md5(png)]);
    expect(totalUploadFailures(host.counters) - failuresBefore, 'kernel uploads that failed verification').to.equal(0);
    expect(md5(fs.readFileSync(file)), 'the store file afterwards').to.equal(md5(png));
    const stats = await pluginStats(host);
    expect(stats.failures.CORRUPT_ENTRY, 'quarantines').to.equal(1);
    expect(stats.store.misses, 'the first write and the rebuild').to.equal(2);
  });

  it('reload during a burst: in-flight sends complete, nothing is patched twice', async () => {
    const png = makePng({ bytes: 500_000, seed: 93 });
    const host = await plugin();
    const sending = burst(host, 80, () => [image(png)], 1000);
    await new Promise((r) => setTimeout(r, 25));
    await host.pluginManager.reloadPlugin(PLUGIN_ID);
    const responses = await sending;
    console.log(`      reload mid-burst: failed ${failed(responses).length}/80`);
    expect(failed(responses).map((r) => r.message), 'every send in flight across the reload delivered').to.deep.equal([]);
    expect(responses.filter((r) => r.status === 'ok')).to.have.length(80);
    const uploadFile = host.core.apis.FileApi.uploadFile as unknown as Record<symbol, unknown>;
    const inner = uploadFile[Symbol.for('napcat-plugin-media-cache/wrapped')];
    expect(inner, 'one wrapper over NapCat’s own method').to.equal(Object.getPrototypeOf(host.core.apis.FileApi).uploadFile);
    const after = await burst(host, 40, () => [image(png)]);
    expect(failed(after)).to.deep.equal([]);
  });

  it('a native copy that answers before its bytes are on disk: NapCat alone fails; with the plugin 0 failures, no fault of ours', async () => {
    const png = makePng({ bytes: 500_000, seed: 95 });
    const early: HostOptions = { ...opts, nativeCopyResolvesEarly: true, diskBandwidth: 1024 * 1024 };
    const bare = await createHost(early);
    hosts.push(bare);
    expect(failed(await burst(bare, 10, () => [image(png)])).length, 'NapCat alone').to.be.greaterThan(0);
    const host = await plugin(early);
    const responses = await burst(host, 40, () => [image(png)]);
    expect(failed(responses).map((r) => r.message)).to.deep.equal([]);
    expect((await pluginStats(host)).fallbacks, 'requests handed back to NapCat').to.deep.equal({});
    expect(host.counters.nodeMediaPlacements + host.counters.nativeCopies, 'copies onto the NTQQ path').to.equal(1);
  });

  it('reloads mid-burst, again and again, at time scale 1: every send in flight delivered', async () => {
    const png = makePng({ bytes: 300_000, seed: 96 });
    const host = await plugin({ timeScale: 1, seed: 6 });
    let delivered = 0;
    let lost: string[] = [];
    for (let round = 0; round < 6; round++) {
      const sending = burst(host, 24, () => [image(png)], 400, round + 1);
      await new Promise((r) => setTimeout(r, 60 + 40 * (round % 3)));
      await host.pluginManager.reloadPlugin(PLUGIN_ID);
      const responses = await sending;
      delivered += responses.filter((r) => r.status === 'ok').length;
      lost = lost.concat(failed(responses).map((r) => String(r.message).split('\n')[0]));
    }
    console.log(`      6 reloads mid-burst: delivered ${delivered}/144; failed: ${JSON.stringify(lost)}`);
    expect(lost).to.deep.equal([]);
    expect(delivered).to.equal(144);
  });

  it('the ≤ v4.17.48 API shape: 0 failures, nothing left', async () => {
    const png = makePng({ bytes: 500_000, seed: 94 });
    const host = await plugin({ ...opts, apiShape: 'legacy' });
    const responses = await burst(host, 60, () => [image(png)]);
    expect(failed(responses).map((r) => r.message)).to.deep.equal([]);
    expect(host.counters.nativeCopies + host.counters.nodeMediaPlacements, 'copies onto the NTQQ path').to.equal(1);
  });
});
