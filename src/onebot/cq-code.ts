// CQ-code strings as NapCat reads them (napcat-onebot/helper/cqcode.ts): a code is
// `[CQ:<word>(,<word>=<value>)*]` where a value runs to the next `,` or `]`, and `&amp;`,
// `&#91;`, `&#93;`, `&#44;` are the only escapes. Parts keep their raw (escaped) text, so
// a string renders back byte for byte and a rewrite changes only the value it replaces.
import type { Segment } from './segment';

export interface CqText {
  kind: 'text';
  /** Escaped, exactly as in the source. */
  raw: string;
}

export interface CqParam {
  key: string;
  /** Escaped, exactly as in the source. */
  raw: string;
}

export interface CqCode {
  kind: 'code';
  type: string;
  params: CqParam[];
}

export type CqPart = CqText | CqCode;

// NapCat's own pattern, with a global flag so one pass finds every code in order.
const CODE = /\[CQ:(\w+)((?:,\w+=[^,\]]*)*)]/g;

export function parseCq(source: string): CqPart[] {
  const parts: CqPart[] = [];
  let last = 0;
  for (const match of source.matchAll(CODE)) {
    const index = match.index ?? 0;
    if (index > last) parts.push({ kind: 'text', raw: source.slice(last, index) });
    const params = match[2]
      .slice(1)
      .split(',')
      .filter((pair) => pair !== '')
      .map((pair) => {
        const eq = pair.indexOf('=');
        return { key: pair.slice(0, eq), raw: pair.slice(eq + 1) };
      });
    parts.push({ kind: 'code', type: match[1], params });
    last = index + match[0].length;
  }
  if (last < source.length) parts.push({ kind: 'text', raw: source.slice(last) });
  return parts;
}

export function renderCq(parts: readonly CqPart[]): string {
  return parts
    .map((part) => (part.kind === 'text' ? part.raw : `[CQ:${part.type}${part.params.map((p) => `,${p.key}=${p.raw}`).join('')}]`))
    .join('');
}

/** The segments NapCat's decodeCQCode makes of `source` (a later duplicate key wins). */
export function decodeCq(source: string): Segment[] {
  return parseCq(source).map((part) =>
    part.kind === 'text'
      ? { type: 'text', data: { text: unescapeCq(part.raw) } }
      : { type: part.type, data: Object.fromEntries(part.params.map((p) => [p.key, unescapeCq(p.raw)])) },
  );
}

export function unescapeCq(raw: string): string {
  return raw.replace(/&#91;/g, '[').replace(/&#93;/g, ']').replace(/&#44;/g, ',').replace(/&amp;/g, '&');
}

/** Escapes a parameter value (commas too, unlike text). */
export function escapeCqValue(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/\[/g, '&#91;').replace(/]/g, '&#93;').replace(/,/g, '&#44;');
}
