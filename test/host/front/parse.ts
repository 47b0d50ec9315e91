// NapCat parses frames and bodies with json5 (websocket-server.ts, http-server.ts). The model
// accepts the same inputs but tries JSON.parse first: on valid JSON both give the same value,
// and json5's pure-JS parse of a 1 MB base64 frame costs 0.26-0.34 s of CPU on this machine
// (JSON.parse: 1.5-2.1 ms; bench/proxy/json5-cost.ts), which would slow every bench run and
// test of the model. So the model
// is gentler than NapCat on CPU here (docs/model-rules.md); nothing it accepts differs.
import json5 from 'json5';

export function parseLikeNapCat(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return json5.parse(text);
  }
}
