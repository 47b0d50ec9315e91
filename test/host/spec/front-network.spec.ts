// The model front's network adapters behave as NapCat's (http-server.ts,
// websocket-server.ts, websocket-client.ts at v4.18.5): what a sidecar proxy in front of
// NapCat must pass through faithfully.
import { expect } from 'chai';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { withHost } from './helpers';

type Frame = Record<string, unknown>;

/** Opens a socket and collects its frames; `next(n)` waits until n have arrived. */
function collect(url: string, options?: WebSocket.ClientOptions) {
  const ws = new WebSocket(url, options);
  const frames: Frame[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (raw) => {
    frames.push(JSON.parse(raw.toString()) as Frame);
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const next = async (n: number, ms = 5000): Promise<Frame[]> => {
    const end = Date.now() + ms;
    while (frames.length < n) {
      if (Date.now() > end) throw new Error(`only ${frames.length} of ${n} frames`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return frames;
  };
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, next, opened, closed };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('host model: NapCat network adapters', function () {
  this.timeout(20000);

  it('HTTP: json5 bodies, the query merged over the body, GET from the query, `/` says NapCat4 Is Running', async () => {
    await withHost({ timeScale: 0.01 }, async (host) => {
      const { url } = await host.front.start();
      const hello = await (await fetch(`${url}/`)).json();
      expect(hello).to.deep.include({ status: 'ok', retcode: 0, data: {}, message: 'NapCat4 Is Running' });
      const json5Body = await fetch(`${url}/send_group_msg?group_id=3`, { method: 'POST', body: "{group_id: 1, message: [{type: 'bogus', data: {},},],}" });
      expect(await json5Body.json()).to.include({ status: 'failed', message: '未知的消息类型：bogus' });
      const bad = await fetch(`${url}/get_status`, { method: 'POST', body: '{nope' });
      expect([bad.status, await bad.text()]).to.deep.equal([400, 'Invalid JSON']);
      const get = await (await fetch(`${url}/get_login_info?x=1`)).json();
      expect(get).to.include({ status: 'ok' });
      const unknown = await fetch(`${url}/no_such_action/extra?echo=e9`, { method: 'POST' });
      expect(unknown.status).to.equal(200);
      expect(await unknown.json()).to.deep.equal({ status: 'failed', retcode: 200, data: null, message: '不支持的Api no_such_action', wording: '不支持的Api no_such_action', echo: 'e9', stream: 'normal-action' });
    });
  });

  it('HTTP: a wrong token is refused with 403 and NapCat\'s text; query token before the header', async () => {
    await withHost({ timeScale: 0.01, accessToken: 'tok' }, async (host) => {
      const { url } = await host.front.start();
      const denied = await fetch(`${url}/get_status`, { headers: { authorization: 'Bearer nope' } });
      expect([denied.status, await denied.text()]).to.deep.equal([403, '{"message":"token verify failed!"}']);
      expect((await fetch(`${url}/get_status`, { headers: { authorization: 'Bearer tok' } })).status).to.equal(200);
      expect((await fetch(`${url}/get_status?access_token=tok`, { headers: { authorization: 'Bearer nope' } })).status).to.equal(200);
      expect((await fetch(`${url}/get_status?access_token=nope`, { headers: { authorization: 'Bearer tok' } })).status).to.equal(403);
    });
  });

  it('WebSocket: `/api` gets no lifecycle and no events; `/` and `/event` get both', async () => {
    await withHost({ timeScale: 0.01 }, async (host) => {
      const { wsUrl } = await host.front.start();
      const api = collect(`${wsUrl}/api`);
      const root = collect(`${wsUrl}/`);
      const event = collect(`${wsUrl}/event?x=1`);
      await Promise.all([api.opened, root.opened, event.opened]);
      await root.next(1);
      await event.next(1);
      host.front.emitEvent({ post_type: 'message', message_type: 'group', raw_message: 'hi' });
      await root.next(2);
      await event.next(2);
      await sleep(100);
      expect(api.frames).to.deep.equal([]);
      expect(root.frames.map((f) => f.post_type)).to.deep.equal(['meta_event', 'message']);
      for (const c of [api, root, event]) c.ws.close();
    });
  });

  it('WebSocket: json5 frames; a bad frame answers 1400 with echo null; unknown actions 1404; no echo answers echo ""', async () => {
    await withHost({ timeScale: 0.01 }, async (host) => {
      const { wsUrl } = await host.front.start();
      const c = collect(`${wsUrl}/api`);
      await c.opened;
      c.ws.send("{action: 'get_status', echo: 'j5',}");
      c.ws.send('{not json');
      c.ws.send(JSON.stringify({ action: 'nope', echo: 7 }));
      c.ws.send(JSON.stringify({ action: 'get_status' }));
      const frames = await c.next(4);
      const byEcho = new Map(frames.map((f) => [JSON.stringify(f.echo), f]));
      expect(byEcho.get('"j5"')).to.include({ status: 'ok' });
      expect(byEcho.get('null')).to.include({ retcode: 1400, message: 'json解析失败,请检查数据格式' });
      expect(byEcho.get('7')).to.include({ retcode: 1404, message: '不支持的API nope' });
      expect(byEcho.get('""')).to.include({ status: 'ok' });
      c.ws.close();
    });
  });

  it('WebSocket: a wrong token gets the 1403 frame, then the socket closes', async () => {
    await withHost({ timeScale: 0.01, accessToken: 'tok' }, async (host) => {
      const { wsUrl } = await host.front.start();
      const c = collect(`${wsUrl}/?access_token=bad`);
      const [frame] = await c.next(1);
      expect(frame).to.deep.equal({ status: 'failed', retcode: 1403, data: null, message: 'token验证失败', wording: 'token验证失败', echo: null, stream: 'normal-action' });
      await c.closed;
      const ok = collect(`${wsUrl}/`, { headers: { authorization: 'Bearer tok' } });
      expect((await ok.next(1))[0]).to.include({ meta_event_type: 'lifecycle' });
      ok.ws.close();
    });
  });

  it('a stream action answers one request with many frames carrying its echo, over WebSocket and HTTP', async () => {
    await withHost({ timeScale: 0.01 }, async (host) => {
      const { url, wsUrl } = await host.front.start();
      const c = collect(`${wsUrl}/api`);
      await c.opened;
      c.ws.send(JSON.stringify({ action: 'test_download_stream', params: {}, echo: 's1' }));
      const frames = await c.next(11);
      expect(frames.every((f) => f.echo === 's1' && f.stream === 'stream-action')).to.equal(true);
      expect(frames.slice(0, 10).map((f) => (f.data as Frame).data)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `Index-> ${i + 1}`));
      expect(frames[10].data).to.deep.include({ type: 'response', data_type: 'data_complete' });
      c.ws.close();
      const text = await (await fetch(`${url}/test_download_stream`, { method: 'POST', body: '{"echo":"h1","error":true}' })).text();
      const parts = text.split('\r\n\r\n').filter(Boolean).map((p) => JSON.parse(p) as Frame);
      expect(parts).to.have.length(11);
      expect(parts[10]).to.include({ status: 'failed', message: 'This is a test error', stream: 'stream-action' });
    });
  });

  it('reverse WebSocket: NapCat connects out with its headers, pushes lifecycle, answers actions, reconnects after a close', async () => {
    const bot = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => bot.once('listening', resolve));
    const port = (bot.address() as { port: number }).port;
    const seen: Array<{ headers: http.IncomingHttpHeaders; frames: Frame[]; ws: WebSocket }> = [];
    bot.on('connection', (ws, req) => {
      const entry = { headers: req.headers, frames: [] as Frame[], ws };
      seen.push(entry);
      ws.on('message', (raw) => entry.frames.push(JSON.parse(raw.toString()) as Frame));
    });
    try {
      await withHost({ timeScale: 0.01 }, async (host) => {
        const client = host.front.connectReverse({ url: `ws://127.0.0.1:${port}/onebot`, token: 'rt', reconnectIntervalMs: 50 });
        while (seen.length === 0 || seen[0].frames.length === 0) await sleep(10);
        expect(seen[0].headers).to.include({ 'x-self-id': '10001', authorization: 'Bearer rt', 'x-client-role': 'Universal', 'user-agent': 'OneBot/11' });
        expect(seen[0].frames[0]).to.include({ post_type: 'meta_event', sub_type: 'connect' });
        seen[0].ws.send(JSON.stringify({ action: 'nope', echo: 'r1' }));
        seen[0].ws.send(JSON.stringify({ action: 'get_status', echo: 'r2' }));
        while (seen[0].frames.length < 3) await sleep(10);
        expect(seen[0].frames.find((f) => f.echo === 'r1')).to.include({ retcode: 1404, message: '不支持的Api nope' });
        expect(seen[0].frames.find((f) => f.echo === 'r2')).to.include({ status: 'ok' });
        host.front.emitEvent({ post_type: 'notice', notice_type: 'x' });
        while (seen[0].frames.length < 4) await sleep(10);
        seen[0].ws.close();
        while (seen.length < 2 || seen[1].frames.length === 0) await sleep(10);
        expect(client.opened).to.equal(2);
        client.close();
      });
    } finally {
      await new Promise((r) => bot.close(r));
    }
  });

  it('restarts on the same port', async () => {
    await withHost({ timeScale: 0.01 }, async (host) => {
      const first = await host.front.start();
      await host.front.stop();
      const second = await host.front.start();
      expect(second.url).to.equal(first.url);
      expect((await fetch(`${second.url}/get_status`)).status).to.equal(200);
    });
  });

  it('download_file: a file:// url answers ok only when the file exists where NapCat runs, and is not moved', async () => {
    await withHost({ timeScale: 0.01 }, async (host) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-'));
      try {
        const file = path.join(dir, 'probe.bin');
        fs.writeFileSync(file, 'probe');
        const found = await host.call('download_file', { url: `file://${file}`, name: 'probe' });
        expect(found).to.include({ status: 'ok' });
        expect(found.data).to.deep.equal({ file });
        expect(fs.readFileSync(file, 'utf8')).to.equal('probe');
        const missing = await host.call('download_file', { url: `file://${dir}/missing`, name: 'probe' });
        expect(missing).to.include({ status: 'failed', message: '文件写入失败, 检查权限' });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
