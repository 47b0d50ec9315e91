// The name NapCat's `uploadFile` would give a local file a request sends by path, kept per
// request (send scope) for the store file that stands in for it. NapCat names the upload after
// the file it was handed (`basename`, `.ext` added when it has none: the picture element's
// `fileName`, and the extension of NTQQ's `Ori/<md5>` path); handed the store file instead, it
// would name it `<sha-256>.<ext>`. Only the name: the bytes, md5, size and type are the file's.
import type { SendScope } from './send-scopes';

/** Per scope, store path → the name of the file it stands in for. A scope gone takes its names. */
const NAMES = new WeakMap<SendScope, Map<string, string>>();

export function rememberName(scope: SendScope | undefined, storePath: string, name: string): void {
  if (!scope) return;
  let names = NAMES.get(scope);
  if (!names) NAMES.set(scope, (names = new Map()));
  // Two files of one content in one message: the first one's name (NapCat's would differ only there).
  if (!names.has(storePath)) names.set(storePath, name);
}

export function nameFor(scope: SendScope | undefined, storePath: string): string | undefined {
  return scope ? NAMES.get(scope)?.get(storePath) : undefined;
}
