// The OneBot 11 actions that send media, and where their media references are. NapCat maps
// `<name>_async` and `<name>_rate_limited` onto the same action (action/index.ts).
import { messageMediaSlots, type MediaSlot } from './media-slots';
import { autoEscapeOf } from './segment';

const MESSAGE_ACTIONS = new Set(['send_msg', 'send_group_msg', 'send_private_msg']);
const FORWARD_ACTIONS = new Set(['send_forward_msg', 'send_group_forward_msg', 'send_private_forward_msg']);
const UPLOAD_ACTIONS = new Set(['upload_group_file', 'upload_private_file']);

/** Every action that sends media, by its base name (one request each). */
export const SEND_ACTIONS: readonly string[] = [...MESSAGE_ACTIONS, ...FORWARD_ACTIONS, ...UPLOAD_ACTIONS];

/** The action's base name when it sends media (`send_group_msg_async` → `send_group_msg`), else undefined. */
export function sendActionOf(action: string): string | undefined {
  const base = action.replace(/_(async|rate_limited)$/, '');
  return MESSAGE_ACTIONS.has(base) || FORWARD_ACTIONS.has(base) || UPLOAD_ACTIONS.has(base) ? base : undefined;
}

/** Every media reference the action's `params` make NapCat resolve, replaceable in place. */
export function sendMediaSlots(baseAction: string, params: Record<string, unknown>): MediaSlot[] {
  if (UPLOAD_ACTIONS.has(baseAction)) {
    const file = params.file;
    if (typeof file !== 'string' || file === '') return [];
    return [
      {
        use: 'upload',
        uri: file,
        replace(uri) {
          params.file = uri;
        },
      },
    ];
  }
  // Forward actions: NapCat's check() normalizes a truthy `messages` (CQ strings always
  // decoded) into `message`; otherwise `message` is read with auto_escape as usual.
  if (FORWARD_ACTIONS.has(baseAction) && params.messages) return messageMediaSlots(params, 'messages', false);
  return messageMediaSlots(params, 'message', autoEscapeOf(params.auto_escape));
}

/** Whether an upload action copies the file onto NTQQ's md5-named path (`upload_file`, default true). */
export function uploadCopiesFile(params: Record<string, unknown>): boolean {
  return params.upload_file === undefined || params.upload_file === true || params.upload_file === 'true';
}
