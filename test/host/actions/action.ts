// OneBotAction (action/OneBotAction.ts:90-116): check(), then _handle(); the network
// adapter picks the entry point and so the retcode of a thrown error.
import type { NapCatCore } from '../napcat/core';
import type { NapCatOneBot11Adapter } from '../napcat/onebot';
import { runtimeOf } from '../napcat/runtime';
import { errorResponse, okResponse, RETCODE_BAD_PARAMS, RETCODE_HTTP, RETCODE_WS, RETCODE_WS_BAD_PARAMS, type OB11Response } from './response';

export type Payload = Record<string, unknown>;

/** What a stream action sends before its final response (OneBotRequestToolkit); a no-op for HTTP-style calls. */
export interface RequestToolkit {
  send(data: object): Promise<void>;
}

const NO_STREAM: RequestToolkit = { send: async () => {} };

export abstract class OneBotAction<R = unknown> {
  abstract readonly actionName: string;
  /** Stream actions answer with `stream: 'stream-action'` (OneBotAction.useStream). */
  readonly useStream: boolean = false;

  constructor(
    readonly obContext: NapCatOneBot11Adapter,
    readonly core: NapCatCore,
  ) {}

  async check(_payload: Payload): Promise<{ valid: boolean; message?: string }> {
    return { valid: true };
  }

  abstract _handle(payload: Payload, adaptername: string, config: unknown, req: RequestToolkit): Promise<R>;

  handle(payload: Payload, adaptername = 'http', config: unknown = {}, req: RequestToolkit = NO_STREAM): Promise<OB11Response<R>> {
    return this.run(payload, adaptername, config, RETCODE_HTTP, undefined, req);
  }

  websocketHandle(payload: Payload, echo: unknown, adaptername = 'websocket', config: unknown = {}, req: RequestToolkit = NO_STREAM): Promise<OB11Response<R>> {
    return this.run(payload, adaptername, config, RETCODE_WS, echo, req);
  }

  private async run(payload: Payload, adaptername: string, config: unknown, retcode: number, echo: unknown, req: RequestToolkit): Promise<OB11Response<R>> {
    const rt = runtimeOf(this.core);
    let response: OB11Response<R>;
    try {
      const checked = await this.check(payload);
      if (!checked.valid) response = errorResponse(checked.message ?? '参数错误', retcode === RETCODE_WS ? RETCODE_WS_BAD_PARAMS : RETCODE_BAD_PARAMS, echo);
      else response = okResponse(await this._handle(payload, adaptername, config, req), echo);
    } catch (err) {
      rt.log('error', '发生错误', err);
      response = errorResponse((err as Error).message, retcode, echo);
    }
    if (this.useStream) response.stream = 'stream-action';
    if (response.status === 'ok') rt.counters.responsesOk++;
    else rt.counters.responsesFailed++;
    return response;
  }
}
