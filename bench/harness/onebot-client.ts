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
