// NapCat parses frames and bodies with json5 (websocket-server.ts, http-server.ts). The model
// front has two ways to do the same:
// - 'json' (the default): JSON.parse first, json5 only when that fails. On valid JSON both give
//   the same value, and json5's pure-JS parse of a 1 MB base64 frame costs 0.26-0.34 s of CPU
//   on this machine (JSON.parse: 1.5-2.1 ms; bench/proxy/json5-cost.ts), which would slow every
//   test and bench run. Nothing it accepts differs, but it is gentler than NapCat on CPU
//   (docs/model-rules.md).
// - 'json5': json5.parse only, NapCat's own parser at NapCat's own cost, for the bench
//   scenarios that say what each mode gains on a real NapCat.
import json5 from 'json5';

export type FrontParse = 'json' | 'json5';

export type ParseFrame = (text: string) => unknown;

function jsonFirst(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return json5.parse(text);
  }
}

export function parserFor(mode: FrontParse): ParseFrame {
  return mode === 'json5' ? (text) => json5.parse(text) : jsonFirst;
}
