// The bot side of a broadcast (群发): one message to N peers, arrivals either
// spread the way a bot's send loop fires them or all at once, each failure
// retried by the client up to `maxRetries` times, as users' bots do (#535).
export type SendOutcome = { ok: true } | { ok: false; message: string };
export type SendOne = (peer: number, index: number) => Promise<SendOutcome>;

export interface BroadcastPlan {
  peers: readonly number[];
  // ms between two arrivals; 0 = all at once
  spreadMs: number;
  // most requests in flight at once (the client's own cap)
  concurrency: number;
  maxRetries: number;
  retryDelayMs: number;
  onSettled?: (peer: number, delivered: boolean) => void;
}

export interface BroadcastResult {
  delivered: number;
  failed: number; // still failed after every retry
  firstTryFailures: number;
  attempts: number;
  wallMs: number; // first arrival to last settled message
  latenciesMs: number[]; // per delivered message: first attempt to success
  errors: Map<string, number>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// A counting gate: at most `limit` sends in flight.
function limiter(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await work();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

// The first line of a failure message is enough to group errors without the
// host's JSON dump.
function errorKey(message: string): string {
  const rich = /rich media transfer failed/i.test(message) ? 'rich media transfer failed' : '';
  return rich || message.split('\n')[0].slice(0, 80);
}

export async function broadcast(plan: BroadcastPlan, send: SendOne): Promise<BroadcastResult> {
  const gate = limiter(Math.max(1, plan.concurrency));
  const result: BroadcastResult = {
    delivered: 0,
    failed: 0,
    firstTryFailures: 0,
    attempts: 0,
    wallMs: 0,
    latenciesMs: [],
    errors: new Map(),
  };
  const started = performance.now();

  const deliver = async (peer: number, index: number): Promise<void> => {
    const first = performance.now();
    for (let attempt = 0; attempt <= plan.maxRetries; attempt++) {
      if (attempt > 0) await sleep(plan.retryDelayMs);
      result.attempts++;
      const outcome = await gate(() => send(peer, index)).catch(
        (err: unknown): SendOutcome => ({ ok: false, message: err instanceof Error ? err.message : String(err) }),
      );
      if (outcome.ok) {
        result.delivered++;
        result.latenciesMs.push(performance.now() - first);
        plan.onSettled?.(peer, true);
        return;
      }
      if (attempt === 0) result.firstTryFailures++;
      const key = errorKey(outcome.message);
      result.errors.set(key, (result.errors.get(key) ?? 0) + 1);
    }
    result.failed++;
    plan.onSettled?.(peer, false);
  };

  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < plan.peers.length; i++) {
    if (i > 0 && plan.spreadMs > 0) await sleep(plan.spreadMs);
    inFlight.push(deliver(plan.peers[i], i));
  }
  await Promise.all(inFlight);
  result.wallMs = performance.now() - started;
  return result;
}
