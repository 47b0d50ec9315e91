// A bot's broadcast loop as NapCat sees it: HTTP requests to the OneBot front, fired
// at spread-out model times without waiting for each other. Going through the
// network matters: request bodies arrive as I/O, interleaved with the sends already
// in flight, which is what staggers them into each other's race windows.
import type { ModelClock } from './clock';
import type { OB11Response } from './actions/response';

export interface BroadcastOptions {
  /** Base URL of the OneBot HTTP front (host.front.start()). */
  url: string;
  clock: ModelClock;
  action: string;
  /** Parameters of request i (JSON body). */
  params: (i: number) => Record<string, unknown>;
  count: number;
  /** Arrivals are spread evenly over this many model ms, each jittered by up to `jitterMs`. Default 1000. */
  spreadMs?: number;
  jitterMs?: number;
  /** PRNG for the jitter. Default Math.random. */
  random?: () => number;
  /** Model ms to wait before the first request. Default 0. */
  startAtMs?: number;
}

export async function broadcast(options: BroadcastOptions): Promise<OB11Response[]> {
  const { url, clock, action, params, count, spreadMs = 1000, jitterMs = 20, random = Math.random, startAtMs = 0 } = options;
  const jobs: Array<Promise<OB11Response>> = [];
  for (let i = 0; i < count; i++) {
    const body = JSON.stringify(params(i));
    const at = startAtMs + (i / count) * spreadMs + random() * jitterMs;
    jobs.push(
      clock.sleep(at).then(async () => {
        const res = await fetch(`${url}/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        return (await res.json()) as OB11Response;
      }),
    );
  }
  return await Promise.all(jobs);
}
