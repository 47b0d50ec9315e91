// NapCatOneBot11Adapter as a plugin sees it at ctx.oneBot: apis {MsgApi, FileApi},
// the live config (timeout, imageDownloadProxy) and the action map.
import { ActionMap } from '../actions';
import type { NapCatCore } from './core';
import { OneBotFileApi } from './ob-file-api';
import { LegacyOneBotMsgApi, OneBotMsgApi } from './ob-msg-api';
import { runtimeOf } from './runtime';
import { DEFAULT_TIMEOUT_CONFIG, type TimeoutConfig } from './timeout';

export interface OneBotConfig {
  timeout: TimeoutConfig;
  imageDownloadProxy: string;
  enableLocalFile2Url: boolean;
  parseMultMsg: boolean;
}

export class NapCatOneBot11Adapter {
  readonly apis: { MsgApi: OneBotMsgApi; FileApi: OneBotFileApi };
  readonly configLoader: { configData: OneBotConfig };
  readonly actions: ActionMap;

  constructor(
    readonly core: NapCatCore,
    config: { imageDownloadProxy?: string; timeout?: Partial<TimeoutConfig> } = {},
  ) {
    this.configLoader = {
      configData: {
        timeout: { ...DEFAULT_TIMEOUT_CONFIG, ...config.timeout },
        imageDownloadProxy: config.imageDownloadProxy ?? '',
        enableLocalFile2Url: false,
        parseMultMsg: false,
      },
    };
    const MsgApi = runtimeOf(core).shape === 'legacy' ? LegacyOneBotMsgApi : OneBotMsgApi;
    this.apis = { MsgApi: new MsgApi(this, core), FileApi: new OneBotFileApi(this, core) };
    this.actions = new ActionMap(this, core);
  }
}
