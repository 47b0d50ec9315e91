// The connection's life: tokens on both sides, NapCat down or restarting, a bot leaving in
// the middle of its sends.
import { expect } from 'chai';
import { NCWebsocket, Structs } from 'node-napcat-ts';
import { createHost, makePng, type Host } from '../host';
import { imageSegment, proxyInFront, RawClient, startProxy, until, type ProxyFixture } from './support';

const unreachable = /^无法连接 NapCat，代理会自动重连 \/ NapCat is unreachable, the proxy keeps reconnecting: /;

describe('proxy: tokens, NapCat down, bots leaving', function () {
  this.timeout(60_000);
  const hosts: Host[] = [];
  const fixtures: ProxyFixture[] = [];
  const clients: RawClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const f of fixtures.splice(0)) await f.close();
    for (const h of hosts.splice(0)) await h.close();
  });
  const host = async (options = {}) => {
    const h = await createHost({ timeScale: 0.05, seed: 6, ...options });
    hosts.push(h);
    return h;
  };
  const proxy = async (h: Host, options: Parameters<typeof proxyInFront>[1] = {}) => {
    const f = await proxyInFront(h, options);
    fixtures.push(f);
    return f;
  };
  const raw = (url: string, options?: ConstructorParameters<typeof RawClient>[1]) => {
    const c = new RawClient(url, options);
    clients.push(c);
    return c;
  };

  it('a bot with a wrong token is refused by the proxy as NapCat refuses it; the right one by header or query gets in', async () => {
    const h = await host({ accessToken: 'napcat-secret' });
    const f = await proxy(h, { proxy: { token: 'bot-secret', upstreamToken: 'napcat-secret' } });
    const wrong = raw(`${f.wsUrl}/?access_token=nope`);
    const [refusal] = await wrong.until((fs) => fs.length === 1);
    expect(refusal).to.deep.equal({ status: 'failed', retcode: 1403, data: null, message: 'token验证失败', wording: 'token验证失败', echo: null, stream: 'normal-action' });
    await wrong.closed;
    expect(h.front.connections, 'no NapCat connection for a refused bot').to.equal(0);
    const viaHeader = raw(`${f.wsUrl}/api`, { headers: { Authorization: 'Bearer bot-secret' } });
    await viaHeader.opened;
    expect(await viaHeader.call('get_status', {}, 'h')).to.include({ status: 'ok' });
    const bot = new NCWebsocket({ baseUrl: f.wsUrl, accessToken: 'bot-secret', reconnection: { enable: false } });
    await bot.connect();
    expect(await bot.get_login_info()).to.include({ user_id: 10001 });
    await bot.disconnect();
  });

  it('a wrong upstream token: NapCat\'s own refusal reaches the bot, and the bot\'s connection closes', async () => {
    const h = await host({ accessToken: 'napcat-secret' });
    const f = await proxy(h, { proxy: { token: '', upstreamToken: 'stale' } });
    const c = raw(`${f.wsUrl}/`);
    const [refusal] = await c.until((fs) => fs.length === 1);
    expect(refusal).to.include({ retcode: 1403, message: 'token验证失败' });
    await c.closed;
  });

  it('NapCat down: actions get NapCat-shaped failed replies with their echo; once NapCat is up, the same connection works', async () => {
    const h = await host();
    const { wsUrl } = await h.front.start();
    await h.front.stop();
    const f = await startProxy({ timeScale: 0.05, proxy: { upstream: wsUrl } });
    fixtures.push(f);
    const c = raw(`${f.wsUrl}/api`);
    await c.opened;
    const passed = await c.call('get_status', {}, 'p1');
    expect(passed).to.include({ status: 'failed', retcode: 1200, data: null, echo: 'p1', stream: 'normal-action' });
    expect(passed.message).to.match(unreachable);
    const image = makePng({ bytes: 20_000, seed: 41 });
    const gated = await c.call('send_group_msg', { group_id: 1, message: [imageSegment(image)] }, 'g1');
    expect(gated).to.include({ status: 'failed', retcode: 1200, echo: 'g1' });
    expect(gated.message).to.match(unreachable);
    await h.front.start();
    let answer: Record<string, unknown> | undefined;
    for (let i = 0; i < 40 && answer?.status !== 'ok'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      answer = await c.call('get_status', {}, `retry${i}`);
    }
    expect(answer).to.include({ status: 'ok' });
    expect(await c.call('send_group_msg', { group_id: 1, message: [imageSegment(image)] }, 'g2')).to.include({ status: 'ok' });
  });

  it('NapCat restarts: the bot\'s connection closes as NapCat\'s would; node-napcat-ts reconnects and sends again', async () => {
    const h = await host();
    const f = await proxy(h);
    const bot = new NCWebsocket({ baseUrl: f.wsUrl, reconnection: { enable: true, attempts: 20, delay: 300 } });
    let closes = 0;
    bot.on('socket.close', () => closes++);
    await bot.connect();
    const image = `base64://${makePng({ bytes: 20_000, seed: 42 }).toString('base64')}`;
    await bot.send_group_msg({ group_id: 1, message: [Structs.image(image)] });
    await h.front.stop();
    await until(() => closes === 1, 5_000);
    expect(closes).to.equal(1);
    await h.front.start();
    let sent = false;
    for (let i = 0; i < 40 && !sent; i++) {
      await new Promise((r) => setTimeout(r, 250));
      sent = await bot.send_group_msg({ group_id: 2, message: [Structs.image(image)] }).then(() => true, () => false);
    }
    expect(sent).to.equal(true);
    await bot.disconnect();
  });

  it('a bot leaving mid-send leaks nothing: its sends finish inside NapCat, then leases, lanes and the NapCat connection are gone', async () => {
    const h = await host();
    const f = await proxy(h);
    const c = raw(`${f.wsUrl}/api`);
    await c.opened;
    const image = makePng({ bytes: 400_000, seed: 43 });
    for (let i = 0; i < 15; i++) c.ws.send(JSON.stringify({ action: 'send_group_msg', params: { group_id: 500 + i, message: [imageSegment(image)] }, echo: `s${i}` }));
    await until(() => h.counters.sendsOk >= 1, 10_000);
    c.close();
    await until(() => f.proxy.sessions === 0, 20_000);
    expect(f.proxy.sessions, 'session ended').to.equal(0);
    expect(h.counters.sendsOk + h.counters.sendsFailed + h.counters.sendsTimedOut, 'every received send was carried out').to.equal(15);
    expect(f.proxy.store.stats().leases, 'leases').to.equal(0);
    expect(f.proxy.lanes.stats()).to.include({ lanes: 0, running: 0, waiting: 0 });
  });
});
