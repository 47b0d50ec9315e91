// Every media reference NapCat will resolve in a message, wherever it sits: a segment in an
// array, a single segment, a code in a CQ string, inside forward nodes (nested). Each slot
// can be replaced in place, so a caller rewrites a reference without re-encoding anything
// else (a CQ string keeps every other byte).
import { escapeCqValue, parseCq, renderCq, unescapeCq, type CqCode } from './cq-code';
import { mediaFieldOf } from './media-ref';
import { isSegment } from './segment';

/** Segment types whose reference NapCat turns into a file (handleOb11FileLikeMessage). */
export const MEDIA_SEGMENT_TYPES: ReadonlySet<string> = new Set(['image', 'record', 'video', 'file']);

export interface MediaSlot {
  /** The segment type (`image`, `record`, `video`, `file`), or `upload` for upload_*_file. */
  use: string;
  uri: string;
  replace(uri: string): void;
}

// NapCat stops at three levels of nested forwards; a cap far above that only guards
// against hostile input.
const MAX_DEPTH = 32;

/** Slots of the message at `holder[key]`; `autoEscape` makes a string plain text. */
export function messageMediaSlots(holder: Record<string, unknown>, key: string, autoEscape = false, depth = 0): MediaSlot[] {
  if (depth > MAX_DEPTH) return [];
  const message = holder[key];
  if (typeof message === 'string') return autoEscape ? [] : cqSlots(holder, key, message, depth);
  const segments = Array.isArray(message) ? message : [message];
  return segments.flatMap((segment) => segmentSlots(segment, depth));
}

function segmentSlots(segment: unknown, depth: number): MediaSlot[] {
  if (!isSegment(segment)) return [];
  const data = segment.data;
  if (segment.type === 'node') {
    // A node with `id` forwards a message that already exists: nothing to resolve.
    return data.id === undefined || data.id === null || data.id === '' ? messageMediaSlots(data, 'content', false, depth + 1) : [];
  }
  if (!MEDIA_SEGMENT_TYPES.has(segment.type)) return [];
  const field = mediaFieldOf(data);
  if (!field) return [];
  return [
    {
      use: segment.type,
      uri: data[field] as string,
      replace(uri) {
        data[field] = uri;
      },
    },
  ];
}

function cqSlots(holder: Record<string, unknown>, key: string, text: string, depth: number): MediaSlot[] {
  const parts = parseCq(text);
  const render = () => {
    holder[key] = renderCq(parts);
  };
  const slots: MediaSlot[] = [];
  for (const part of parts) {
    if (part.kind !== 'code') continue;
    if (part.type === 'node') slots.push(...nodeCodeSlots(part, render, depth));
    if (!MEDIA_SEGMENT_TYPES.has(part.type)) continue;
    const data = Object.fromEntries(part.params.map((p) => [p.key, unescapeCq(p.raw)]));
    const field = mediaFieldOf(data);
    if (!field) continue;
    // A later duplicate key is the one NapCat reads.
    const param = part.params.filter((p) => p.key === field).pop()!;
    slots.push({
      use: part.type,
      uri: data[field] as string,
      replace(uri) {
        param.raw = escapeCqValue(uri);
        render();
      },
    });
  }
  return slots;
}

/** `[CQ:node,…,content=<escaped CQ string>]`: the content is itself a message. */
function nodeCodeSlots(code: CqCode, render: () => void, depth: number): MediaSlot[] {
  const param = code.params.filter((p) => p.key === 'content').pop();
  if (!param || code.params.some((p) => p.key === 'id' && p.raw !== '')) return [];
  const inner: Record<string, unknown> = { content: unescapeCq(param.raw) };
  return messageMediaSlots(inner, 'content', false, depth + 1).map((slot) => ({
    ...slot,
    replace(uri: string) {
      slot.replace(uri);
      param.raw = escapeCqValue(inner.content as string);
      render();
    },
  }));
}

