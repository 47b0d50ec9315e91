import { expect } from 'chai';
import sinon from 'sinon';
import { createHost, makePng, type Host } from '../host';
import { burst, failed, imageSegment, installBuilt, pluginStats, until } from './support';

// 200 concurrent sends of one 1 MB base64 image to 200 groups, with and without the built
// plugin, in the same test: the model must fail without it, or the pass proves nothing.
describe('integration: one 1 MB base64 image to 200 groups at once', function () {
  this.timeout(120_000);
  const hosts: Host[] = [];
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.close();
  });

  it('fails without the plugin and has 0 failures with it: 1 write, 1 copy, md5 once, 1 transfer, nothing left', async () => {
    const image = makePng({ bytes: 1_000_000, seed: 3 });
    const options = { timeScale: 0.05, seed: 5 };

    let t = Date.now();
    const bare = await createHost(options);
    hosts.push(bare);
    const without = await burst(bare, 200, () => [imageSegment(image)]);
    const withoutFailures = failed(without).length;
    const withoutMs = Date.now() - t;
    t = Date.now();
    const withoutKinds = [...new Set(failed(without).map((r) => String(r.message).match(/rich media transfer failed|Timeout|ENOENT|[^\n]{0,40}/)?.[0]))];

    const host = await createHost(options);
    hosts.push(host);
    // NapCat's own uploadFile (md5 pass, sniff, copy) as the plugin will find it.
    const napcatUpload = sinon.spy(Object.getPrototypeOf(host.core.apis.FileApi), 'uploadFile');
    await installBuilt(host, { graceSeconds: 1 });
    const tempBefore = host.counters.tempFilesWritten;
    const responses = await burst(host, 200, () => [imageSegment(image)]);
    const c = host.counters;
    const withMs = Date.now() - t;
    console.log(
      `      without plugin: ${withoutFailures}/200 failed (${withoutKinds.join(' | ')}); with plugin: ${failed(responses).length}/200 failed, ` +
        `copies onto the NTQQ path ${c.nativeCopies + c.nodeMediaPlacements}, uploads transferred ${c.uploadsTransferred}, 秒传 ${c.instantUploads}, temp files ${c.tempFilesWritten - tempBefore}, uploads started ${c.uploadsStarted}; wall ${withoutMs} / ${withMs} ms`,
    );
    expect(withoutFailures, 'the model reproduces the bug without the plugin').to.be.greaterThan(0);
    expect(failed(responses).map((r) => r.message)).to.deep.equal([]);
    expect(c.tempFilesWritten - tempBefore, 'NapCat temp files').to.equal(0);
    expect(c.nativeCopies + c.nodeMediaPlacements, 'copies onto the NTQQ path').to.equal(1);
    expect(c.uploadsTransferred, 'uploads that moved bytes').to.equal(1);
    expect(c.instantUploads, '秒传: the server skipped every other upload').to.equal(c.uploadsStarted - 1);
    const stats = await pluginStats(host);
    expect(stats.store.misses, 'store writes').to.equal(1);
    expect(stats.store.hits + stats.store.coalescedPuts, 'the other 199 puts wrote nothing').to.equal(199);
    // One added-latency sample per image segment (its put plus its uploadFile fast path).
    expect(stats.addedLatencyMs.count, 'added-latency samples').to.equal(200);
    console.log(`      added latency p50 ${stats.addedLatencyMs.p50} ms, p95 ${stats.addedLatencyMs.p95} ms, max ${stats.addedLatencyMs.max} ms`);
    // md5 computed once: by the store's single write; NapCat's md5 pass never ran for it.
    expect(napcatUpload.callCount, "NapCat's own uploadFile (its md5 pass)").to.equal(0);
    napcatUpload.restore();
    // No file of the burst is left once the grace period (1 s) has passed.
    const clean = await until(() => host.listMedia().length === 0, 5_000);
    expect(host.listMedia(), 'media files left').to.deep.equal([]);
    expect(clean).to.equal(true);
    expect(host.pendingDeletions()).to.deep.equal([]);
  });
});
