import { expect } from 'chai';
import { MethodPatches, isWrapped, unwrapped, type MethodHandler } from '../../src/napcat/method-patches';

class Api {
  calls = 0;
  greet(name: string): string {
    this.calls++;
    return `hi ${name}`;
  }
}

describe('MethodPatches', () => {
  it('shadows the prototype method on the instance and restores by deleting the own property', () => {
    const api = new Api();
    const patches = new MethodPatches();
    expect(patches.wrap(api, 'greet', (orig, self, args) => `${orig.apply(self, args)}!`)).to.equal(true);
    expect(Object.hasOwn(api, 'greet')).to.equal(true);
    expect(api.greet('a')).to.equal('hi a!');
    expect(api.calls).to.equal(1);
    patches.restoreAll();
    expect(Object.hasOwn(api, 'greet')).to.equal(false);
    expect(api.greet).to.equal(Api.prototype.greet);
  });

  it('hands the handler the original, the caller\'s `this` and every argument', () => {
    const api = new Api();
    const seen: unknown[][] = [];
    const selves: unknown[] = [];
    const patches = new MethodPatches();
    patches.wrap(api, 'greet', (orig, self, args) => {
      seen.push(args);
      selves.push(self);
      return orig.apply(self, args);
    });
    (api.greet as (...a: unknown[]) => string)('x', 2, { three: 3 });
    expect(seen).to.deep.equal([['x', 2, { three: 3 }]]);
    expect(selves).to.deep.equal([api]);
    expect(api.calls).to.equal(1);
    patches.restoreAll();
  });

  it('restores an own property (an instance-field arrow function) to the exact same function', () => {
    const own = (x: number) => x + 1;
    const target: { inc: (x: number) => number } = { inc: own };
    const patches = new MethodPatches();
    patches.wrap(target, 'inc', (orig, _self, [x]) => (orig(x) as number) * 10);
    expect(target.inc(1)).to.equal(20);
    patches.restoreAll();
    expect(target.inc).to.equal(own);
    expect(Object.getOwnPropertyDescriptor(target, 'inc')?.enumerable).to.equal(true);
  });

  it('never stacks: a second wrap of the same method is a no-op, a stale wrapper is skipped', () => {
    const api = new Api();
    const first = new MethodPatches();
    let hits = 0;
    const counted: MethodHandler = (orig, self, args) => {
      hits++;
      return orig.apply(self, args);
    };
    first.wrap(api, 'greet', counted);
    first.wrap(api, 'greet', counted);
    expect(first.size).to.equal(1);
    // A second installer (a module instance that never cleaned up the first) wraps the original, not ours.
    const second = new MethodPatches();
    second.wrap(api, 'greet', counted);
    api.greet('b');
    expect(hits).to.equal(1);
    expect(unwrapped(api.greet as never)).to.equal(Api.prototype.greet);
    second.restoreAll();
    first.restoreAll();
    expect(isWrapped(api.greet)).to.equal(false);
    expect(Object.hasOwn(api, 'greet')).to.equal(false);
  });

  it('reports a missing method and changes nothing', () => {
    const target = { other: 1 };
    const patches = new MethodPatches();
    expect(patches.wrap(target, 'nope', (o, s, a) => o.apply(s, a))).to.equal(false);
    expect(Object.keys(target)).to.deep.equal(['other']);
  });

  it('turns into a pass-through when someone wrapped over ours, keeping their wrapper', () => {
    const api = new Api();
    const patches = new MethodPatches();
    let ours = 0;
    patches.wrap(api, 'greet', (orig, self, args) => {
      ours++;
      return orig.apply(self, args);
    });
    const below = api.greet;
    let theirs = 0;
    api.greet = function (this: Api, name: string) {
      theirs++;
      return below.call(this, name);
    };
    expect(patches.restoreAll()).to.deep.equal(['greet']);
    expect(api.greet('c')).to.equal('hi c');
    expect([ours, theirs, api.calls]).to.deep.equal([0, 1, 1]);
  });
});
