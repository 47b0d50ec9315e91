// SendMsg normalize (action/msg/SendMsg.ts:53-61): a CQ string, one segment, or an
// array, always to an array of segments.
import type { OB11Segment } from '../napcat/types';

const unescape = (s: string): string => s.replace(/&#44;/g, ',').replace(/&#91;/g, '[').replace(/&#93;/g, ']').replace(/&amp;/g, '&');

export function decodeCQ(text: string): OB11Segment[] {
  const segments: OB11Segment[] = [];
  const pattern = /\[CQ:([a-zA-Z0-9_.-]+)((?:,[^,\]]*)*)\]/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const index = match.index ?? 0;
    if (index > last) segments.push({ type: 'text', data: { text: unescape(text.slice(last, index)) } });
    const data: Record<string, unknown> = {};
    for (const pair of match[2].split(',').slice(1)) {
      const eq = pair.indexOf('=');
      if (eq > 0) data[pair.slice(0, eq)] = unescape(pair.slice(eq + 1));
    }
    segments.push({ type: match[1], data });
    last = index + match[0].length;
  }
  if (last < text.length) segments.push({ type: 'text', data: { text: unescape(text.slice(last)) } });
  return segments;
}

export function normalize(message: unknown, autoEscape = false): OB11Segment[] {
  if (typeof message === 'string') return autoEscape ? [{ type: 'text', data: { text: message } }] : decodeCQ(message);
  if (Array.isArray(message)) return message as OB11Segment[];
  if (message && typeof message === 'object') return [message as OB11Segment];
  return [];
}
