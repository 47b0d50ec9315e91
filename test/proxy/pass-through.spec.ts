// Byte for byte, in order, both ways: 1,000 frames from a NapCat to the bot and 1,000 from
// the bot to NapCat pass the proxy unchanged (the same bytes, the same text/binary kind).
// NapCat here is a raw `ws` server that plays the frames and records what it receives.
import { expect } from 'chai';
import WebSocket, { WebSocketServer } from 'ws';
import { botFrames, napcatFrames, type RawFrame } from './fixtures/frames';
import { startProxy, until, type ProxyFixture } from './support';

describe('proxy: pass-through is byte for byte', function () {
  this.timeout(60_000);
  let napcat: WebSocketServer;
  let fixture: ProxyFixture;
  const received: RawFrame[] = [];
  let napcatSocket: WebSocket | undefined;

  beforeEach(async () => {
    received.length = 0;
    napcat = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => napcat.once('listening', resolve));
    napcat.on('connection', (ws) => {
      napcatSocket = ws;
      ws.on('message', (data, isBinary) => received.push({ data: data as Buffer, binary: isBinary }));
    });
    const port = (napcat.address() as { port: number }).port;
    fixture = await startProxy({ proxy: { upstream: `ws://127.0.0.1:${port}`, rewrite: 'off' } });
  });
  afterEach(async () => {
    await fixture.close();
    for (const c of napcat.clients) c.terminate();
    await new Promise((resolve) => napcat.close(resolve));
  });

  function connectBot(): { ws: WebSocket; got: RawFrame[]; opened: Promise<void> } {
    const ws = new WebSocket(`${fixture.wsUrl}/`);
    const got: RawFrame[] = [];
    ws.on('message', (data, isBinary) => got.push({ data: data as Buffer, binary: isBinary }));
    return { ws, got, opened: new Promise((resolve) => ws.once('open', () => resolve())) };
  }

  const same = (a: RawFrame[], b: RawFrame[]) => {
    expect(a.length).to.equal(b.length);
    const firstDiff = a.findIndex((f, i) => f.binary !== b[i].binary || !f.data.equals(b[i].data));
    expect(firstDiff, firstDiff >= 0 ? `frame ${firstDiff}: ${a[firstDiff].data.subarray(0, 120).toString()} vs ${b[firstDiff].data.subarray(0, 120).toString()}` : '').to.equal(-1);
  };

  it('NapCat → bot: 1,000 recorded frames arrive as the same bytes, in order', async () => {
    const bot = connectBot();
    await bot.opened;
    await until(() => napcatSocket?.readyState === WebSocket.OPEN, 5_000);
    const frames = napcatFrames();
    for (const f of frames) napcatSocket!.send(f.data, { binary: f.binary });
    await until(() => bot.got.length === frames.length, 20_000);
    same(bot.got, frames);
    bot.ws.close();
  });

  it('bot → NapCat: 1,000 frames that are not media sends (json5, broken, binary, text sends) arrive as the same bytes, in order', async () => {
    const bot = connectBot();
    await bot.opened;
    const frames = botFrames();
    for (const f of frames) bot.ws.send(f.data, { binary: f.binary });
    await until(() => received.length === frames.length, 20_000);
    same(received, frames);
    expect(fixture.proxy.stats.snapshot().proxy.framesToNapcat).to.equal(1000);
    bot.ws.close();
  });
});
