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

  wrapCreateSendElements(original: Method): Method {
    const { scopes } = this.#deps;
    const pending = this.#pending;
    return async function (this: unknown, ...args: unknown[]) {
      if (scopes.current()) return original.apply(this, args);
      const scope = scopes.open();
      let result: unknown;
      try {
        result = await scopes.enter(scope, () => original.apply(this, args));
      } catch (error) {
        scope.close();
        throw error;
      }
      // A result we cannot follow leaves the scope to the backstop, which releases by age.
      for (const key of ['sendElements', 'deleteAfterSentFiles']) {
        const array = field(result, key);
        if (Array.isArray(array)) pending.set(array, scope);
      }
      return result;
    };
  }

  /**
   * Takes the paths the plugin manages out of the deletion list in place (NapCat hands this
   * very array to its path-keyed deletion queue in `finally`), then sends.
   */
  wrapSendMsgWithOb11UniqueId(original: Method): Method {
    const { scopes, managed, failOpen } = this.#deps;
    const pending = this.#pending;
    return async function (this: unknown, ...args: unknown[]) {
      const [, elements, deletions] = args;
      if (Array.isArray(deletions)) {
        try {
          managed.filterInPlace(deletions as string[]);
        } catch (error) {
          failOpen.fault('deletion-list', error, 'sendMsgWithOb11UniqueId');
        }
      }
      const scope =
        (Array.isArray(deletions) && pending.get(deletions)) || (Array.isArray(elements) && pending.get(elements)) || undefined;
      if (!scope) return original.apply(this, args);
      try {
        return await scopes.enter(scope, () => original.apply(this, args));
      } finally {
        scope.close();
      }
    };
  }
}
