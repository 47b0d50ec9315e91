// A OneBot 11 message is a CQ-code string, one segment, or an array of segments
// (NapCat's SendMsg.ts normalize); these are the shapes and the flags read with it.
export interface Segment {
  type: string;
  data: Record<string, unknown>;
}

export function isSegment(value: unknown): value is Segment {
  return typeof value === 'object' && value !== null && typeof (value as Segment).type === 'string' && isRecord((value as Segment).data);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** NapCat reads `auto_escape` as the string 'true' or any truthy value. */
export function autoEscapeOf(value: unknown): boolean {
  return typeof value === 'string' ? value === 'true' : Boolean(value);
}

