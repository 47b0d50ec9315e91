// The OneBot 11 front answers in NapCat's shapes (§4.4, §9 item 9): retcode 200 for a
// thrown error over HTTP, 1200 over WebSocket, with wording/echo/stream; and a real
// OneBot client library drives it.
import { expect } from 'chai';
import { NCWebsocket } from 'node-napcat-ts';
import WebSocket from 'ws';
import { imageMessage, pngUri, withHost } from './helpers';

function wsCall(url: string, frame: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const frames: Array<Record<string, unknown>> = [];
    ws.on('message', (raw) => {
      frames.push(JSON.parse(raw.toString()) as Record<string, unknown>);
      if (frames.length === 1) ws.send(JSON.stringify(frame));
      else {
        ws.close();
        resolve(frames);
      }
    });
    ws.on('error', reject);
  });
}

describe('host model: OneBot 11 front', function () {
  this.timeout(20000);

  it('HTTP: ok and failed responses in NapCat shape (retcode 200 for a thrown error)', async () => {
    await withHost({ timeScale: 0.01 }, async (host) => {
      const { url } = await host.front.start();
      const ok = await (await fetch(`${url}/get_login_info`, { method: 'POST' })).json();
      expect(ok).to.deep.equal({ status: 'ok', retcode: 0, data: { user_id: 10001, nickname: 'bot10001' }, message: '', wording: '' });
      const failed = await (
        await fetch(`${url}/send_group_msg?group_id=1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: [{ type: 'bogus', data: {} }] }) })
      ).json();
      expect(failed).to.deep.equal({ status: 'failed', retcode: 200, data: null, message: '未知的消息类型：bogus', wording: '未知的消息类型：bogus', stream: 'normal-action' });
    });
  });

  it('WebSocket: lifecycle connect first, then responses with echo; errors are retcode 1200', async () => {
    await withHost({ timeScale: 0.01, accessToken: 'tok' }, async (host) => {
      const { wsUrl } = await host.front.start();
      const [hello, reply] = await wsCall(`${wsUrl}/?access_token=tok`, { action: 'send_private_msg', params: { user_id: 5, message: [{ type: 'bogus', data: {} }] }, echo: 'e1' });
      expect(hello).to.include({ post_type: 'meta_event', meta_event_type: 'lifecycle', sub_type: 'connect', self_id: 10001 });
      expect(reply).to.deep.equal({ status: 'failed', retcode: 1200, data: null, message: '未知的消息类型：bogus', wording: '未知的消息类型：bogus', echo: 'e1', stream: 'normal-action' });
      const denied = await fetch(`${host.front.url}/get_status`, { method: 'POST' });
      expect(denied.status).to.equal(403);
    });
  });

  it('node-napcat-ts connects and sends an image through the model', async () => {
    await withHost({ timeScale: 0.01 }, async (host) => {
      const { wsUrl } = await host.front.start();
      const bot = new NCWebsocket({ baseUrl: wsUrl, reconnection: { enable: false } });
      await bot.connect();
      try {
        expect(await bot.get_login_info()).to.deep.equal({ user_id: 10001, nickname: 'bot10001' });
        const sent = await bot.send_group_msg({ group_id: 7, message: imageMessage(pngUri(51, 30_000)) as never });
        expect(sent.message_id).to.be.a('number');
        expect(host.counters.sendsOk).to.equal(1);
      } finally {
        await bot.disconnect();
      }
    });
  });
});
