// `npx tsx bench/cpu-top.ts <file.cpuprofile> [match] [n]`: the functions with the most self
// time in a profile written with BENCH_CPU_PROFILE_DIR, optionally only those whose script URL
// contains `match` (e.g. `napcat-plugin-media-cache` for the plugin), plus the same total by
// the nearest frame of a matching script (time in Node's own code counted for its caller).
import { readFileSync } from 'node:fs';

interface Node { id: number; callFrame: { url: string; functionName: string; lineNumber: number }; children?: number[] }
const [file, match = '', count = '25'] = process.argv.slice(2);
if (!file) throw new Error('usage: npx tsx bench/cpu-top.ts <file.cpuprofile> [match] [n]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, Node>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
const label = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-1)[0]}:${n.callFrame.lineNumber + 1}`;
const self = new Map<string, number>();
const nearest = new Map<string, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const node = byId.get(profile.samples[i]);
  if (!node) continue;
  const ms = (profile.timeDeltas[i] ?? 0) / 1000;
  if (node.callFrame.url.includes(match)) self.set(label(node), (self.get(label(node)) ?? 0) + ms);
  if (!match) continue;
  for (let n: Node | undefined = node; n; n = parent.get(n.id)) {
    if (n.callFrame.url.includes(match)) {
      nearest.set(label(n), (nearest.get(label(n)) ?? 0) + ms);
      break;
    }
  }
}
const show = (title: string, m: Map<string, number>) => {
  console.log(`${title}: ${[...m.values()].reduce((a, b) => a + b, 0).toFixed(1)} ms`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(count))) console.log(`  ${v.toFixed(1).padStart(8)} ms  ${k}`);
};
show('self time', self);
if (match) show('by nearest matching frame', nearest);
