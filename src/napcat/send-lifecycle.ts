import type { HookDeps } from './hook-deps';
import type { SendScope } from './send-scopes';
import { field, type Method } from './shapes';

/**
 * Where a request's leases end when no action scope is open (quick reply, other plugins):
 * `createSendElements` opens a scope that lives on after it returns, and the
 * `sendMsgWithOb11UniqueId` that receives its elements or deletion list closes it.
 */
export class SendLifecycle {
  readonly #deps: HookDeps;
  /** The detached scope of a createSendElements result, keyed by its arrays. */
  readonly #pending = new WeakMap<object, SendScope>();

  constructor(deps: HookDeps) {
    this.#deps = deps;
  }

  /** The hook of `createSendElements(messages, peer, …)`. */
  async createSendElements(original: Method, self: unknown, args: unknown[]): Promise<unknown> {
    const { scopes } = this.#deps;
    if (scopes.current()) return original.apply(self, args);
    const scope = scopes.open();
    let result: unknown;
    try {
      result = await scopes.enter(scope, () => original.apply(self, args));
    } catch (error) {
      scope.close();
      throw error;
    }
    // A result we cannot follow leaves the scope to the backstop, which releases by age.
    for (const key of ['sendElements', 'deleteAfterSentFiles']) {
      const array = field(result, key);
      if (Array.isArray(array)) this.#pending.set(array, scope);
    }
    return result;
  }

  /**
   * The hook of `sendMsgWithOb11UniqueId(peer, elements, deleteAfterSentFiles, timeout)`: takes
   * the paths the plugin manages out of the deletion list in place (NapCat hands this very
   * array to its path-keyed deletion queue in `finally`), then sends.
   */
  async sendMsgWithOb11UniqueId(original: Method, self: unknown, args: unknown[]): Promise<unknown> {
    const { scopes, managed, failOpen } = this.#deps;
    const [, elements, deletions] = args;
    if (Array.isArray(deletions)) {
      try {
        managed.filterInPlace(deletions as string[]);
      } catch (error) {
        failOpen.fault('deletion-list', error, 'sendMsgWithOb11UniqueId');
      }
    }
    const scope =
      (Array.isArray(deletions) && this.#pending.get(deletions)) || (Array.isArray(elements) && this.#pending.get(elements)) || undefined;
    if (!scope) return original.apply(self, args);
    try {
      return await scopes.enter(scope, () => original.apply(self, args));
    } finally {
      scope.close();
    }
  }
}
