import type { Method } from './shapes';

/** Carried by every wrapper we install; its value is the function the wrapper calls through to. */
export const WRAPPED = Symbol.for('napcat-plugin-media-cache/wrapped');

type Marked = Method & { [WRAPPED]?: Method };

/**
 * What runs in place of a wrapped method: `original` is the method that was there, `self` the
 * caller's `this`, `args` its arguments. Call through with `original.apply(self, args)`.
 */
export type MethodHandler = (original: Method, self: unknown, args: unknown[]) => unknown;

interface Patch {
  target: object;
  name: string;
  /** The own property that was there before, or undefined when the method came from the prototype. */
  before: PropertyDescriptor | undefined;
  wrapper: Marked;
  live: { on: boolean };
}

/** The function a (possibly stale) wrapper of ours stands for. */
export function unwrapped(fn: Method): Method {
  let at = fn as Marked;
  while (at[WRAPPED]) at = at[WRAPPED] as Marked;
  return at;
}

export function isWrapped(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as Marked)[WRAPPED] !== undefined;
}

/**
 * Instance-method wrappers with exact restore. A wrapper is an own property shadowing the
 * prototype method (NapCat calls through `this.x` at call time, so it takes effect at once);
 * restore puts back the own property that was there, or deletes ours when there was none.
 */
export class MethodPatches {
  readonly #patches: Patch[] = [];

  /**
   * Puts `handler` in place of `target[name]`: the one wrapper every hook goes through, which
   * hands it the original method and the caller's `this` and arguments. Returns false (and
   * changes nothing) when the method is missing. Wrapping the same target/name twice is a
   * no-op: `send_msg_async` shares the `send_msg` instance.
   */
  wrap(target: object, name: string, handler: MethodHandler): boolean {
    const current = (target as Record<string, unknown>)[name];
    if (typeof current !== 'function') return false;
    if (this.#patches.some((p) => p.target === target && p.name === name)) return true;
    // A wrapper left by an instance that never cleaned up is skipped, never stacked.
    const original = unwrapped(current as Method);
    const live = { on: true };
    // Calls in flight across a reload are counted by ReloadHandoff, which guards every handler.
    const wrapper: Marked = function (this: unknown, ...args: unknown[]) {
      if (!live.on) return original.apply(this, args);
      return handler(original, this, args);
    };
    wrapper[WRAPPED] = original;
    const before = Object.getOwnPropertyDescriptor(target, name);
    Object.defineProperty(target, name, {
      value: wrapper,
      writable: true,
      configurable: true,
      enumerable: before?.enumerable ?? false,
    });
    this.#patches.push({ target, name, before, wrapper, live });
    return true;
  }

  get size(): number {
    return this.#patches.length;
  }

  /**
   * Restores every patch, newest first. When someone wrapped over ours meanwhile we cannot
   * take ours out without dropping theirs, so ours turns into a plain pass-through; the
   * names of those are returned for the log.
   */
  restoreAll(): string[] {
    const stuck: string[] = [];
    for (const patch of this.#patches.reverse()) {
      patch.live.on = false;
      const own = Object.getOwnPropertyDescriptor(patch.target, patch.name);
      if (own?.value !== patch.wrapper) {
        stuck.push(patch.name);
        continue;
      }
      if (patch.before) Object.defineProperty(patch.target, patch.name, patch.before);
      else delete (patch.target as Record<string, unknown>)[patch.name];
    }
    this.#patches.length = 0;
    return stuck;
  }
}
