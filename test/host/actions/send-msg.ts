// send_msg / send_group_msg / send_private_msg and the forward variants
// (action/msg/SendMsg.ts:152-206, §1.1): peer, normalize, then either the forward
// path or createSendElements + sendMsgWithOb11UniqueId.
import { runtimeOf } from '../napcat/runtime';
import { ChatType, type Peer } from '../napcat/types';
import { OneBotAction, type Payload } from './action';
import { sendForward } from './forward';
import { normalize } from './normalize';

export type ContextMode = 'normal' | 'group' | 'private';

export interface SendResult {
  message_id: number;
  res_id?: string;
}

export function createPeer(payload: Payload, mode: ContextMode): Peer {
  const wantsGroup = mode === 'group' || (mode === 'normal' && (payload.message_type === 'group' || (payload.message_type !== 'private' && payload.group_id !== undefined)));
  if (wantsGroup) {
    if (payload.group_id === undefined || payload.group_id === '') throw new Error('缺少参数 group_id');
    return { chatType: ChatType.GROUP, peerUid: String(payload.group_id) };
  }
  if (payload.user_id === undefined || payload.user_id === '') throw new Error('请指定 group_id 或 user_id');
  return { chatType: ChatType.FRIEND, peerUid: `u_${String(payload.user_id)}` };
}

export class SendMsgBase extends OneBotAction<SendResult> {
  constructor(
    readonly actionName: string,
    readonly contextMode: ContextMode,
    ...rest: ConstructorParameters<typeof OneBotAction>
  ) {
    super(...rest);
  }

  /**
   * SendMsgBase.check (v4.18.5) overrides OneBotAction's schema parse without calling it: the
   * caller's own message objects reach the converters, not a copy. send_group_msg and
   * send_private_msg first set `message_type` on the caller's payload (group: and delete
   * `user_id`). Nodes mixed with other segments are refused.
   */
  override async check(payload: Payload): Promise<{ valid: boolean; message?: string }> {
    if (this.contextMode === 'group') {
      delete payload.user_id;
      payload.message_type = 'group';
    } else if (this.contextMode === 'private') {
      payload.message_type = 'private';
    }
    return checkNodes(payload);
  }

  async _handle(payload: Payload): Promise<SendResult> {
    return await this.base_handle(payload, this.contextMode);
  }

  async base_handle(payload: Payload, mode: ContextMode): Promise<SendResult> {
    const peer = createPeer(payload, mode);
    const messages = normalize(payload.message, payload.auto_escape === true || payload.auto_escape === 'true');
    const msgApi = this.obContext.apis.MsgApi;
    const nodes = messages.filter((m) => m.type === 'node');
    if (nodes.length > 0) {
      const { message, resId } = await sendForward(this.obContext, this.core, peer, nodes);
      if (message) return { message_id: msgApi.remember(peer, message), res_id: resId };
      if (resId) throw new Error(`发送转发消息（res_id：${resId} 失败`);
      // No message and no res_id: NapCat goes on to send the node segments as a plain message,
      // whose converter gives nothing (消息体无法解析).
    }
    const { sendElements, deleteAfterSentFiles } = await msgApi.createSendElements(messages, peer);
    const returnMsg =
      runtimeOf(this.core).shape === 'legacy'
        ? await msgApi.sendMsgWithOb11UniqueId(peer, sendElements, deleteAfterSentFiles)
        : await msgApi.sendMsgWithOb11UniqueId(peer, sendElements, deleteAfterSentFiles, Number(payload.timeout) || undefined);
    return { message_id: returnMsg.id };
  }
}

/** SendMsgBase's own check: nodes may not be mixed with other segments. */
function checkNodes(payload: Payload): { valid: boolean; message?: string } {
  const messages = normalize(payload.message);
  const nodes = messages.filter((m) => m.type === 'node').length;
  if (nodes > 0 && nodes !== messages.length) {
    return { valid: false, message: '转发消息不能和普通消息混在一起发送,转发需要保证message只有type为node的元素' };
  }
  return { valid: true };
}

/** send_forward_msg & co: check() puts `normalize(messages)` into `message`, then SendMsgBase's check (SendForwardMsg.ts). */
export class SendForwardMsg extends SendMsgBase {
  override async check(payload: Payload): Promise<{ valid: boolean; message?: string }> {
    if (payload.messages) payload.message = normalize(payload.messages);
    if (payload.message === undefined) return { valid: false, message: 'missing messages / 缺少 messages' };
    return checkNodes(payload);
  }
}
