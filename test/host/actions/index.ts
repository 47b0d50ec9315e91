// ActionMap (action/index.ts:354-411): one instance per action; `xxx_async` and
// `xxx_rate_limited` reach the same instance; `call` goes through `handle` (HTTP-style).
import type { NapCatCore } from '../napcat/core';
import type { NapCatOneBot11Adapter } from '../napcat/onebot';
import type { OneBotAction, Payload } from './action';
import type { OB11Response } from './response';
import { SendForwardMsg, SendMsgBase } from './send-msg';
import { CleanCache, GetLoginInfo, GetStatus, GetVersionInfo } from './system';
import { DownloadFile } from './download-file';
import { TestDownloadStream } from './test-stream';
import { UploadFile } from './upload-file';
import { UploadFileStream } from './upload-file-stream';

export class ActionMap {
  private readonly actions = new Map<string, OneBotAction>();

  constructor(obContext: NapCatOneBot11Adapter, core: NapCatCore) {
    const all: OneBotAction[] = [
      new SendMsgBase('send_msg', 'normal', obContext, core),
      new SendMsgBase('send_group_msg', 'group', obContext, core),
      new SendMsgBase('send_private_msg', 'private', obContext, core),
      new SendForwardMsg('send_forward_msg', 'normal', obContext, core),
      new SendForwardMsg('send_group_forward_msg', 'group', obContext, core),
      new SendForwardMsg('send_private_forward_msg', 'private', obContext, core),
      new UploadFile('upload_group_file', obContext, core),
      new UploadFile('upload_private_file', obContext, core),
      new CleanCache(obContext, core),
      new GetLoginInfo(obContext, core),
      new GetStatus(obContext, core),
      new GetVersionInfo(obContext, core),
      new DownloadFile(obContext, core),
      new TestDownloadStream(obContext, core),
      new UploadFileStream(obContext, core),
    ];
    for (const action of all) {
      for (const suffix of ['', '_async', '_rate_limited']) this.actions.set(action.actionName + suffix, action);
    }
  }

  get(name: string): OneBotAction | undefined {
    return this.actions.get(name);
  }

  names(): string[] {
    return [...this.actions.keys()];
  }

  async call(name: string, params: Payload, adapter = 'plugin_manager', config: unknown = {}): Promise<OB11Response> {
    const action = this.get(name);
    if (!action) throw new Error(`未知的动作 / unknown action: ${name}`);
    return await action.handle(params, adapter, config);
  }
}
