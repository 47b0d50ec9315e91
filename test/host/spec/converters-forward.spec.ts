// NapCat v4.18.5's whole converter table (a segment type NapCat knows never throws in the model)
// and its forward paths: nested and `id` nodes, and the non-packet path's parallel per-node
// sends that swallow errors (napcat-onebot/api/msg.ts, action/msg/SendMsg.ts at v4.18.5).
import fs from 'node:fs';
import { expect } from 'chai';
import { imageMessage, pngUri, withHost } from './helpers';

const FAST = { timeScale: 0.1 };

// OB11MessageDataType at v4.18.5 (types/message.ts).
const NAPCAT_TYPES = [
  'text', 'image', 'music', 'video', 'record', 'file', 'at', 'reply', 'json', 'face', 'mface', 'markdown', 'node',
  'forward', 'xml', 'poke', 'dice', 'rps', 'miniapp', 'contact', 'location', 'onlinefile', 'flashtransfer',
];

describe('host model: converters and forward messages', function () {
  this.timeout(30000);

  it('has a converter for every segment type NapCat v4.18.5 knows, and none of the non-media ones throws', async () => {
    await withHost(FAST, async (host) => {
      const converters = host.oneBot.apis.MsgApi.ob11ToRawConverters;
      expect(Object.keys(converters).sort()).to.deep.equal([...NAPCAT_TYPES].sort());
      const data: Record<string, Record<string, unknown>> = {
        text: { text: 'hi' }, at: { qq: 'all' }, reply: { id: '1' }, json: { data: '{}' }, face: { id: '1' },
        mface: { emoji_package_id: 1, emoji_id: 'x', key: 'k' }, markdown: { content: '# x' }, music: { type: 'qq', id: '1' },
        forward: { id: 'res' }, contact: { type: 'group', id: 1 }, location: {}, node: {}, xml: {}, poke: {}, dice: {}, rps: {},
        miniapp: {}, onlinefile: {}, flashtransfer: {},
      };
      for (const [type, payload] of Object.entries(data)) {
        await converters[type]({ type, data: payload }, { peer: { chatType: 2, peerUid: '1' }, deleteAfterSentFiles: [] });
      }
      const r = await host.call('send_group_msg', { group_id: 1, message: [{ type: 'dice', data: {} }, { type: 'poke', data: {} }, { type: 'text', data: { text: 'x' } }] });
      expect(r.status, r.message).to.equal('ok');
    });
  });

  for (const packetMode of [true, false]) {
    it(`${packetMode ? 'packet' : 'non-packet'} mode: nested nodes are sent as an inner forward, an \`id\` node names a sent message, an unknown id is skipped`, async () => {
      await withHost({ ...FAST, packetMode }, async (host) => {
        const first = await host.call('send_group_msg', { group_id: 1, message: [{ type: 'text', data: { text: 'earlier' } }] });
        expect(first.status).to.equal('ok');
        const id = (first.data as { message_id: number }).message_id;
        const nested = { type: 'node', data: { content: [{ type: 'node', data: { content: imageMessage(pngUri(51, 50_000)) } }] } };
        const r = await host.call('send_group_forward_msg', {
          group_id: 2,
          messages: [nested, { type: 'node', data: { id: String(id) } }, { type: 'node', data: { id: '424242' } }],
        });
        expect(r.status, String(r.message).slice(0, 300)).to.equal('ok');
        expect(host.logs.some((l) => l.text.includes('未找到消息'))).to.equal(true);
      });
    });
  }

  it('packet mode: an `id` node’s picture is downloaded again onto its md5 path, and that path queued for deletion with the ark’s send', async () => {
    await withHost({ ...FAST, packetMode: true }, async (host) => {
      const png = Buffer.from(pngUri(53, 60_000).slice('base64://'.length), 'base64');
      const first = await host.call('send_group_msg', { group_id: 1, message: imageMessage(pngUri(53, 60_000)) });
      const id = String((first.data as { message_id: number }).message_id);
      const [media] = host.listMedia();
      // NapCat's own deletion of the first send's copy, 10 s (model time) after it.
      await host.clock.sleep(11_000);
      expect(fs.existsSync(media), 'the first send’s copy deleted').to.equal(false);
      const r = await host.call('send_group_forward_msg', { group_id: 2, messages: [{ type: 'node', data: { id } }] });
      expect(r.status, String(r.message)).to.equal('ok');
      expect(host.counters.mediaDownloads).to.equal(1);
      expect(fs.readFileSync(media).equals(png), 'the picture downloaded onto its md5 path').to.equal(true);
      expect(host.pendingDeletions(), 'queued with the ark’s send').to.deep.equal([media]);
      await host.clock.sleep(11_000);
      expect(fs.existsSync(media), 'deleted after the ark’s timeout').to.equal(false);
    });
  });

  it('non-packet mode, nodes from mixed chats: those not in the self chat are cloned to self, and the merge names the first node’s chat as its source', async () => {
    await withHost({ ...FAST, packetMode: false }, async (host) => {
      const inGroup = await host.call('send_group_msg', { group_id: 1, message: [{ type: 'text', data: { text: 'earlier' } }] });
      const id = String((inGroup.data as { message_id: number }).message_id);
      const self = host.core.selfInfo.uid;
      const service = host.core.context.session.getMsgService();
      const sentTo: string[] = [];
      const send = service.sendMsg.bind(service);
      service.sendMsg = (msgId, peer, elements) => {
        sentTo.push(`${peer.chatType}:${peer.peerUid}`);
        return send(msgId, peer, elements);
      };
      const sources: string[] = [];
      const merge = service.multiForwardMsg.bind(service);
      service.multiForwardMsg = (msgIds, src, dst, msgId) => {
        sources.push(`${src.chatType}:${src.peerUid}`);
        return merge(msgIds, src, dst, msgId);
      };
      const custom = { type: 'node', data: { content: [{ type: 'text', data: { text: 'mine' } }] } };
      for (const messages of [[{ type: 'node', data: { id } }, custom], [custom, { type: 'node', data: { id } }]]) {
        sentTo.length = 0;
        await host.call('send_group_forward_msg', { group_id: 2, messages });
        // The custom node sent to self, then the group message cloned to self.
        expect(sentTo, 'sends before the merge').to.deep.equal([`1:${self}`, `1:${self}`]);
      }
      expect(sources, 'the merge’s source: the first node’s chat').to.deep.equal(['2:1', `1:${self}`]);
    });
  });

  it('non-packet mode: a node whose send fails is dropped silently; the forward still answers ok with the others', async () => {
    await withHost({ ...FAST, packetMode: false }, async (host) => {
      const msgApi = host.oneBot.apis.MsgApi;
      const original = msgApi.sendMsgWithOb11UniqueId.bind(msgApi);
      let calls = 0;
      msgApi.sendMsgWithOb11UniqueId = async (...args: Parameters<typeof original>) => {
        if (++calls === 1) throw new Error('EventChecker Failed: … "result": -1, "errMsg": "rich media transfer failed"');
        return original(...args);
      };
      const forwarded: string[][] = [];
      const service = host.core.context.session.getMsgService();
      const merge = service.multiForwardMsg.bind(service);
      service.multiForwardMsg = (msgIds, src, dst, msgId) => {
        forwarded.push(msgIds);
        return merge(msgIds, src, dst, msgId);
      };
      const node = (text: string) => ({ type: 'node', data: { content: [{ type: 'text', data: { text } }] } });
      const r = await host.call('send_group_forward_msg', { group_id: 3, messages: [node('a'), node('b'), node('c')] });
      expect(r.status, String(r.message)).to.equal('ok');
      expect(forwarded.map((ids) => ids.length)).to.deep.equal([2]);
    });
  });

  it('non-packet mode: a node’s file/video/voice parts are sent apart from the rest, at once', async () => {
    await withHost({ ...FAST, packetMode: false }, async (host) => {
      const msgApi = host.oneBot.apis.MsgApi;
      const original = msgApi.sendMsgWithOb11UniqueId.bind(msgApi);
      let inFlight = 0;
      let peak = 0;
      const parts: number[][] = [];
      msgApi.sendMsgWithOb11UniqueId = async (...args: Parameters<typeof original>) => {
        parts.push(args[1].map((e) => e.elementType));
        peak = Math.max(peak, ++inFlight);
        try {
          return await original(...args);
        } finally {
          inFlight--;
        }
      };
      const content = [{ type: 'text', data: { text: 't' } }, { type: 'json', data: { data: '{}' } }, ...imageMessage(pngUri(52, 40_000))];
      const r = await host.call('send_group_forward_msg', { group_id: 4, messages: [{ type: 'node', data: { content } }] });
      expect(r.status, String(r.message)).to.equal('ok');
      expect(parts.map((p) => [...p].sort())).to.deep.equal([[1, 2], [10]]);
      expect(peak).to.equal(2);
    });
  });
});
