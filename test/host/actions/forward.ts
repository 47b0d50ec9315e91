// Forward messages (SendMsg.ts:208-482 at v4.18.5, §1.4).
// Packet mode: convert every node (nested nodes as inner forwards, up to 3 levels deep), let
// NapCat's highway upload each level's pictures from their SHARED media paths, then send one
// ark with all the nodes' deletion lists; the ark send's error is swallowed.
// Non-packet mode: per node, convert, DISCARD the deletion list, split the elements (files,
// videos, arks and voices each alone, the rest together) and send the parts to self IN
// PARALLEL, each failure swallowed (the node just goes missing); nested nodes become an inner
// forward to self; then merge everything with multiForwardMsg from the first node's chat (nodes
// from mixed chats cloned to self first).
// `id` nodes name a message this account sent (MessageUnique); an unknown id is skipped. In
// packet mode the named message's media are downloaded again to their md5-named media paths
// (downloadRawMsgMedia) and those paths join the ark send's deletion list.
import crypto from 'node:crypto';
import type { NapCatCore } from '../napcat/core';
import type { NapCatOneBot11Adapter } from '../napcat/onebot';
import { runtimeOf } from '../napcat/runtime';
import { ChatType, ElementType, type OB11Segment, type Peer, type PicElement, type RawMessage, type SendMessageElement } from '../napcat/types';
import { normalize } from './normalize';

const MAX_DEPTH = 3;
/** Sent alone in the non-packet split (SendMsg.ts handleForwardedNodes). */
const ALONE = new Set<number>([ElementType.FILE, ElementType.VIDEO, ElementType.ARK, ElementType.PTT]);

const isNode = (segment: OB11Segment): boolean => segment.type === 'node';
const nodeId = (node: OB11Segment): string | undefined => (node.data.id === undefined || node.data.id === '' ? undefined : String(node.data.id));

/** The forward's answer: the message it sent (null when it was not sent) and the packet res_id. */
export interface ForwardResult {
  message: RawMessage | null;
  resId?: string;
}

export async function sendForward(obContext: NapCatOneBot11Adapter, core: NapCatCore, peer: Peer, nodes: OB11Segment[]): Promise<ForwardResult> {
  const packet = core.apis.PacketApi.packetStatus;
  try {
    return packet ? await sendForwardPacket(obContext, core, peer, nodes) : await sendForwardViaSelf(obContext, core, peer, nodes);
  } catch (err) {
    throw new Error(`${packet ? '发送伪造合并转发消息失败' : '发送合并转发消息失败'}: ${(err as Error).stack ?? String(err)}`);
  }
}

interface PacketLevel {
  delFiles: string[];
  ark: SendMessageElement;
  resId: string;
}

async function uploadPacketLevel(obContext: NapCatOneBot11Adapter, core: NapCatCore, peer: Peer, nodes: OB11Segment[], depth: number): Promise<PacketLevel | null> {
  const rt = runtimeOf(core);
  const msgApi = obContext.apis.MsgApi;
  const delFiles: string[] = [];
  const pics: PicElement[] = [];
  let converted = 0;
  for (const node of nodes) {
    if (depth >= MAX_DEPTH) {
      rt.log('warn', '转发消息深度超过3层，将停止解析！');
      break;
    }
    const id = nodeId(node);
    if (id !== undefined) {
      const msg = msgApi.messageById(id);
      if (!msg) {
        rt.log('error', '转发消息失败，未找到消息', id);
        continue;
      }
      // NapCat downloads the message's media again, onto their md5-named paths, and deletes them after the ark's send.
      delFiles.push(...(await core.apis.FileApi.downloadRawMsgMedia([msg])));
      converted++;
      continue;
    }
    const content = normalize(node.type === 'node' ? node.data.content : node);
    const inner = content.filter(isNode);
    if (inner.length > 0) {
      const level = await uploadPacketLevel(obContext, core, peer, inner, depth + 1);
      if (level) delFiles.push(...level.delFiles);
    } else {
      const { sendElements, deleteAfterSentFiles } = await msgApi.createSendElements(content, peer, [], { usePacketVideoMetadata: true });
      delFiles.push(...deleteAfterSentFiles);
      for (const e of sendElements) if (e.picElement) pics.push(e.picElement);
    }
    converted++;
  }
  if (converted === 0) return null;
  await core.apis.PacketApi.uploadForwardResources(pics);
  const resId = crypto.randomBytes(16).toString('base64url');
  const ark: SendMessageElement = {
    elementType: ElementType.ARK,
    elementId: '',
    arkElement: { bytesData: JSON.stringify({ app: 'com.tencent.multimsg', meta: { detail: { resid: resId } } }), linkInfo: null, subElementType: null },
  };
  return { delFiles, ark, resId };
}

async function sendForwardPacket(obContext: NapCatOneBot11Adapter, core: NapCatCore, peer: Peer, nodes: OB11Segment[]): Promise<ForwardResult> {
  const level = await uploadPacketLevel(obContext, core, peer, nodes, 0);
  if (!level) throw new Error('转发消息失败，生成节点为空');
  const message = await obContext.apis.MsgApi.sendMsgWithOb11UniqueId(peer, [level.ark], level.delFiles).catch(() => undefined);
  return { message: message ?? null, resId: level.resId };
}

/** handleForwardedNodes: every node sent to self (its parts in parallel, failures dropped), then merged. */
async function sendForwardViaSelf(obContext: NapCatOneBot11Adapter, core: NapCatCore, destPeer: Peer, nodes: OB11Segment[]): Promise<ForwardResult> {
  const rt = runtimeOf(core);
  const msgApi = obContext.apis.MsgApi;
  const selfPeer: Peer = { chatType: ChatType.FRIEND, peerUid: core.selfInfo.uid };
  const nodeMsgs: RawMessage[] = [];
  for (const node of nodes) {
    const id = nodeId(node);
    if (id !== undefined) {
      const found = msgApi.messageById(id);
      if (found) nodeMsgs.push(found);
      else rt.log('error', '转发消息失败，未找到消息', id);
      continue;
    }
    try {
      const content = normalize(node.data.content);
      const inner = content.filter(isNode);
      if (inner.length > 0) {
        if (inner.length !== content.length) {
          rt.log('error', '子消息中包含非node消息 跳过不合法部分');
          continue;
        }
        const { message } = await sendForwardViaSelf(obContext, core, selfPeer, inner);
        if (message) nodeMsgs.push(message);
        continue;
      }
      const { sendElements } = await msgApi.createSendElements(content, destPeer);
      const together = sendElements.filter((e) => !ALONE.has(e.elementType));
      const parts = [together, ...sendElements.filter((e) => ALONE.has(e.elementType)).map((e) => [e])].filter((p) => p.length > 0);
      const sent = await Promise.allSettled(parts.map((part) => msgApi.sendMsgWithOb11UniqueId(selfPeer, part, []).catch(() => undefined)));
      for (const result of sent) if (result.status === 'fulfilled' && result.value) nodeMsgs.push(result.value);
    } catch (err) {
      rt.log('debug', '生成转发消息节点失败', err);
    }
  }
  // Nodes from mixed chats: every one not in the self chat is cloned to self first. The merge
  // still names the FIRST node's chat as its source, clones or not (NapCat does so).
  const srcPeer: Peer | undefined = nodeMsgs[0] && { chatType: nodeMsgs[0].chatType, peerUid: nodeMsgs[0].peerUid };
  const mixed = nodeMsgs.some((m) => m.peerUid !== srcPeer?.peerUid);
  const ids: string[] = [];
  for (const msg of nodeMsgs) {
    if (!mixed || msg.peerUid === selfPeer.peerUid) {
      ids.push(msg.msgId);
      continue;
    }
    const cloned = await core.apis.MsgApi.sendMsg({ ...selfPeer }, msg.elements).catch(() => undefined);
    if (cloned) ids.push(cloned.msgId);
  }
  if (ids.length === 0) throw new Error('转发消息失败，生成节点为空');
  const message = await core.apis.MsgApi.multiForwardMsg(srcPeer!, destPeer, ids).catch((err: unknown) => {
    rt.log('error', 'forward failed', err);
    return null;
  });
  return { message: message ?? null };
}
