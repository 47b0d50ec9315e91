// Pacing through the proxy (issue 13 §3): one token per media send before its lanes, counted
// in /stats as in the plugin; shutting down lets the queue go instead of dropping it.
import { expect } from 'chai';
import { NCWebsocket, Structs } from 'node-napcat-ts';
import type { ProxySnapshot } from '../../src/proxy/stats';
import { createHost, makePng, type Host } from '../host';
import { proxyInFront, type ProxyFixture } from './support';

describe('proxy: pacing', function () {
  this.timeout(60_000);
  let host: Host | undefined;
  let fixture: ProxyFixture | undefined;
  let bot: NCWebsocket | undefined;
  afterEach(async () => {
    await bot?.disconnect().catch(() => undefined);
    await fixture?.close();
    await host?.close();
    bot = fixture = host = undefined;
  });

  async function connect(pacing: { mediaSendsPerSecond: number; burst: number }) {
    host = await createHost({ timeScale: 0.25, seed: 2 });
    fixture = await proxyInFront(host, { proxy: { token: 'tok' }, media: { pacing } });
    bot = new NCWebsocket({ baseUrl: fixture.wsUrl, accessToken: 'tok', reconnection: { enable: false }, apiTimeout: 60_000 });
    await bot.connect();
    return bot;
  }

  const send = (to: NCWebsocket, group: number, image: Buffer) =>
    to.send_group_msg({ group_id: group, message: [Structs.image(`base64://${image.toString('base64')}`)] }).then(
      () => 'ok',
      (e: { message?: string }) => e.message ?? 'failed',
    );

  it('ten sends at 20/s: all delivered, each paced once, the waits and the queue in /stats', async () => {
    const client = await connect({ mediaSendsPerSecond: 20, burst: 1 });
    const image = makePng({ bytes: 20_000, seed: 12 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => send(client, 1000 + i, image)));
    expect(results).to.deep.equal(Array(10).fill('ok'));
    const res = await fetch(`${fixture!.proxy.url}/stats`, { headers: { authorization: 'Bearer tok' } });
    const { pacing } = ((await res.json()) as { data: ProxySnapshot }).data;
    expect([pacing.sends, pacing.queued]).to.deep.equal([10, 0]);
    expect(pacing.waitedMs.max, 'the last of ten waited for nine tokens at 20/s (450 ms)').to.be.at.least(250);
  });

  it('shutting down lets the sends waiting for a token go, instead of dropping them at the drain deadline', async () => {
    const client = await connect({ mediaSendsPerSecond: 0.1, burst: 1 }); // a token every 10 s
    const image = makePng({ bytes: 20_000, seed: 13 });
    const first = await send(client, 1, image);
    const queued = [2, 3, 4].map((group) => send(client, group, image));
    while (fixture!.proxy.pacer.queued < 3) await new Promise((r) => setTimeout(r, 10));
    const closing = fixture!.proxy.close(5_000);
    const results = await Promise.all(queued);
    await closing;
    expect([first, ...results]).to.deep.equal(['ok', 'ok', 'ok', 'ok']);
  });
});
