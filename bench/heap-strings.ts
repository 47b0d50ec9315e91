// What holds the big strings in a heap snapshot: every node over --min-mb, grouped by the
// start of its text and by the function whose suspended frame (an async function waiting on
// an await) holds it, if any. How the peak-RSS miss in docs/bench.md was read:
//   BENCH_HEAP_SNAPSHOT_MB=450 npm run bench -- --only b64-5mb-50 --repeats 1
//   npx tsx bench/heap-strings.ts /tmp/bench-heap-<uin>-<pid>.heapsnapshot [--min-mb 1]
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; edge_fields: string[]; node_types: [string[]]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface BigNodes {
  count: number;
  bytes: number;
  /** `<node type> "<first 25 characters>" held by <function>` → how many. */
  groups: Map<string, number>;
}

export function bigNodes(snap: Snapshot, minBytes: number): BigNodes {
  const { node_fields: nf, edge_fields: ef, node_types: [nodeTypes], edge_types: [edgeTypes] } = snap.snapshot.meta;
  const N = nf.length;
  const E = ef.length;
  const [type, name, selfSize, edgeCount] = ['type', 'name', 'self_size', 'edge_count'].map((f) => nf.indexOf(f));
  const [edgeType, edgeName, toNode] = ['type', 'name_or_index', 'to_node'].map((f) => ef.indexOf(f));
  const count = snap.nodes.length / N;
  // Each node's first edge, and its retainers (the nodes with an edge to it).
  const firstEdge = new Uint32Array(count);
  const retainers: number[][] = Array.from({ length: count }, () => []);
  for (let node = 0, edge = 0; node < count; node++) {
    firstEdge[node] = edge;
    for (let k = 0; k < snap.nodes[node * N + edgeCount]; k++, edge++) {
      retainers[snap.edges[edge * E + toNode] / N].push(node);
    }
  }
  const nameOf = (node: number) => snap.strings[snap.nodes[node * N + name]];
  const typeOf = (node: number) => nodeTypes[snap.nodes[node * N + type]];
  // The function of a suspended generator (async function) that holds `node` in its registers.
  const holder = (node: number): string => {
    for (const registers of retainers[node]) {
      for (const generator of retainers[registers]) {
        if (!nameOf(generator).includes('Generator')) continue;
        for (let k = 0, edge = firstEdge[generator]; k < snap.nodes[generator * N + edgeCount]; k++, edge++) {
          const label = edgeTypes[snap.edges[edge * E + edgeType]];
          if (label !== 'element' && label !== 'hidden' && snap.strings[snap.edges[edge * E + edgeName]] === 'function') {
            return `${nameOf(snap.edges[edge * E + toNode] / N) || '(anonymous)'}()`;
          }
        }
      }
    }
    return 'no suspended function';
  };
  const result: BigNodes = { count: 0, bytes: 0, groups: new Map() };
  for (let node = 0; node < count; node++) {
    const size = snap.nodes[node * N + selfSize];
    if (size < minBytes) continue;
    result.count++;
    result.bytes += size;
    const key = `${typeOf(node)} ${JSON.stringify(nameOf(node).slice(0, 25))} held by ${holder(node)}`;
    result.groups.set(key, (result.groups.get(key) ?? 0) + 1);
  }
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npx tsx bench/heap-strings.ts <file.heapsnapshot> [--min-mb 1]');
    process.exit(2);
  }
  const i = process.argv.indexOf('--min-mb');
  const minMb = i > 0 ? Number(process.argv[i + 1]) : 1;
  const found = bigNodes(JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot, minMb * 1e6);
  console.log(`${found.count} 个超过 ${minMb} MB 的对象 / nodes over ${minMb} MB: ${(found.bytes / 1e6).toFixed(0)} MB`);
  for (const [key, n] of [...found.groups].sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(4)} × ${key}`);
}
