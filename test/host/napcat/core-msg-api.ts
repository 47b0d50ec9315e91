// NTQQMsgApi (core/apis/msg.ts:244-276, §4.2): for a temp chat (chatType 100) reads
// peer.guildId as the group on entry and prepares the chat through it; then overwrites
// peer.guildId with the new msg id, starts ONE timer for the whole native call, rejects
// at once with "EventChecker Failed" when the kernel result is non-zero, with "Timeout"
// when the timer wins (the kernel carries on and may still deliver: #932), and otherwise
// resolves the sent RawMessage.
import { HostClosedError } from '../clock';
import type { KernelMsgService } from '../ntqq/kernel';
import type { NapCatCore } from './core';
import { generateMsgId } from './message-id';
import { runtimeOf } from './runtime';
import type { GroupMembers } from '../ntqq/kernel';
import { ChatType, type GeneralCallResult, type Peer, type RawMessage, type SendMessageElement } from './types';

const SEND_EVENT = 'NTEvent serviceAndMethod:NodeIKernelMsgService/sendMsg ListenerName:NodeIKernelMsgListener/onMsgInfoListUpdate';
const FORWARD_EVENT = 'NTEvent serviceAndMethod:NodeIKernelMsgService/multiForwardMsgWithComment ListenerName:NodeIKernelMsgListener/onMsgInfoListUpdate';

export class NTQQMsgApi {
  constructor(
    readonly context: NapCatCore['context'],
    readonly core: NapCatCore,
  ) {}

  /** GroupApi's member cache, per group code (core/apis/group.ts). */
  private readonly memberCache = new Map<string, GroupMembers>();

  async sendMsg(peer: Peer, msgElements: SendMessageElement[], timeout = 10000): Promise<RawMessage | undefined> {
    const rt = runtimeOf(this.core);
    if (peer.chatType === ChatType.TEMP_FROM_GROUP && peer.guildId) {
      const member = await this.getGroupMember(peer.guildId, peer.peerUid);
      if (member) {
        await this.context.session.getMsgService().prepareTempChat({ peerUid: peer.peerUid, fromGroupCode: peer.guildId });
      }
    }
    const msgId = generateMsgId(rt.random);
    peer.guildId = msgId;
    const service = this.context.session.getMsgService();
    try {
      const record = await this.callNormalEvent(service, SEND_EVENT, msgId, timeout, () => service.sendMsg(msgId, peer, msgElements));
      rt.counters.sendsOk++;
      return record;
    } catch (err) {
      rt.counters.sendsFailed++;
      if ((err as Error).message.startsWith('Timeout:')) rt.counters.sendsTimedOut++;
      throw err;
    }
  }

  /**
   * GroupApi.getGroupMember (core/apis/group.ts, v4.18.5): the member list of `groupCode`,
   * refreshed through the kernel when not cached; a failed refresh is only logged, so for a
   * code that names no group the lookup reads a member of `undefined` and throws a TypeError.
   */
  private async getGroupMember(groupCode: string, uid: string): Promise<{ nick: string } | undefined> {
    let members = this.memberCache.get(groupCode);
    if (!members) {
      try {
        members = (await this.context.session.getGroupService().getAllMemberList(groupCode, true)).result.infos;
        this.memberCache.set(groupCode, members);
      } catch (err) {
        runtimeOf(this.core).log('error', `刷新群成员缓存失败, 群号: ${groupCode}, 错误: ${String(err)}`);
      }
    }
    if (!members) throw new TypeError("Cannot read properties of undefined (reading 'get')");
    return members.get(uid);
  }

  async multiForwardMsg(srcPeer: Peer, destPeer: Peer, msgIds: string[]): Promise<RawMessage | undefined> {
    const rt = runtimeOf(this.core);
    const msgId = generateMsgId(rt.random);
    const service = this.context.session.getMsgService();
    return this.callNormalEvent(service, FORWARD_EVENT, msgId, 10000, () => service.multiForwardMsg(msgIds, srcPeer, destPeer, msgId));
  }

  /** callNormalEventV2: the native result must be 0 and the listener must report the record as sent. */
  private callNormalEvent(
    service: KernelMsgService,
    event: string,
    msgId: string,
    timeout: number,
    invoke: () => Promise<GeneralCallResult>,
  ): Promise<RawMessage> {
    const clock = runtimeOf(this.core).clock;
    return new Promise<RawMessage>((resolve, reject) => {
      let ret: GeneralCallResult | undefined;
      let record: RawMessage | undefined;
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        cancel();
        off();
        fn();
      };
      const cancel = clock.setTimeout(
        () => finish(() => reject(new Error(`Timeout: ${event} EventRet:\n${JSON.stringify(ret ?? {}, null, 4)}\n`))),
        timeout,
        () => finish(() => reject(new HostClosedError())),
      );
      const off = service.addKernelMsgListener((records) => {
        record ??= records.find((r) => r.guildId === msgId && r.sendStatus === 2);
        if (record && ret?.result === 0) finish(() => resolve(record as RawMessage));
      });
      invoke().then(
        (result) => {
          ret = result;
          if (result.result !== 0) finish(() => reject(new Error(`EventChecker Failed: ${event} EventRet:\n${JSON.stringify(result, null, 4)}\n`)));
          else if (record) finish(() => resolve(record as RawMessage));
        },
        (err: unknown) => finish(() => reject(err)),
      );
    });
  }
}
