import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { createHost, makeJpeg, makeMp4, makePng, makeSilk, type Host, type HostOptions } from '../host';
import type { OB11Response } from '../host/actions/response';
import { burst, failed, hostWithPlugin, pluginStats, until } from './support';

const b64 = (bytes: Buffer) => `base64://${bytes.toString('base64')}`;
const image = (bytes: Buffer) => ({ type: 'image', data: { file: b64(bytes) } });
const node = (content: unknown[]) => ({ type: 'node', data: { name: 'n', uin: '10001', content } });

/** After the 1 s grace, no media file of the burst is left and NapCat has nothing queued. */
async function expectNothingLeft(host: Host): Promise<void> {
  await until(() => host.listMedia().length === 0, 5_000);
  expect(host.listMedia(), 'media files left').to.deep.equal([]);
  expect(host.pendingDeletions(), 'NapCat deletions pending').to.deep.equal([]);
}

function messages(responses: OB11Response[]): string[] {
  return failed(responses).map((r) => String(r.message).slice(0, 160));
}

describe('integration: the same guarantees for other shapes of broadcast', function () {
  this.timeout(180_000);
  const hosts: Host[] = [];
  const opts: HostOptions = { timeScale: 0.05, seed: 3 };
  const plugin = async (o: HostOptions = opts) => {
    const host = await hostWithPlugin(o, { graceSeconds: 1 });
    hosts.push(host);
    return host;
  };
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.close();
  });

  it('5 images × 40 peers interleaved: 0 failures, one copy and one transfer per image', async () => {
    const images = Array.from({ length: 5 }, (_, k) => makePng({ bytes: 400_000, seed: 50 + k }));
    const host = await plugin();
    const responses = await burst(host, 200, (i) => [image(images[i % 5])]);
    expect(messages(responses)).to.deep.equal([]);
    expect(host.counters.nativeCopies + host.counters.nodeMediaPlacements).to.equal(5);
    expect(host.counters.uploadsTransferred).to.equal(5);
    expect((await pluginStats(host)).store.misses).to.equal(5);
    await expectNothingLeft(host);
  });

  it('two identical images in one message: one copy, both elements sent', async () => {
    const png = makePng({ bytes: 300_000, seed: 61 });
    const host = await plugin();
    const responses = await burst(host, 40, () => [image(png), image(png)]);
    expect(messages(responses)).to.deep.equal([]);
    expect(host.counters.nativeCopies + host.counters.nodeMediaPlacements).to.equal(1);
    expect(host.counters.uploadsTransferred).to.equal(1);
    await expectNothingLeft(host);
  });

  it('video (with its thumbnail) and voice: 0 failures, nothing left', async () => {
    const mp4 = makeMp4({ bytes: 600_000, seed: 3 });
    const silk = makeSilk({ frames: 400, seed: 3 });
    const host = await plugin();
    const videos = await burst(host, 40, () => [{ type: 'video', data: { file: b64(mp4) } }]);
    const voices = await burst(host, 40, () => [{ type: 'record', data: { file: b64(silk) } }]);
    expect(messages(videos)).to.deep.equal([]);
    expect(messages(voices)).to.deep.equal([]);
    expect((await pluginStats(host)).store.misses).to.equal(2);
    await expectNothingLeft(host);
  });

  for (const packetMode of [true, false]) {
    it(`forward messages (${packetMode ? 'packet' : 'non-packet'} mode): 0 failures, nothing left`, async () => {
      const png = makePng({ bytes: 200_000, seed: 70 });
      const jpg = makeJpeg({ bytes: 150_000, seed: 71 });
      const host = await plugin({ ...opts, packetMode });
      const { url } = await host.front.start();
      void url;
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          host.call('send_group_forward_msg', { group_id: 500 + i, messages: [node([image(png)]), node([image(jpg), image(png)])] }),
        ),
      );
      expect(messages(responses)).to.deep.equal([]);
      expect((await pluginStats(host)).leasesHeld).to.equal(0);
      await expectNothingLeft(host);
    });
  }

  it('Windows-like file semantics: failures without the plugin, 0 with it', async () => {
    const png = makePng({ bytes: 1_000_000, seed: 80 });
    const win: HostOptions = { ...opts, fileMode: 'windows-delete-pending', seed: 2 };
    const bare = await createHost(win);
    hosts.push(bare);
    const without = await burst(bare, 100, () => [image(png)], 1000, 2);
    const host = await plugin(win);
    const withPlugin = await burst(host, 100, () => [image(png)], 1000, 2);
    console.log(`      windows-delete-pending: without ${failed(without).length}/100 failed, with ${failed(withPlugin).length}/100`);
    expect(failed(without).length).to.be.greaterThan(0);
    expect(messages(withPlugin)).to.deep.equal([]);
    expect([bare, host].map((h) => h.counters.outsideUnlinksWhileOpen), 'deletes that bypassed the Windows rules').to.deep.equal([0, 0]);
    await expectNothingLeft(host);
  });
});

describe('integration: http(s) images', function () {
  this.timeout(60_000);
  it('30 sends of one URL within urlCoalesceSeconds download it once, through NapCat’s own downloader, and write it twice in all', async () => {
    const http = await import('node:http');
    const png = makePng({ bytes: 200_000, seed: 99 });
    let served = 0;
    const server = http.createServer((_req, res) => {
      served++;
      res.writeHead(200, { 'content-type': 'image/png' }).end(png);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/a.png`;
    const host = await hostWithPlugin({ timeScale: 0.05 }, { graceSeconds: 1 });
    try {
      const written = bytesWrittenByProcess();
      const responses = await burst(host, 30, () => [{ type: 'image', data: { file: url } }], 200);
      const writes = bytesWrittenByProcess() - written;
      console.log(`      bytes written by the process during the burst: ${writes} (image ${png.length})`);
      expect(failed(responses).map((r) => r.message)).to.deep.equal([]);
      // The image server (in this process) sending it once, NapCat's temp file (taken over by
      // the store, not rewritten) and one NTQQ copy, plus a few KiB of responses, meta and
      // lease markers. A store that rewrote the download would add a fourth image.
      if (process.platform === 'linux') expect(writes).to.be.below(3 * png.length + 64 * 1024);
      expect(served, 'HTTP requests').to.equal(1);
      expect(host.counters.downloads, "NapCat's downloads").to.equal(1);
      expect(host.listTemp(), 'NapCat temp files left').to.deep.equal([]);
      expect(host.counters.nativeCopies + host.counters.nodeMediaPlacements).to.equal(1);
    } finally {
      await host.close();
      server.close();
    }
  });
});

/** Every byte this process has passed to write(2) (Linux `/proc/self/io` wchar). */
function bytesWrittenByProcess(): number {
  if (process.platform !== 'linux') return 0;
  return Number(/wchar: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? 0);
}
