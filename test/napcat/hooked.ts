// A hook's handler as installed: behind MethodPatches's one wrapper over `original`, so a spec
// calls it the way NapCat calls the method (the caller's `this` included).
import { MethodPatches, type MethodHandler } from '../../src/napcat/method-patches';
import type { Method } from '../../src/napcat/shapes';

export function hooked(handler: MethodHandler, original: Method): Method {
  const target = { method: original };
  new MethodPatches().wrap(target, 'method', handler);
  return target.method;
}
