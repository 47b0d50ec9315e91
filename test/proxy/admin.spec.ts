// /stats and the status page on the proxy's port, behind its token.
import { expect } from 'chai';
import { NCWebsocket, Structs } from 'node-napcat-ts';
import { createHost, makePng, type Host } from '../host';
import type { ProxySnapshot } from '../../src/proxy/stats';
import { proxyInFront, type ProxyFixture } from './support';

describe('proxy: /stats and the status page', function () {
  this.timeout(30_000);
  let host: Host;
  let fixture: ProxyFixture;
  afterEach(async () => {
    await fixture?.close();
    await host?.close();
  });

  it('serves the plugin\'s snapshot plus the proxy section, only with the token; no token is ever shown', async () => {
    host = await createHost({ timeScale: 0.05 });
    fixture = await proxyInFront(host, { proxy: { token: 'tok', upstreamToken: '' } });
    const base = fixture.proxy.url;
    expect((await fetch(`${base}/stats`)).status).to.equal(401);
    expect((await fetch(`${base}/stats`, { headers: { authorization: 'Bearer nope' } })).status).to.equal(401);
    const bot = new NCWebsocket({ baseUrl: fixture.wsUrl, accessToken: 'tok', reconnection: { enable: false } });
    await bot.connect();
    const image = `base64://${makePng({ bytes: 20_000, seed: 81 }).toString('base64')}`;
    await Promise.all([1, 2, 3].map((g) => bot.send_group_msg({ group_id: g, message: [Structs.image(image)] })));
    await bot.disconnect();
    const body = (await (await fetch(`${base}/stats`, { headers: { authorization: 'Bearer tok' } })).json()) as { code: number; data: ProxySnapshot };
    expect(body.code).to.equal(0);
    expect(body.data.sends.seen).to.equal(3);
    expect(body.data.store).to.include({ misses: 1, entries: 1 });
    expect(body.data.store.hits + body.data.store.coalescedPuts, 'the other two puts wrote nothing').to.equal(2);
    expect(body.data.proxy).to.include({ connections: 1, rewrite: 'proven' });
    expect(body.data.proxy.lanes).to.include({ queued: 2, lanes: 0 });
    const same = await (await fetch(`${base}/api/Plugin/ext/napcat-media-cache-proxy/stats?access_token=tok`)).json();
    expect(same).to.have.property('code', 0);
    const config = await (await fetch(`${base}/api/Plugin/ext/napcat-media-cache-proxy/config?token=tok`)).text();
    expect(config).to.include('"token":"(set)"');
    expect(config).to.not.include('tok"');
  });

  it('the status page: /status redirects to the page, which needs the token and carries no data', async () => {
    host = await createHost({ timeScale: 0.05 });
    fixture = await proxyInFront(host, { proxy: { token: 'tok', upstreamToken: '' } });
    const base = fixture.proxy.url;
    const redirect = await fetch(`${base}/status?token=tok`, { redirect: 'manual' });
    expect(redirect.status).to.equal(302);
    const location = redirect.headers.get('location')!;
    expect(location).to.equal('/plugin/napcat-media-cache-proxy/api/status?token=tok');
    const page = await fetch(`${base}${location}`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-security-policy')).to.include("default-src 'none'");
    const html = await page.text();
    expect(html).to.include('/api/Plugin/ext/');
    expect(html).to.not.match(/"sends"|tok[^e]/);
    expect((await fetch(`${base}/plugin/napcat-media-cache-proxy/api/status`)).status).to.equal(401);
  });

  it('without a token everything is open, as NapCat is without one', async () => {
    host = await createHost({ timeScale: 0.05 });
    fixture = await proxyInFront(host);
    expect((await fetch(`${fixture.proxy.url}/stats`)).status).to.equal(200);
  });
});
