// The name NapCat's `uploadFile` would give a local file a request sends by path, kept per
// request (send scope) for the store file that stands in for it. NapCat names the upload after
// the file it was handed (`basename`, `.ext` added when it has none: the picture element's
// `fileName`, and the extension of NTQQ's `Ori/<md5>` path); handed the store file instead, it
// would name it `<sha-256>.<ext>`. Only the name: the bytes, md5, size and type are the file's.
import type { SendScope, SendScopes } from './send-scopes';

/** Per send scope, store path → the name of the file it stands in for. A scope gone takes its names. */
export class FileNames {
  readonly #scopes: SendScopes;
  readonly #names = new WeakMap<SendScope, Map<string, string>>();

  constructor(scopes: SendScopes) {
    this.#scopes = scopes;
  }

  /** Notes, for the current send, that `storePath` stands in for a file called `name`. */
  remember(storePath: string, name: string): void {
    const scope = this.#scopes.current();
    if (!scope) return;
    let names = this.#names.get(scope);
    if (!names) this.#names.set(scope, (names = new Map()));
    // Two files of one content in one message: the first one's name (NapCat's would differ only there).
    if (!names.has(storePath)) names.set(storePath, name);
  }

  /** The name of the file `storePath` stands in for in the current send, if it stands in for one. */
  of(storePath: string): string | undefined {
    const scope = this.#scopes.current();
    return scope ? this.#names.get(scope)?.get(storePath) : undefined;
  }
}
