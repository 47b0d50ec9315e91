// One incoming WebSocket frame, as NapCat's WebSocket server and client handle it
// (handleMessage): json5 parse (the front's parser, parse.ts; failure: retcode 1400), params default {}, unknown action
// 1404, then websocketHandle with `echo ?? ''` and a toolkit whose frames are ok
// `stream-action` responses carrying the same echo; the final response last.
import type { ActionMap } from '../actions';
import type { RequestToolkit } from '../actions/action';
import { errorResponse, okResponse } from '../actions/response';
import type { ParseFrame } from './parse';

/** `send` resolves once the frame is handed to the socket, and rejects when it is not open. */
export type SendFrame = (text: string) => Promise<void>;

export async function handleWsFrame(actions: ActionMap, parse: ParseFrame, text: string, send: SendFrame, unknownApi: string): Promise<void> {
  let frame: { action?: unknown; params?: unknown; echo?: unknown };
  let echo: unknown;
  try {
    frame = parse(text) as typeof frame;
    echo = frame.echo;
  } catch {
    await send(JSON.stringify(errorResponse('json解析失败,请检查数据格式', 1400, null)));
    return;
  }
  const params = (frame.params ? frame.params : {}) as Record<string, unknown>;
  const action = actions.get(String(frame.action));
  if (!action) {
    await send(JSON.stringify(errorResponse(`${unknownApi} ${String(frame.action)}`, 1404, echo ?? null)));
    return;
  }
  const toolkit: RequestToolkit = {
    send: (data) => send(JSON.stringify({ ...okResponse(data, echo ?? ''), stream: 'stream-action' })),
  };
  const response = await action.websocketHandle(params, echo ?? '', 'websocket', {}, toolkit);
  await send(JSON.stringify(response));
}

/** NapCat's checkStateAndReply: send if open, else reject. */
export function sendIfOpen(ws: { readyState: number; OPEN: number; send(data: string): void }): SendFrame {
  return (text) => {
    if (ws.readyState !== ws.OPEN) return Promise.reject(new Error('WebSocket is not open'));
    ws.send(text);
    return Promise.resolve();
  };
}
