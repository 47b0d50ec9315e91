// NTQQMsgApi (core/apis/msg.ts:244-276, §4.2): mutates peer.guildId, starts ONE timer
// for the whole native call, rejects at once with "EventChecker Failed" when the
// kernel result is non-zero, with "Timeout" when the timer wins (the kernel carries
// on and may still deliver: #932), and otherwise resolves the sent RawMessage.
import { HostClosedError } from '../clock';
import type { KernelMsgService } from '../ntqq/kernel';
import type { NapCatCore } from './core';
import { generateMsgId } from './message-id';
import { runtimeOf } from './runtime';
import type { GeneralCallResult, Peer, RawMessage, SendMessageElement } from './types';

const SEND_EVENT = 'NTEvent serviceAndMethod:NodeIKernelMsgService/sendMsg ListenerName:NodeIKernelMsgListener/onMsgInfoListUpdate';
const FORWARD_EVENT = 'NTEvent serviceAndMethod:NodeIKernelMsgService/multiForwardMsgWithComment ListenerName:NodeIKernelMsgListener/onMsgInfoListUpdate';

export class NTQQMsgApi {
  constructor(
    readonly context: NapCatCore['context'],
    readonly core: NapCatCore,
  ) {}

  async sendMsg(peer: Peer, msgElements: SendMessageElement[], timeout = 10000): Promise<RawMessage | undefined> {
    const rt = runtimeOf(this.core);
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
