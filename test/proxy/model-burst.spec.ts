// The model NapCat fails a broadcast of one image on its own; through the proxy it has 0
// failures, whether the proxy only queues (segments as they came) or also rewrites to its
// shared store (file://). Same image, same seeds, same client (node-napcat-ts).
import { expect } from 'chai';
import { NCWebsocket, Structs } from 'node-napcat-ts';
import { createHost, makePng, type Host, type HostOptions } from '../host';
import { proxyInFront, type ProxyFixture } from './support';

const PEERS = 120;

async function broadcast(wsUrl: string, image: Buffer, peers = PEERS, perMessage = 1): Promise<string[]> {
  const bot = new NCWebsocket({ baseUrl: wsUrl, reconnection: { enable: false }, apiTimeout: 120_000 });
  await bot.connect();
  try {
    const uri = `base64://${image.toString('base64')}`;
    return await Promise.all(
      Array.from({ length: peers }, (_, i) =>
        bot.send_group_msg({ group_id: 100_000 + i, message: Array.from({ length: perMessage }, () => Structs.image(uri)) }).then(
          () => 'ok',
          (e: { message?: string }) => (/rich media transfer failed/.test(e.message ?? '') ? 'rich media transfer failed' : (e.message ?? 'failed').split('\n')[0]),
        ),
      ),
    );
  } finally {
    await bot.disconnect();
  }
}

describe('proxy on the model: a broadcast of one 1 MB image', function () {
  this.timeout(180_000);
  const image = makePng({ bytes: 1_000_000, seed: 71 });
  const options: HostOptions = { timeScale: 0.25, seed: 5 };
  let host: Host | undefined;
  let fixture: ProxyFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    await host?.close();
    fixture = undefined;
    host = undefined;
  });

  it('fails without the proxy (the model reproduces the bug)', async () => {
    host = await createHost(options);
    const { wsUrl } = await host.front.start();
    const results = await broadcast(wsUrl, image);
    const failures = results.filter((r) => r !== 'ok');
    console.log(`      NapCat alone: ${failures.length}/${PEERS} failed (${[...new Set(failures)].join(' | ')})`);
    expect(failures.length).to.be.greaterThan(0);
  });

  for (const mode of ['off', 'auto'] as const) {
    it(`0 failures through the proxy, ${mode === 'off' ? 'segments as they came (lanes only)' : 'rewritten to the shared store (file://)'}`, async () => {
      host = await createHost(options);
      fixture = await proxyInFront(host, { proxy: { rewrite: mode } });
      const results = await broadcast(fixture.wsUrl, image);
      const c = host.counters;
      const snap = fixture.proxy.stats.snapshot();
      console.log(`      ${mode}: ${results.filter((r) => r !== 'ok').length} failed, temp files ${c.tempFilesWritten}, copies ${c.nativeCopies}, overlapping ${c.overlappingCopies}, transfers ${c.uploadsTransferred}, rewrite ${snap.proxy.rewrite}, lanes opened ${snap.proxy.lanes.opened}`);
      expect(results.filter((r) => r !== 'ok')).to.deep.equal([]);
      expect(c.overlappingCopies, 'two copies onto one Ori path at once').to.equal(0);
      expect(c.uploadsTransferred, 'uploads that moved bytes').to.equal(1);
      expect(c.sendsFailed, 'kernel sends that failed (the proxy retried none)').to.equal(0);
      expect(snap.sends.seen).to.equal(PEERS);
      expect(snap.store.misses, 'decoded and written once').to.equal(1);
      if (mode === 'auto') {
        expect(snap.proxy.rewrite).to.equal('proven');
        expect(c.tempFilesWritten, 'NapCat decoded no base64 and wrote no temp file').to.equal(0);
      } else {
        expect(c.tempFilesWritten, 'NapCat decodes each send as it came').to.equal(PEERS);
      }
    });
  }

  it('the same image twice in every message: the lane is taken once per message; the request\'s own two copies overlap, yet nothing fails', async () => {
    // NapCat converts a message's segments at once (Promise.all), so its two copies onto one
    // Ori path overlap and no lane can split them; but its kernel reads that path only after
    // every conversion of the message is done, so the overlap is harmless. The lanes keep
    // other messages of the image out meanwhile.
    const peers = 40;
    host = await createHost(options);
    fixture = await proxyInFront(host, { proxy: { rewrite: 'off' } });
    const results = await broadcast(fixture.wsUrl, image, peers, 2);
    const c = host.counters;
    const snap = fixture.proxy.stats.snapshot();
    expect(results.filter((r) => r !== 'ok')).to.deep.equal([]);
    expect(c.sendsFailed).to.equal(0);
    expect(c.nativeCopies, 'two copies per message').to.equal(2 * peers);
    expect(c.overlappingCopies, 'at most the request\'s own pair overlaps').to.be.at.most(peers);
    expect(c.uploadsTransferred).to.equal(1);
    // A message takes its image's lane once: taking it twice would wait on itself until the hold limit.
    expect(snap.proxy.lanes.overstayed).to.equal(0);
    expect(snap.proxy.lanes.opened).to.equal(0);
    expect(snap.sends.seen).to.equal(peers);
  });

  it('0 failures through the proxy with Windows-like file sharing (delete-pending)', async () => {
    host = await createHost({ ...options, fileMode: 'windows-delete-pending' });
    fixture = await proxyInFront(host, { proxy: { rewrite: 'off' } });
    const results = await broadcast(fixture.wsUrl, image, 60);
    expect(results.filter((r) => r !== 'ok')).to.deep.equal([]);
    expect(host.counters.overlappingCopies).to.equal(0);
  });
});
