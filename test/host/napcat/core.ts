// NapCatCore as a plugin sees it at ctx.core: apis, the native util object, the
// shared temp folder, selfInfo, and the session under `context` — NapCatCore has no
// `session` property of its own (§9 item 1).
import type { Kernel, KernelSession, KernelUtil } from '../ntqq/kernel';
import { NTQQFileApi } from './core-file-api';
import { NTQQMsgApi } from './core-msg-api';
import { PacketApi } from './packet-api';
import { bindRuntime, type HostRuntime } from './runtime';

export interface SelfInfo {
  uin: string;
  uid: string;
  nick: string;
  online: boolean;
}

export interface CoreContext {
  session: KernelSession;
  pathWrapper: { getNTUserDataInfoConfig(): string };
}

export class NapCatCore {
  readonly context: CoreContext;
  readonly util: KernelUtil;
  readonly apis: { FileApi: NTQQFileApi; MsgApi: NTQQMsgApi; PacketApi: PacketApi };
  readonly NapCatTempPath: string;
  readonly dataPath: string;
  readonly selfInfo: SelfInfo;

  constructor(options: { kernel: Kernel; runtime: HostRuntime; qqDataRoot: string; tempPath: string; uin: string; packetMode: boolean }) {
    bindRuntime(this, options.runtime);
    const { kernel, qqDataRoot } = options;
    this.context = { session: kernel.session, pathWrapper: { getNTUserDataInfoConfig: () => qqDataRoot } };
    this.util = kernel.util;
    this.NapCatTempPath = options.tempPath;
    this.dataPath = qqDataRoot;
    this.selfInfo = { uin: options.uin, uid: `u_${options.uin}`, nick: `bot${options.uin}`, online: true };
    this.apis = {
      FileApi: new NTQQFileApi(this.context, this),
      MsgApi: new NTQQMsgApi(this.context, this),
      PacketApi: new PacketApi(options.packetMode, kernel.native),
    };
  }
}
