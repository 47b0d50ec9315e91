// Forward WebSocket through the proxy, driven by node-napcat-ts (what bots use) and by a raw
// client where the bytes matter.
import { expect } from 'chai';
import { NCWebsocket, Structs } from 'node-napcat-ts';
import { createHost, makePng, type Host } from '../host';
import { imageSegment, proxyInFront, RawClient, type ProxyFixture } from './support';

describe('proxy: forward WebSocket', function () {
  this.timeout(60_000);
  let host: Host;
  let fixture: ProxyFixture;
  const clients: RawClient[] = [];
  const bots: NCWebsocket[] = [];

  beforeEach(async () => {
    host = await createHost({ timeScale: 0.05, seed: 4 });
    fixture = await proxyInFront(host);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const b of bots.splice(0)) await b.disconnect();
    await fixture.close();
    await host.close();
  });

  async function bot(path = ''): Promise<NCWebsocket> {
    const b = new NCWebsocket({ baseUrl: `${fixture.wsUrl}${path}`, reconnection: { enable: false }, apiTimeout: 30_000 });
    await b.connect();
    bots.push(b);
    return b;
  }

  function raw(path = '/'): RawClient {
    const c = new RawClient(`${fixture.wsUrl}${path}`);
    clients.push(c);
    return c;
  }

  it('keeps the bot\'s echo values and the order of pass-through answers (200 calls in flight)', async () => {
    const c = raw('/api');
    await c.opened;
    for (let i = 0; i < 200; i++) c.ws.send(JSON.stringify({ action: 'get_status', params: {}, echo: `e${i}` }));
    const frames = await c.until((fs) => fs.length >= 200);
    expect(frames.map((f) => f.echo)).to.deep.equal(Array.from({ length: 200 }, (_, i) => `e${i}`));
    expect(frames.every((f) => f.status === 'ok')).to.equal(true);
  });

  it('a long media send never holds up the traffic behind it on the same connection', async () => {
    const c = raw('/api');
    await c.opened;
    const big = makePng({ bytes: 3_000_000, seed: 21 });
    c.ws.send(JSON.stringify({ action: 'send_group_msg', params: { group_id: 1, message: [imageSegment(big)] }, echo: 'slow' }));
    c.ws.send(JSON.stringify({ action: 'get_status', params: {}, echo: 'quick' }));
    const frames = await c.until((fs) => fs.some((f) => f.echo === 'slow'), 30_000);
    const order = frames.map((f) => f.echo);
    expect(order.indexOf('quick')).to.be.lessThan(order.indexOf('slow'));
    expect(frames.find((f) => f.echo === 'slow')).to.include({ status: 'ok' });
  });

  it('passes events to `/` and `/event` connections and none to `/api`, as NapCat does', async () => {
    const root = raw('/');
    const events = raw('/event');
    const api = raw('/api');
    await Promise.all([root.opened, events.opened, api.opened]);
    await root.until((fs) => fs.length === 1);
    await events.until((fs) => fs.length === 1);
    host.front.emitEvent({ time: 1, self_id: 10001, post_type: 'message', message_type: 'group', group_id: 5, raw_message: '你好 \u2028 "q"' });
    const seen = await root.until((fs) => fs.length === 2);
    await events.until((fs) => fs.length === 2);
    expect(seen[0]).to.include({ meta_event_type: 'lifecycle' });
    expect(seen[1]).to.include({ post_type: 'message', raw_message: '你好 \u2028 "q"' });
    const c = await api.call('get_status', {}, 'x');
    expect(c.status).to.equal('ok');
    expect(api.frames.map((f) => f.echo)).to.deep.equal(['x']);
  });

  it('node-napcat-ts: events reach the bot\'s handlers through the proxy', async () => {
    const b = await bot();
    const got = new Promise<unknown>((resolve) => b.on('message.group', (event) => resolve(event)));
    await new Promise((r) => setTimeout(r, 50));
    host.front.emitEvent({ time: 1, self_id: 10001, post_type: 'message', message_type: 'group', sub_type: 'normal', group_id: 5, user_id: 7, message_id: 9, message: [{ type: 'text', data: { text: 'hi' } }], raw_message: 'hi', font: 0, sender: { user_id: 7 }, message_format: 'array' });
    expect(await got).to.deep.include({ group_id: 5, raw_message: 'hi' });
  });

  it('CQ strings: an image in a CQ-code message is laned and rewritten; NapCat writes no temp file', async () => {
    const b = await bot();
    const image = makePng({ bytes: 200_000, seed: 22 });
    const tempBefore = host.counters.tempFilesWritten;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => b.send_group_msg({ group_id: 200 + i, message: `看 [CQ:image,file=base64://${image.toString('base64')}] 这个` as never }).then(() => 'ok', (e: { message?: string }) => e.message)),
    );
    expect(results).to.deep.equal(Array(10).fill('ok'));
    expect(host.counters.tempFilesWritten - tempBefore, 'NapCat decoded no base64').to.equal(0);
    expect(host.counters.overlappingCopies, 'copies onto one Ori path never overlapped').to.equal(0);
    const snap = fixture.proxy.stats.snapshot();
    expect(snap.sends.seen).to.equal(10);
    expect(snap.store.misses).to.equal(1);
  });

  it('nested forwards: every picture of every level is keyed; the forward succeeds', async () => {
    const b = await bot();
    const a = makePng({ bytes: 50_000, seed: 31 }).toString('base64');
    const c = makePng({ bytes: 50_000, seed: 32 }).toString('base64');
    const messages = [
      Structs.customNode([Structs.image(`base64://${a}`)]),
      { type: 'node', data: { content: [{ type: 'node', data: { content: [Structs.image(`base64://${c}`), Structs.text('深')] } }] } },
    ];
    const sends = Array.from({ length: 6 }, (_, i) => b.send_group_forward_msg({ group_id: 300 + i, messages } as never).then(() => 'ok', (e: { message?: string }) => e.message));
    expect(await Promise.all(sends)).to.deep.equal(Array(6).fill('ok'));
    expect(fixture.proxy.stats.snapshot().store.misses).to.equal(2);
    expect(host.counters.highwayFailures).to.equal(0);
  });

  it('stream actions: many frames for one echo pass through', async () => {
    const c = raw('/api');
    await c.opened;
    c.ws.send(JSON.stringify({ action: 'test_download_stream', params: {}, echo: 'st' }));
    const frames = await c.until((fs) => fs.filter((f) => f.echo === 'st').length === 11);
    expect(frames.every((f) => f.stream === 'stream-action')).to.equal(true);
  });

  it('a frame the proxy cannot parse goes to NapCat untouched and NapCat\'s answer comes back; json5 sends are still laned', async () => {
    const c = raw('/api');
    await c.opened;
    c.ws.send('{this is not json');
    const [answer] = await c.until((fs) => fs.length === 1);
    expect(answer).to.deep.equal({ status: 'failed', retcode: 1400, data: null, message: 'json解析失败,请检查数据格式', wording: 'json解析失败,请检查数据格式', echo: null, stream: 'normal-action' });
    const image = makePng({ bytes: 30_000, seed: 23 }).toString('base64');
    c.ws.send(`{action: 'send_private_msg', params: {user_id: 8, message: [{type: 'image', data: {file: 'base64://${image}'}}]}, echo: 'j5',}`);
    const frames = await c.until((fs) => fs.some((f) => f.echo === 'j5'));
    expect(frames.find((f) => f.echo === 'j5')).to.include({ status: 'ok' });
    expect(fixture.proxy.stats.snapshot().sends.seen).to.equal(1);
  });
});
