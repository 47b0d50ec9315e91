// Reverse WebSocket: the model NapCat's reverse client connects to the proxy, the proxy
// connects on to a bot's reverse WebSocket server (raw `ws` here, as bot frameworks run).
import { expect } from 'chai';
import type http from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';
import { createHost, makePng, type Host } from '../host';
import { imageSegment, startProxy, until, type Frame, type ProxyFixture } from './support';

/** A bot's reverse WebSocket server: records each connection's headers and frames. */
class BotServer {
  readonly connections: Array<{ headers: http.IncomingHttpHeaders; frames: Frame[]; ws: WebSocket }> = [];
  server!: WebSocketServer;
  port = 0;
  /** Refuse upgrades whose token is not this (401). */
  token = '';
  refused = 0;

  async start(port = 0): Promise<string> {
    this.server = new WebSocketServer({
      port,
      host: '127.0.0.1',
      verifyClient: (info, done) => {
        const ok = this.token === '' || info.req.headers.authorization === `Bearer ${this.token}`;
        if (!ok) this.refused++;
        done(ok, 401);
      },
    });
    await new Promise((resolve) => this.server.once('listening', resolve));
    this.port = (this.server.address() as { port: number }).port;
    this.server.on('connection', (ws, req) => {
      const entry = { headers: req.headers, frames: [] as Frame[], ws };
      this.connections.push(entry);
      ws.on('message', (data) => entry.frames.push(JSON.parse(data.toString()) as Frame));
    });
    return `ws://127.0.0.1:${this.port}/onebot/v11/ws`;
  }

  get last() {
    return this.connections[this.connections.length - 1];
  }

  async stop(): Promise<void> {
    for (const c of this.server.clients) c.terminate();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe('proxy: reverse WebSocket', function () {
  this.timeout(60_000);
  let host: Host;
  let fixture: ProxyFixture;
  let bot: BotServer;

  beforeEach(() => {
    bot = new BotServer();
  });
  afterEach(async () => {
    await fixture?.close();
    await host?.close();
    await bot.stop().catch(() => undefined);
  });

  async function setUp(options: { botToken?: string; napcatToken?: string; proxyUpstreamToken?: string } = {}) {
    bot.token = options.botToken ?? '';
    const botUrl = await bot.start();
    host = await createHost({ timeScale: 0.05, seed: 9 });
    fixture = await startProxy({ timeScale: 0.05, proxy: { reverse: botUrl, token: options.botToken ?? '', upstreamToken: options.proxyUpstreamToken } });
    const client = host.front.connectReverse({ url: `${fixture.wsUrl}/`, token: options.napcatToken ?? '', reconnectIntervalMs: 100 });
    return client;
  }

  it('passes NapCat\'s headers on, with the bot\'s token, and NapCat\'s lifecycle first', async () => {
    await setUp({ botToken: 'bot-t', napcatToken: 'nc-t', proxyUpstreamToken: 'nc-t' });
    await until(() => bot.connections.length === 1 && bot.last.frames.length >= 1, 5_000);
    expect(bot.last.headers).to.include({ 'x-self-id': '10001', 'x-client-role': 'Universal', 'user-agent': 'OneBot/11', authorization: 'Bearer bot-t' });
    expect(bot.last.frames[0]).to.include({ post_type: 'meta_event', meta_event_type: 'lifecycle', sub_type: 'connect' });
  });

  it('actions with their echo, events, and a broadcast with 0 failures', async () => {
    await setUp();
    await until(() => bot.connections.length === 1 && bot.last.frames.length >= 1, 5_000);
    const ws = bot.last.ws;
    ws.send(JSON.stringify({ action: 'get_login_info', params: {}, echo: { n: 1 } }));
    await until(() => bot.last.frames.some((f) => JSON.stringify(f.echo) === '{"n":1}'), 5_000);
    host.front.emitEvent({ time: 1, self_id: 10001, post_type: 'notice', notice_type: 'group_increase' });
    await until(() => bot.last.frames.some((f) => f.post_type === 'notice'), 5_000);
    const image = makePng({ bytes: 300_000, seed: 61 });
    for (let i = 0; i < 30; i++) ws.send(JSON.stringify({ action: 'send_group_msg', params: { group_id: 700 + i, message: [imageSegment(image)] }, echo: `b${i}` }));
    await until(() => bot.last.frames.filter((f) => String(f.echo).startsWith('b')).length === 30, 30_000);
    const replies = bot.last.frames.filter((f) => String(f.echo).startsWith('b'));
    expect(replies.filter((f) => f.status !== 'ok').map((f) => f.message)).to.deep.equal([]);
    expect(host.counters.uploadsTransferred).to.equal(1);
  });

  it('the bot restarting: the proxy reconnects with back-off; NapCat\'s connection stays', async () => {
    const client = await setUp();
    await until(() => bot.connections.length === 1, 5_000);
    const port = bot.port;
    await bot.stop();
    bot = new BotServer();
    await new Promise((r) => setTimeout(r, 300));
    await bot.start(port);
    await until(() => bot.connections.length === 1, 10_000);
    expect(bot.connections).to.have.length(1);
    expect(client.opened, 'NapCat did not have to reconnect').to.equal(1);
    bot.last.ws.send(JSON.stringify({ action: 'get_status', params: {}, echo: 'after' }));
    await until(() => bot.last.frames.some((f) => f.echo === 'after'), 5_000);
  });

  it('tokens: NapCat with a wrong token is refused; a bot refusing the proxy\'s token is retried, not given NapCat\'s frames', async () => {
    const client = await setUp({ botToken: 'bot-t', napcatToken: 'wrong', proxyUpstreamToken: 'nc-t' });
    await new Promise((r) => setTimeout(r, 500));
    expect(bot.connections, 'no bot connection for a refused NapCat').to.have.length(0);
    expect(fixture.proxy.sessions).to.equal(0);
    client.close();
    await fixture.close();
    fixture = await startProxy({ timeScale: 0.05, proxy: { reverse: `ws://127.0.0.1:${bot.port}/onebot/v11/ws`, token: 'not-the-bots', upstreamToken: '' } });
    host.front.connectReverse({ url: `${fixture.wsUrl}/`, reconnectIntervalMs: 100 });
    await until(() => fixture.proxy.sessions === 1, 5_000);
    await until(() => bot.refused >= 2, 5_000);
    expect(bot.connections, 'the bot refused every attempt').to.have.length(0);
  });

  it('NapCat leaving ends the session and closes the bot\'s connection', async () => {
    const client = await setUp();
    await until(() => bot.connections.length === 1, 5_000);
    const closed = new Promise((resolve) => bot.last.ws.once('close', resolve));
    client.close();
    await closed;
    await until(() => fixture.proxy.sessions === 0, 5_000);
    expect(fixture.proxy.sessions).to.equal(0);
  });
});
