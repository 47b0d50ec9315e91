// Forward messages (SendMsg.ts:208-482, §1.4). Packet mode: convert every node, let
// NapCat's highway upload each picture from its SHARED media path, then send one ark
// with all the nodes' deletion lists. Non-packet mode: convert each node, DISCARD its
// deletion list, send it to self, then merge with multiForwardMsg.
import crypto from 'node:crypto';
import type { NapCatCore } from '../napcat/core';
import { createUniqueMsgId } from '../napcat/message-id';
import type { NapCatOneBot11Adapter } from '../napcat/onebot';
import { ChatType, ElementType, type OB11Segment, type Peer, type PicElement, type SendMessageElement } from '../napcat/types';
import { normalize } from './normalize';
import type { SendResult } from './send-msg';

/**
 * The content of every custom node, nested ones included: a node whose content holds nodes
 * is a forward inside the forward (packet mode recurses, SendMsg.ts:229-240), and parsing
 * stops at three levels (`dp >= 3`, with a warning in NapCat).
 */
function nodeContents(messages: OB11Segment[], depth = 0): OB11Segment[][] {
  if (depth >= 3) return [];
  return messages
    .filter((m) => m.type === 'node')
    .flatMap((node) => {
      if (node.data.content === undefined) throw new Error('模型仅支持自定义内容的转发节点 / the model supports custom-content nodes only');
      const content = normalize(node.data.content);
      return content.some((m) => m.type === 'node') ? nodeContents(content, depth + 1) : [content];
    });
}

export async function sendForward(obContext: NapCatOneBot11Adapter, core: NapCatCore, peer: Peer, messages: OB11Segment[]): Promise<SendResult> {
  const contents = nodeContents(messages);
  if (core.apis.PacketApi.packetStatus) {
    try {
      return await sendForwardPacket(obContext, core, peer, contents);
    } catch (err) {
      throw new Error(`发送伪造合并转发消息失败: ${(err as Error).stack ?? String(err)}`);
    }
  }
  return await sendForwardViaSelf(obContext, core, peer, contents);
}

async function sendForwardPacket(obContext: NapCatOneBot11Adapter, core: NapCatCore, peer: Peer, contents: OB11Segment[][]): Promise<SendResult> {
  const msgApi = obContext.apis.MsgApi;
  const delFiles: string[] = [];
  const pics: PicElement[] = [];
  for (const content of contents) {
    const { sendElements, deleteAfterSentFiles } = await msgApi.createSendElements(content, peer, [], { usePacketVideoMetadata: true });
    delFiles.push(...deleteAfterSentFiles);
    for (const e of sendElements) if (e.picElement) pics.push(e.picElement);
  }
  await core.apis.PacketApi.uploadForwardResources(pics);
  const resId = crypto.randomBytes(16).toString('base64url');
  const ark: SendMessageElement = {
    elementType: ElementType.ARK,
    elementId: '',
    arkElement: { bytesData: JSON.stringify({ app: 'com.tencent.multimsg', meta: { detail: { resid: resId } } }), linkInfo: null, subElementType: null },
  };
  const returnMsg = await msgApi.sendMsgWithOb11UniqueId(peer, [ark], delFiles).catch(() => undefined);
  // Assumed: the reference says the error is swallowed, not what the action returns then.
  if (!returnMsg) throw new Error('发送转发消息失败 / forward message was not sent');
  return { message_id: returnMsg.id, res_id: resId };
}

async function sendForwardViaSelf(obContext: NapCatOneBot11Adapter, core: NapCatCore, peer: Peer, contents: OB11Segment[][]): Promise<SendResult> {
  const msgApi = obContext.apis.MsgApi;
  const selfPeer: Peer = { chatType: ChatType.FRIEND, peerUid: core.selfInfo.uid };
  const msgIds: string[] = [];
  for (const content of contents) {
    const { sendElements } = await msgApi.createSendElements(content, peer);
    const sent = await msgApi.sendMsgWithOb11UniqueId(selfPeer, sendElements, []);
    msgIds.push(sent.msgId);
  }
  const returnMsg = await core.apis.MsgApi.multiForwardMsg(selfPeer, peer, msgIds);
  if (!returnMsg) throw new Error('转发消息失败 / forward failed');
  return { message_id: createUniqueMsgId(peer, returnMsg.msgId), res_id: returnMsg.elements[0]?.multiForwardMsgElement?.resId };
}
