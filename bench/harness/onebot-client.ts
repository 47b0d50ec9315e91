// The bot: node-napcat-ts, the OneBot 11 client NapCat users use, over the
// host's WebSocket front. It rejects a failed action with the response itself.
import { NCWebsocket, Structs } from 'node-napcat-ts';
import type { SendOne } from './broadcast';

export async function connectBot(wsUrl: string): Promise<NCWebsocket> {
  // A send to 200 groups can queue for minutes; NapCat's own timeout decides.
  const bot = new NCWebsocket({ baseUrl: wsUrl, reconnection: { enable: false }, apiTimeout: 30 * 60 * 1000 });
  await bot.connect();
  return bot;
}

function failureMessage(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (reason && typeof reason === 'object' && 'message' in reason) return String((reason as { message: unknown }).message);
  return String(reason);
}

// One image segment to group `peer`; `uriOf` picks the image for the i-th send.
export function groupImageSender(bot: NCWebsocket, uriOf: (index: number) => string): SendOne {
  return async (peer, index) => {
    try {
      await bot.send_group_msg({ group_id: peer, message: [Structs.image(uriOf(index))] });
      return { ok: true };
    } catch (reason) {
      return { ok: false, message: failureMessage(reason) };
    }
  };
}

/** Bytes the bot writes to NapCat: every request frame as node-napcat-ts serialises it. */
export function countSentBytes(bot: NCWebsocket): () => number {
  let bytes = 0;
  bot.on('api.preSend', (request) => {
    bytes += Buffer.byteLength(JSON.stringify(request));
  });
  return () => bytes;
}

/** The untyped call for actions node-napcat-ts does not declare (upload_file_stream). */
type RawSend = (action: string, params: Record<string, unknown>) => Promise<unknown>;

/**
 * NapCat's upload_file_stream: the bytes once, in base64 chunks, then `is_complete`; resolves
 * the path NapCat wrote them to. The file is kept 10 min (`file_retention`; NapCat's default is
 * 5 min): long enough for the broadcast that follows.
 */
export async function uploadFileStream(bot: NCWebsocket, bytes: Buffer, chunkBytes = 256 * 1024): Promise<string> {
  const send = bot.send.bind(bot) as unknown as RawSend;
  const streamId = `bench-${process.pid}-${Date.now()}`;
  const total = Math.ceil(bytes.length / chunkBytes);
  for (let i = 0; i < total; i++) {
    const chunk = bytes.subarray(i * chunkBytes, (i + 1) * chunkBytes).toString('base64');
    await send('upload_file_stream', { stream_id: streamId, chunk_data: chunk, chunk_index: i, total_chunks: total, file_size: bytes.length, file_retention: 600_000 });
  }
  const done = (await send('upload_file_stream', { stream_id: streamId, is_complete: true })) as { file_path?: unknown };
  if (typeof done.file_path !== 'string') throw new Error(`upload_file_stream 没有返回路径 / returned no file_path: ${JSON.stringify(done)}`);
  return done.file_path;
}
