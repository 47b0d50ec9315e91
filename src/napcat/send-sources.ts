import type { SendScope, SendScopes } from './send-scopes';

/**
 * The base64 text each store file came from, per send scope: what a corrupt store entry is
 * rebuilt from (EntryRepair). Only a reference to the request's own string is kept, and only
 * as long as its scope object lives.
 */
export class SendSources {
  readonly #scopes: SendScopes;
  readonly #byScope = new WeakMap<SendScope, Map<string, string>>();

  constructor(scopes: SendScopes) {
    this.#scopes = scopes;
  }

  /** Records that `storePath` was made from `base64` in the current scope (none outside a scope). */
  remember(storePath: string, base64: string): void {
    const scope = this.#scopes.current();
    if (!scope) return;
    let sources = this.#byScope.get(scope);
    if (!sources) this.#byScope.set(scope, (sources = new Map()));
    sources.set(storePath, base64);
  }

  /** The text `storePath` was made from in the current scope, if this request supplied it. */
  lookup(storePath: string): string | undefined {
    const scope = this.#scopes.current();
    return scope ? this.#byScope.get(scope)?.get(storePath) : undefined;
  }
}
