// Measures the send cap (maxConcurrentUploads): time to deliver 200 broadcast sends of one
// 1 MB base64 image on the model host, through the built plugin, per cap setting, against
// the host without the plugin. Not a spec (CI does not run it); the numbers in docs/hooks.md
// come from it:
//
//   npx tsx test/integration/send-cap.measure.ts [runs=3] [variant…]
//   RTT_MS=200 npx tsx test/integration/send-cap.measure.ts …   (server round trip, default the host's 20 ms)
//
// Variants: `none` (no plugin), `shipped:<n>` (the plugin as shipped with maxConcurrentUploads
// n: at most n sends that may transfer, 2n media sends in all), `all:<n>` (as well, every send
// capped at n by a limiter on NapCat's own sendMsg under the plugin's wrapper: the timing of
// the former semantics, one cap of n on every media send).
import os from 'node:os';
import { ConcurrencyLimit } from '../../src/flight/concurrency-limit';
import { createHost, makePng } from '../host';
import { failed, imageSegment, burst, installBuilt } from './support';

const SENDS = 200;
const TIME_SCALE = 1;
/** One server round trip in ms (the kernel makes two per send that transfers nothing: ask, deliver). */
const RTT_MS = process.env.RTT_MS ? Number(process.env.RTT_MS) : undefined;

interface Variant {
  name: string;
  plugin: boolean;
  cap: number;
  capAll: boolean;
}

function parse(spec: string): Variant {
  if (spec === 'none') return { name: spec, plugin: false, cap: 0, capAll: false };
  const [kind, n] = spec.split(':');
  if ((kind !== 'all' && kind !== 'shipped') || !(Number(n) >= 1)) throw new Error(`unknown variant ${spec}`);
  return { name: spec, plugin: true, cap: Number(n), capAll: kind === 'all' };
}

async function once(variant: Variant, seed: number): Promise<{ ms: number; failures: number }> {
  const host = await createHost({ timeScale: TIME_SCALE, seed, latencyMs: RTT_MS });
  try {
    if (variant.capAll) {
      const limit = new ConcurrencyLimit(variant.cap);
      const api = Object.getPrototypeOf(host.core.apis.MsgApi) as { sendMsg: (...args: unknown[]) => Promise<unknown> };
      const own = api.sendMsg;
      Object.defineProperty(host.core.apis.MsgApi, 'sendMsg', {
        value: function (this: unknown, ...args: unknown[]) {
          return limit.run(() => own.apply(this, args));
        },
        writable: true,
        configurable: true,
      });
    }
    if (variant.plugin) await installBuilt(host, { maxConcurrentUploads: variant.cap, graceSeconds: 1 });
    const image = makePng({ bytes: 1_000_000, seed: 3 });
    const start = Date.now();
    const responses = await burst(host, SENDS, () => [imageSegment(image)], 1000, seed);
    return { ms: Date.now() - start, failures: failed(responses).length };
  } finally {
    await host.close();
  }
}

const runs = Number(process.argv[2] ?? 3);
const variants = (process.argv.length > 3 ? process.argv.slice(3) : ['none', 'all:4', 'all:8', 'shipped:4', 'shipped:8']).map(parse);
console.log(`${SENDS} sends of one 1 MB image, timeScale ${TIME_SCALE}, RTT ${RTT_MS ?? 'default'} ms, ${runs} runs each; ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}`);
// Variants take turns within each run, so a load change on the machine hits them alike.
const results = new Map(variants.map((v) => [v, [] as Array<{ ms: number; failures: number }>]));
for (let run = 1; run <= runs; run++) for (const variant of variants) results.get(variant)!.push(await once(variant, run));
for (const [variant, list] of results) {
  const ms = list.map((r) => r.ms).sort((a, b) => a - b);
  console.log(
    `${variant.name.padEnd(22)} median ${String(ms[Math.floor(ms.length / 2)]).padStart(6)} ms  runs ${list.map((r) => `${r.ms} ms/${r.failures} failed`).join(', ')}`,
  );
}
console.log(`load after: ${os.loadavg()[0].toFixed(2)}`);
