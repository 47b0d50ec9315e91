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
  | { kind: 'send'; action: string; base: string; params: Record<string, unknown>; echo: unknown };

const MARKERS = [Buffer.from('send_'), Buffer.from('upload_')];

export function inspectBotFrame(data: Buffer): BotFrame {
  if (!MARKERS.some((m) => data.includes(m))) return { kind: 'pass' };
  const frame = parseFrame(data);
  if (!isRecord(frame) || typeof frame.action !== 'string') return { kind: 'pass' };
  const base = sendActionOf(frame.action);
  // NapCat reads a missing or falsy `params` as {}; anything else that is not an object is NapCat's to refuse.
  const params = frame.params ? frame.params : {};
  // A send without media (text, a reply) passes at once, in order, as the bytes it was.
  if (!base || !isRecord(params) || sendMediaSlots(base, params).length === 0) return { kind: 'pass' };
  return { kind: 'send', action: frame.action, base, params, echo: frame.echo };
}

/** The `echo` of a frame, for answering it when NapCat cannot (undefined when unreadable). */
export function echoOf(data: Buffer): unknown {
  const frame = parseFrame(data);
  return isRecord(frame) ? frame.echo : undefined;
}

function parseFrame(data: Buffer): unknown {
  const text = data.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    try {
      return json5.parse(text);
    } catch {
      return undefined;
    }
  }
}
