import type { SendScope, SendScopes } from './send-scopes';

/** One content's source text, shared by every request that sent it. */
interface Source {
  readonly text: string;
}

/**
 * The base64 text each store file came from, for the requests that sent it: what a corrupt
 * store entry is rebuilt from (EntryRepair). Every text that resolved to one store file
 * decodes to the same bytes, so one text per file is kept, shared by the requests that sent
 * that file, and only as long as one of their scope objects lives. Fifty requests of one
 * 5 MB image hold one 7 MB text here, not fifty (the resolver lets go of each request's own).
 */
export class SendSources {
  readonly #scopes: SendScopes;
  readonly #byScope = new WeakMap<SendScope, Map<string, Source>>();
  /** The shared text per store path while some scope holds it; the entry goes with the text. */
  readonly #shared = new Map<string, WeakRef<Source>>();
  readonly #forget = new FinalizationRegistry<{ storePath: string; ref: WeakRef<Source> }>(({ storePath, ref }) => {
    if (this.#shared.get(storePath) === ref) this.#shared.delete(storePath);
  });

  constructor(scopes: SendScopes) {
    this.#scopes = scopes;
  }

  /**
   * Records that `storePath` was made from `base64` in the current scope (none outside a scope).
   * Returns the text another request keeps when it is this same text (a memory compare, as the
   * store's fast path makes), so the caller can drop its own copy and use that one; undefined
   * when the kept text is this request's own, or another text of the same bytes. Only here is it
   * known which request's string is kept: JavaScript's `===` on strings compares content, so the
   * caller cannot tell its own string and an equal copy apart.
   */
  remember(storePath: string, base64: string): string | undefined {
    const scope = this.#scopes.current();
    if (!scope) return undefined;
    let source = this.#shared.get(storePath)?.deref();
    if (!source) {
      source = { text: base64 };
      const ref = new WeakRef(source);
      this.#shared.set(storePath, ref);
      this.#forget.register(source, { storePath, ref });
      this.#hold(scope, storePath, source);
      return undefined;
    }
    this.#hold(scope, storePath, source);
    return source.text === base64 ? source.text : undefined;
  }

  /** Lets the current scope use the text another request keeps for `storePath`, if one does. */
  share(storePath: string): void {
    const scope = this.#scopes.current();
    const source = this.#shared.get(storePath)?.deref();
    if (scope && source) this.#hold(scope, storePath, source);
  }

  #hold(scope: SendScope, storePath: string, source: Source): void {
    let sources = this.#byScope.get(scope);
    if (!sources) this.#byScope.set(scope, (sources = new Map()));
    sources.set(storePath, source);
  }

  /** A text `storePath` was made from, if the current request sent it. */
  lookup(storePath: string): string | undefined {
    const scope = this.#scopes.current();
    return scope ? this.#byScope.get(scope)?.get(storePath)?.text : undefined;
  }
}
