// The documented details of NapCat's send pipeline the model must get right (§1-§4,
// §9), each checked by what lands on disk, in the queue and in the counters.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { makeAmr, makeMp4 } from '..';
import type { SendMessageContext } from '../napcat/types';
import { imageMessage, pngUri, RICH_MEDIA, withHost } from './helpers';

// Fast, yet a send's real CPU time stays well inside NapCat's 10 s deletion delay in model time.
const FAST = { timeScale: 0.1 };

describe('host model: NapCat send pipeline', function () {
  this.timeout(30000);

  it('two identical images in one message: two temp files, two copies onto one Ori path, one queue entry for it', async () => {
    await withHost(FAST, async (host) => {
      const uri = pngUri(31, 200_000);
      const r = await host.call('send_group_msg', { group_id: 1, message: [...imageMessage(uri), ...imageMessage(uri)] });
      expect(r.status, r.message).to.equal('ok');
      const c = host.counters;
      expect(c.tempFilesWritten).to.equal(2);
      expect(c.nativeCopies).to.equal(2);
      const ori = host.listMedia().filter((f) => f.includes(`${path.sep}Ori${path.sep}`));
      expect(ori).to.have.length(1);
      // deleteAfterSentFiles held [tmpA, Ori, tmpB, Ori]; the path-keyed queue keeps 3 timers.
      expect(host.pendingDeletions().sort()).to.deep.equal([...host.listTemp(), ori[0]].sort());
      expect(c.uploadsStarted).to.equal(2);
      expect(c.instantUploads, 'the second element is 秒传 after the first completed').to.equal(1);
    });
  });

  it('the converters of one message run concurrently (Promise.all)', async () => {
    await withHost(FAST, async (host) => {
      const msgApi = host.oneBot.apis.MsgApi;
      let inFlight = 0;
      let peak = 0;
      const original = msgApi.ob11ToRawConverters.image;
      msgApi.ob11ToRawConverters.image = async (segment, context) => {
        peak = Math.max(peak, ++inFlight);
        try {
          return await original(segment, context);
        } finally {
          inFlight--;
        }
      };
      await host.call('send_group_msg', { group_id: 1, message: [...imageMessage(pngUri(32, 50_000)), ...imageMessage(pngUri(33, 50_000))] });
      expect(peak).to.equal(2);
    });
  });

  it('unknown segment types and empty messages fail as NapCat does, queueing nothing', async () => {
    await withHost(FAST, async (host) => {
      const unknown = await host.call('send_group_msg', { group_id: 1, message: [{ type: 'nope', data: {} }] });
      expect(unknown.message).to.include('未知的消息类型');
      const empty = await host.call('send_group_msg', { group_id: 1, message: [] });
      expect(empty.status).to.equal('failed');
      expect(host.pendingDeletions()).to.deep.equal([]);
      const bad = await host.call('send_group_msg', { group_id: 1, message: imageMessage('gopher://x') });
      expect(bad.message).to.match(/^文件处理失败: 识别URL失败/);
    });
  });

  it('a missing file:// source passes the URI check and fails with ENOENT later', async () => {
    await withHost(FAST, async (host) => {
      const r = await host.call('send_group_msg', { group_id: 1, message: imageMessage('file:///nonexistent/x.png') });
      expect(r.message).to.include('ENOENT');
      expect(host.counters.nativeCopies).to.equal(0);
    });
  });

  it('url > file > path; data: URIs ignore the mime type; local files are used in place', async () => {
    await withHost(FAST, async (host) => {
      const png = Buffer.from(pngUri(34, 40_000).slice(9), 'base64');
      const local = path.join(host.paths.root, 'local.png');
      fs.writeFileSync(local, png);
      const dataUri = `data:text/plain;charset=utf-8,${png.toString('base64')}`;
      const r = await host.call('send_group_msg', { group_id: 1, message: [{ type: 'image', data: { url: dataUri, file: 'gopher://ignored' } }] });
      expect(r.status, r.message).to.equal('ok');
      expect(host.counters.tempFilesWritten).to.equal(1);
      const before = host.listTemp().length;
      const l = await host.call('send_group_msg', { group_id: 2, message: imageMessage(local) });
      expect(l.status, l.message).to.equal('ok');
      expect(host.listTemp().length, 'a local source is not copied to temp (v4.17.49+)').to.equal(before);
      expect(host.pendingDeletions()).to.not.include(local);
    });
  });

  it('message_id is a hash of the NT msg id, and sendMsg sets peer.guildId', async () => {
    await withHost(FAST, async (host) => {
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await host.call('send_group_msg', { group_id: 9, message: 'hi' });
        ids.push((r.data as { message_id: number }).message_id);
      }
      expect(ids[1] - ids[0]).to.not.equal(1);
      const peer = { chatType: 2, peerUid: '9' } as { chatType: number; peerUid: string; guildId?: string };
      const sent = await host.core.apis.MsgApi.sendMsg(peer, [{ elementType: 1, elementId: '', textElement: { content: 'x', atType: 0, atUid: '', atTinyId: '', atNtUid: '' } }]);
      expect(peer.guildId).to.be.a('string').and.equal(sent?.guildId);
    });
  });

  it('the deletion queue removes the temp file and the shared Ori copy `timeout` after the send', async () => {
    await withHost({ timeScale: 0.01, timeout: { baseTimeout: 500 } }, async (host) => {
      await host.call('send_group_msg', { group_id: 1, message: imageMessage(pngUri(35, 30_000)) });
      expect(host.listTemp()).to.have.length(1);
      expect(host.listMedia()).to.have.length(1);
      await host.clock.sleep(800);
      await new Promise((r) => setTimeout(r, 20));
      expect(host.listTemp()).to.have.length(0);
      expect(host.listMedia()).to.have.length(0);
      expect(host.counters.deletions).to.equal(2);
    });
  });

  it('a send slower than its timeout rejects with Timeout (and the kernel may still deliver)', async () => {
    await withHost({ timeScale: 0.01, bandwidth: 100_000 }, async (host) => {
      const r = await host.call('send_msg', { group_id: 1, message: imageMessage(pngUri(36, 400_000)), timeout: 1000 });
      expect(r.message).to.match(/^Timeout: NTEvent/);
      expect(host.counters.sendsTimedOut).to.equal(1);
    });
  });

  it('the shared Ori file rewritten under the kernel fails the upload with rich media transfer failed', async () => {
    await withHost(FAST, async (host) => {
      const fileApi = host.core.apis.FileApi;
      fileApi.uploadFile = async function (...args: Parameters<typeof fileApi.uploadFile>) {
        const result = await Object.getPrototypeOf(fileApi).uploadFile.apply(this, args);
        fs.truncateSync(result.path, 100);
        return result;
      };
      const r = await host.call('send_group_msg', { group_id: 1, message: imageMessage(pngUri(37, 100_000)) });
      expect(r.message).to.include('EventChecker Failed').and.include(RICH_MEDIA);
      expect(host.counters.uploadFailures.short).to.equal(1);
      delete (fileApi as { uploadFile?: unknown }).uploadFile;
      expect(fileApi.uploadFile).to.equal(Object.getPrototypeOf(fileApi).uploadFile);
    });
  });

  it('video: ext fix-up copy, media copy and Thumb/<md5>_0.png are all queued; ptt media path is not', async () => {
    await withHost(FAST, async (host) => {
      const mp4 = path.join(host.paths.root, 'clip.bin');
      fs.writeFileSync(mp4, makeMp4({ bytes: 50_000 }));
      const v = await host.call('send_group_msg', { group_id: 1, message: [{ type: 'video', data: { file: mp4 } }] });
      expect(v.status, v.message).to.equal('ok');
      const pending = host.pendingDeletions();
      expect(pending.some((p) => /Video.*Ori/.test(p))).to.equal(true);
      expect(pending.some((p) => /Thumb.*_0\.png$/.test(p))).to.equal(true);
      expect(pending.some((p) => p.startsWith(host.paths.tempPath) && p.endsWith('.mp4'))).to.equal(true);
      const amr = `base64://${makeAmr().toString('base64')}`;
      const a = await host.call('send_group_msg', { group_id: 1, message: [{ type: 'record', data: { file: amr } }] });
      expect(a.status, a.message).to.equal('ok');
      await new Promise((r) => setTimeout(r, 20));
      const ptt = host.listMedia().filter((p) => p.includes(`${path.sep}Ptt${path.sep}`));
      expect(ptt).to.have.length(1);
      expect(host.pendingDeletions()).to.not.include(ptt[0]);
    });
  });

  it('upload_group_file copies into File/…/Ori and queues it; clean_cache empties temp and media trees', async () => {
    await withHost(FAST, async (host) => {
      const r = await host.call('upload_group_file', { group_id: 5, file: pngUri(38, 20_000), name: 'a.png' });
      expect(r.status, r.message).to.equal('ok');
      expect((r.data as { file_id: string }).file_id).to.be.a('string').and.not.equal('');
      expect(host.listMedia().some((p) => p.includes(`${path.sep}File${path.sep}`))).to.equal(true);
      await host.call('clean_cache');
      expect(host.listTemp()).to.deep.equal([]);
      expect(host.listMedia()).to.deep.equal([]);
    });
  });

  it('forward, packet mode: the highway streams the shared Ori path; non-packet mode discards the deletion list', async () => {
    const node = (uri: string) => ({ type: 'node', data: { name: 'n', uin: '1', content: imageMessage(uri) } });
    await withHost({ ...FAST, packetMode: true }, async (host) => {
      const r = await host.call('send_group_forward_msg', { group_id: 1, messages: [node(pngUri(39, 30_000)), node(pngUri(40, 30_000))] });
      expect(r.status, r.message).to.equal('ok');
      expect(host.counters.highwayUploads).to.equal(2);
      expect(host.pendingDeletions()).to.have.length(4);
    });
    await withHost({ ...FAST, packetMode: false }, async (host) => {
      const r = await host.call('send_group_forward_msg', { group_id: 1, messages: [node(pngUri(41, 30_000))] });
      expect(r.status, r.message).to.equal('ok');
      expect(host.pendingDeletions(), 'never cleaned up on this path').to.deep.equal([]);
      expect(host.listTemp()).to.have.length(1);
    });
  });

  it('createSendElements is reachable unbound through the converter table, with a shared deletion list', async () => {
    await withHost(FAST, async (host) => {
      const context: SendMessageContext = { peer: { chatType: 2, peerUid: '1' }, deleteAfterSentFiles: [] };
      const { image } = host.oneBot.apis.MsgApi.ob11ToRawConverters;
      const element = await image({ type: 'image', data: { file: pngUri(42, 20_000) } }, context);
      expect(element?.picElement?.sourcePath).to.equal(context.deleteAfterSentFiles[1]);
      expect(context.deleteAfterSentFiles[0].startsWith(host.paths.tempPath)).to.equal(true);
    });
  });

  it('legacy shape (≤ v4.17.48): 3-parameter send, local files copied to temp and queued, ENOENT logged by the timeout estimate', async () => {
    await withHost({ ...FAST, apiShape: 'legacy' }, async (host) => {
      const msgApi = host.oneBot.apis.MsgApi;
      expect(msgApi.sendMsgWithOb11UniqueId.length).to.equal(3);
      const local = path.join(host.paths.root, 'pic.png');
      fs.writeFileSync(local, Buffer.from(pngUri(43, 20_000).slice(9), 'base64'));
      const r = await host.call('send_group_msg', { group_id: 1, message: imageMessage(local) });
      expect(r.status, r.message).to.equal('ok');
      expect(host.listTemp().filter((p) => p.endsWith('.png'))).to.have.length(1);
      expect(host.pendingDeletions().some((p) => p.startsWith(host.paths.tempPath))).to.equal(true);
      const fileApi = host.oneBot.apis.FileApi;
      fileApi.createValidSendPicElement = async function (...args: Parameters<typeof fileApi.createValidSendPicElement>) {
        const element = await Object.getPrototypeOf(fileApi).createValidSendPicElement.apply(this, args);
        fs.unlinkSync(element.picElement.sourcePath);
        return element;
      };
      const gone = await host.call('send_group_msg', { group_id: 2, message: imageMessage(pngUri(44, 20_000)) });
      expect(gone.message).to.include(RICH_MEDIA);
      expect(host.logs.some((l) => l.text.startsWith('发送消息计算预计时间异常') && l.text.includes('ENOENT'))).to.equal(true);
    });
    await withHost(FAST, async (host) => expect(host.oneBot.apis.MsgApi.sendMsgWithOb11UniqueId.length).to.equal(4));
  });
});
