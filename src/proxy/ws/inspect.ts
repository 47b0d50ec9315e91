// Which frames from a bot the proxy acts on: a media-sending action that carries media.
// Only a frame that may name such an action is parsed at all (a byte search first), so
// pass-through traffic costs no parse.
// JSON first; json5 (what NapCat itself accepts) second; a frame neither can read passes
// to NapCat untouched, and NapCat answers it as it would.
import json5 from 'json5';
import { sendActionOf, sendMediaSlots } from '../../onebot/send-actions';
import { isRecord } from '../../onebot/segment';

export type BotFrame =
  | { kind: 'pass' }
  /** `json`: the frame is strict JSON (not only json5), so its bytes can take an appended key. */
  | { kind: 'send'; action: string; base: string; params: Record<string, unknown>; echo: unknown; json: boolean };

const MARKERS = [Buffer.from('send_'), Buffer.from('upload_')];

export function inspectBotFrame(data: Buffer): BotFrame {
  if (!MARKERS.some((m) => data.includes(m))) return { kind: 'pass' };
  const { value: frame, json } = parseFrame(data);
  if (!isRecord(frame) || typeof frame.action !== 'string') return { kind: 'pass' };
  const base = sendActionOf(frame.action);
  // NapCat reads a missing or falsy `params` as {}; anything else that is not an object is NapCat's to refuse.
  const params = frame.params ? frame.params : {};
  // A send without media (text, a reply) passes at once, in order, as the bytes it was.
  if (!base || !isRecord(params) || sendMediaSlots(base, params).length === 0) return { kind: 'pass' };
  return { kind: 'send', action: frame.action, base, params, echo: frame.echo, json };
}

/** The `echo` of a frame, for answering it when NapCat cannot (undefined when unreadable). */
export function echoOf(data: Buffer): unknown {
  const { value } = parseFrame(data);
  return isRecord(value) ? value.echo : undefined;
}

/**
 * The bot's own bytes with `"echo":<echo>` appended as the object's last key, which JSON and
 * json5 parsers (NapCat's) both take over an earlier `echo`: the proxy's request without
 * serializing megabytes of base64 again. Undefined when the bytes do not end in `}`.
 */
export function withEcho(data: Buffer, echo: string): Buffer | undefined {
  let end = data.length - 1;
  while (end >= 0 && (data[end] === 0x20 || data[end] === 0x0a || data[end] === 0x0d || data[end] === 0x09)) end--;
  if (end < 0 || data[end] !== 0x7d) return undefined;
  return Buffer.concat([data.subarray(0, end), Buffer.from(`,"echo":${JSON.stringify(echo)}}`)]);
}

function parseFrame(data: Buffer): { value: unknown; json: boolean } {
  const text = data.toString('utf8');
  try {
    return { value: JSON.parse(text), json: true };
  } catch {
    try {
      return { value: json5.parse(text), json: false };
    } catch {
      return { value: undefined, json: false };
    }
  }
}
