// `npx tsx bench/proxy/json5-cost.ts`: what NapCat pays to parse one send frame. NapCat
// parses every frame with json5 (network/websocket-server.ts); the model uses JSON.parse
// first (test/host/front/parse.ts). A 1 MB base64 image frame against the same send
// rewritten to a file:// store path, medians of 7.
import json5 from 'json5';
import { makePng } from '../../test/host/index';
import { median } from '../harness/stats';

const frame = (file: string) => JSON.stringify({ action: 'send_group_msg', params: { group_id: 1, message: [{ type: 'image', data: { file } }] }, echo: 'e' });
const base64 = frame(`base64://${makePng({ bytes: 1024 * 1024, seed: 1 }).toString('base64')}`);
const rewritten = frame('file:///data/media-cache/content/ab/ab0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd.png');

function time(parse: (text: string) => unknown, text: string): number {
  const samples: number[] = [];
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    parse(text);
    samples.push(performance.now() - start);
  }
  return median(samples);
}

for (const [name, text] of [['1 MB base64 frame', base64], ['rewritten to file://', rewritten]] as const) {
  console.log(`${name} (${text.length} chars): json5 ${time((t) => json5.parse(t), text).toFixed(3)} ms, JSON.parse ${time((t) => JSON.parse(t), text).toFixed(3)} ms`);
}
