// HTTP mode: bots POST/GET actions to the proxy, which forwards to NapCat's HTTP server.
import { expect } from 'chai';
import { createHost, makePng, type Host } from '../host';
import { imageSegment, RawClient, startProxy, type ProxyFixture } from './support';

describe('proxy: HTTP', function () {
  this.timeout(60_000);
  let host: Host;
  let fixture: ProxyFixture;
  let url: string;

  async function setUp(hostToken = '', proxyToken = '', upstreamToken?: string): Promise<void> {
    host = await createHost({ timeScale: 0.05, seed: 8, accessToken: hostToken });
    const front = await host.front.start();
    fixture = await startProxy({ timeScale: 0.05, proxy: { upstream: front.url, token: proxyToken, upstreamToken } });
    url = fixture.proxy.url;
  }
  afterEach(async () => {
    await fixture?.close();
    await host?.close();
  });

  it('passes `/`, GET with a query, and POST with a json5 body and the query merged over it', async () => {
    await setUp();
    expect(await (await fetch(`${url}/`)).json()).to.include({ message: 'NapCat4 Is Running' });
    expect(await (await fetch(`${url}/get_login_info`)).json()).to.deep.include({ status: 'ok', data: { user_id: 10001, nickname: 'bot10001' } });
    const image = makePng({ bytes: 30_000, seed: 51 }).toString('base64');
    // The query's group_id wins over the body's empty one, as in NapCat (else: 缺少参数 group_id).
    const res = await fetch(`${url}/send_group_msg?group_id=77`, { method: 'POST', body: `{group_id: '', message: [{type: 'image', data: {file: 'base64://${image}'}},],}` });
    const reply = (await res.json()) as Record<string, unknown>;
    expect(reply).to.include({ status: 'ok', retcode: 0 });
    expect(fixture.proxy.stats.snapshot().sends.seen).to.equal(1);
    const unknown = await (await fetch(`${url}/nope`, { method: 'POST' })).json();
    expect(unknown).to.include({ retcode: 200, message: '不支持的Api nope' });
  });

  it('a GET whose query carries a CQ-code image is a media send too', async () => {
    await setUp();
    // Small: a query beyond Node's 16 KB header limit is refused (431) by NapCat's server as by ours.
    const image = makePng({ bytes: 4_000, seed: 55 }).toString('base64');
    const query = new URLSearchParams({ user_id: '9', message: `[CQ:image,file=base64://${image}]` });
    const reply = (await (await fetch(`${url}/send_private_msg?${query}`)).json()) as Record<string, unknown>;
    expect(reply).to.include({ status: 'ok' });
    expect(fixture.proxy.stats.snapshot().sends.seen).to.equal(1);
    expect(host.counters.tempFilesWritten, 'rewritten to the store').to.equal(0);
  });

  it('a broadcast over HTTP: 0 failures, one transfer, no temp files', async () => {
    await setUp();
    const image = makePng({ bytes: 500_000, seed: 52 });
    const body = (i: number) => JSON.stringify({ group_id: 600 + i, message: [imageSegment(image)] });
    const replies = (await Promise.all(Array.from({ length: 40 }, (_, i) => fetch(`${url}/send_group_msg`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(i) }).then((r) => r.json())))) as Array<Record<string, unknown>>;
    expect(replies.filter((r) => r.status !== 'ok').map((r) => r.message)).to.deep.equal([]);
    expect(host.counters.uploadsTransferred).to.equal(1);
    expect(host.counters.tempFilesWritten).to.equal(0);
  });

  it('tokens: a wrong bot token gets NapCat\'s 403; a wrong upstream token gets NapCat\'s own 403 back, also for a media send', async () => {
    await setUp('napcat', 'bot', 'stale');
    const denied = await fetch(`${url}/get_status`, { headers: { authorization: 'Bearer nope' } });
    expect([denied.status, await denied.text()]).to.deep.equal([403, '{"message":"token verify failed!"}']);
    const upstream = await fetch(`${url}/get_status?access_token=bot`);
    expect([upstream.status, await upstream.text()]).to.deep.equal([403, '{"message":"token verify failed!"}']);
    const image = makePng({ bytes: 10_000, seed: 53 });
    const gated = await fetch(`${url}/send_private_msg?access_token=bot`, { method: 'POST', body: JSON.stringify({ user_id: 1, message: [imageSegment(image)] }) });
    expect(gated.status).to.equal(403);
  });

  it('the right tokens on both sides pass', async () => {
    await setUp('napcat', 'bot', 'napcat');
    expect(await (await fetch(`${url}/get_status`, { headers: { authorization: 'Bearer bot' } })).json()).to.include({ status: 'ok' });
  });

  it('NapCat down: a NapCat-shaped failed reply, HTTP 200, retcode 200', async () => {
    await setUp();
    await host.front.stop();
    const reply = (await (await fetch(`${url}/get_status`)).json()) as Record<string, unknown>;
    expect(reply).to.include({ status: 'failed', retcode: 200 });
    expect(reply.message).to.match(/NapCat is unreachable/);
    const image = makePng({ bytes: 10_000, seed: 54 });
    const gated = (await (await fetch(`${url}/send_private_msg`, { method: 'POST', body: JSON.stringify({ user_id: 1, message: [imageSegment(image)], echo: 'e' }) })).json()) as Record<string, unknown>;
    expect(gated).to.include({ status: 'failed', retcode: 200, echo: 'e' });
  });

  it('a stream action\'s chunked answer passes through', async () => {
    await setUp();
    const text = await (await fetch(`${url}/test_download_stream`, { method: 'POST', body: '{"echo":"s"}' })).text();
    const parts = text.split('\r\n\r\n').filter(Boolean);
    expect(parts).to.have.length(11);
  });

  it('a WebSocket on the HTTP port goes to NapCat\'s HTTP port', async () => {
    await setUp();
    const c = new RawClient(`${url.replace('http', 'ws')}/api`);
    await c.opened;
    expect(await c.call('get_status', {}, 'w')).to.include({ status: 'ok' });
    c.close();
  });
});
