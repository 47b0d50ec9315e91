import type { MediaStats } from '../stats';
import type { SendScope, SendScopes } from './send-scopes';

/**
 * The latency the plugin's own work adds to one media segment (`MediaStats.addedLatency`):
 * its store put in the resolver plus its uploadFile (the fast path, including an ensured NTQQ
 * copy), as one sample per segment. NapCat's own work (a download, its builders) and the wait
 * in the upload gate are not in it (docs/hooks.md, "Added latency").
 */
export class AddedLatency {
  readonly #scopes: SendScopes;
  readonly #stats: MediaStats;
  /** Resolver time per store path not yet uploaded, per scope (two equal segments queue two). */
  readonly #pending = new WeakMap<SendScope, Map<string, number[]>>();

  constructor(scopes: SendScopes, stats: MediaStats) {
    this.#scopes = scopes;
    this.#stats = stats;
  }

  /** The resolver spent `ms` making `storePath` for a segment of the current send. */
  resolved(storePath: string, ms: number): void {
    const scope = this.#scopes.current();
    if (!scope) return this.#stats.addedLatency(ms);
    let byPath = this.#pending.get(scope);
    if (!byPath) this.#pending.set(scope, (byPath = new Map()));
    const queue = byPath.get(storePath);
    if (queue) queue.push(ms);
    else byPath.set(storePath, [ms]);
  }

  /** uploadFile spent `ms` of the plugin's own time on `storePath`: the segment's sample is complete. */
  uploaded(storePath: string, ms: number): void {
    const scope = this.#scopes.current();
    const queue = scope ? this.#pending.get(scope)?.get(storePath) : undefined;
    this.#stats.addedLatency((queue?.shift() ?? 0) + ms);
  }
}
