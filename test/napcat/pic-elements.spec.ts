import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { picElementHook } from '../../src/napcat/pic-elements';
import type { Method } from '../../src/napcat/shapes';
import { createHost, makeJpeg, makePng, type Host } from '../host';
import { FakeStore } from './fake-store';
import { fakeDeps } from './fakes';
import { hooked } from './hooked';

type Context = { deleteAfterSentFiles: string[]; peer: { chatType: number; peerUid: string; guildId: string } };
const context = (): Context => ({ deleteAfterSentFiles: [], peer: { chatType: 2, peerUid: '1', guildId: '' } });

describe('napcat/pic-elements createValidSendPicElement memo (on the NapCat model)', function () {
  this.timeout(20_000);
  let host: Host;
  let dir: string;
  let store: FakeStore;

  beforeEach(async () => {
    host = await createHost({ timeScale: 0.05 });
    dir = await mkdtemp(path.join(tmpdir(), 'pic-elements-'));
    store = new FakeStore(dir);
  });
  afterEach(async () => {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  });

  function setup() {
    const deps = fakeDeps({}, { store, core: host.core });
    const fileApi = host.oneBot.apis.FileApi;
    const napcat = fileApi.createValidSendPicElement.bind(fileApi) as Method;
    let napcatCalls = 0;
    const counted: Method = (...args) => {
      napcatCalls++;
      return napcat(...args);
    };
    const wrapped = hooked(picElementHook(deps), counted);
    return { deps, fileApi, napcat, wrapped, calls: () => napcatCalls };
  }

  it('elements equal NapCat’s own for every call (summary, sub type, deletion list), NapCat’s builder runs once per content and arguments', async () => {
    const { deps, fileApi, napcat, wrapped, calls } = setup();
    const images = [makePng({ bytes: 40_000, seed: 1, width: 321, height: 123 }), makeJpeg({ bytes: 8_000, seed: 2, width: 64 })];
    for (const bytes of images) {
      const lease = await store.putBytes(bytes);
      deps.managed.addStoreFile(lease.media);
      for (const [summary, subType] of [['', 0], ['[动画表情]', 1], ['x', 7], ['', 0]] as const) {
        const without = context();
        const withMemo = context();
        const expected = await napcat(without, lease.media.path, summary, subType, true);
        const got = await wrapped.call(fileApi, withMemo, lease.media.path, summary, subType, true);
        expect(got).to.deep.equal(expected);
        expect(withMemo.deleteAfterSentFiles).to.deep.equal(without.deleteAfterSentFiles);
      }
    }
    expect(calls(), 'three distinct (summary, sub type) per image').to.equal(images.length * 3);
  });

  it('whatever a builder makes of a call’s arguments comes from a call with the same ones (a fork that marks flash pictures by sub type)', async () => {
    const { deps, fileApi, napcat } = setup();
    // NapCat's builder plus fields derived from the call, as a fork or a later version may add.
    const fork: Method = async (...args) => {
      const element = (await napcat(...args)) as { picElement: Record<string, unknown> };
      element.picElement.flash = args[3] === 1;
      element.picElement.summaryShown = `[${String(args[2] ?? '')}]`;
      return element;
    };
    const wrapped = hooked(picElementHook(deps), fork);
    const lease = await store.putBytes(makePng({ bytes: 12_000, seed: 5 }));
    deps.managed.addStoreFile(lease.media);
    for (const [summary, subType] of [['', 0], ['闪照', 1], ['', 0], ['x', 0], ['闪照', 1]] as const) {
      const got = (await wrapped.call(fileApi, context(), lease.media.path, summary, subType, true)) as { picElement: Record<string, unknown> };
      const expected = (await fork(context(), lease.media.path, summary, subType, true)) as { picElement: Record<string, unknown> };
      expect(got.picElement, `${summary}/${subType}`).to.deep.equal(expected.picElement);
    }
  });

  it('a returned element changed by its caller does not change later ones', async () => {
    const { deps, fileApi, napcat, wrapped } = setup();
    const lease = await store.putBytes(makePng({ bytes: 10_000, seed: 3 }));
    deps.managed.addStoreFile(lease.media);
    const first = (await wrapped.call(fileApi, context(), lease.media.path)) as { picElement: Record<string, unknown> };
    const second = (await wrapped.call(fileApi, context(), lease.media.path)) as { picElement: Record<string, unknown> };
    second.picElement.picWidth = -1;
    first.picElement.picHeight = -1;
    const third = await wrapped.call(fileApi, context(), lease.media.path);
    expect(third).to.deep.equal(await napcat(context(), lease.media.path));
  });

  it('a remembered element with nested fields and a Map (a fork’s extras) is copied whole for each send', async () => {
    const deps = fakeDeps({}, { store, core: host.core });
    const fileApi = host.oneBot.apis.FileApi;
    const napcat = fileApi.createValidSendPicElement.bind(fileApi) as Method;
    const withExtras: Method = async (...args) => {
      const element = (await napcat(...args)) as { picElement: Record<string, unknown> } & Record<string, unknown>;
      element.picElement.extra = { size: { w: 1, h: 2 }, tags: ['a', 'b'] };
      element.byKey = new Map([['k', { v: 1 }]]);
      return element;
    };
    const wrapped = hooked(picElementHook(deps), withExtras);
    const lease = await store.putBytes(makePng({ bytes: 10_000, seed: 5 }));
    deps.managed.addStoreFile(lease.media);
    type Extras = { picElement: { extra: { size: { w: number }; tags: string[] } }; byKey: Map<string, { v: number }> };
    const first = (await wrapped.call(fileApi, context(), lease.media.path)) as Extras;
    const second = (await wrapped.call(fileApi, context(), lease.media.path)) as Extras;
    second.picElement.extra.size.w = -1;
    second.picElement.extra.tags.push('c');
    second.byKey.get('k')!.v = -1;
    const third = (await wrapped.call(fileApi, context(), lease.media.path)) as Extras;
    expect(third.picElement.extra).to.deep.equal({ size: { w: 1, h: 2 }, tags: ['a', 'b'] });
    expect(third.byKey).to.be.instanceOf(Map);
    expect(third.byKey.get('k')).to.deep.equal({ v: 1 });
    expect(first.picElement.extra.size.w).to.equal(1);
  });

  it('files that are not store files, and an upload that answers another md5, go to NapCat’s builder', async () => {
    const { deps, fileApi, wrapped, calls } = setup();
    const lease = await store.putBytes(makePng({ bytes: 10_000, seed: 4 }));
    await wrapped.call(fileApi, context(), lease.media.path); // not registered as a store file
    await wrapped.call(fileApi, context(), lease.media.path);
    expect(calls()).to.equal(2);
    deps.managed.addStoreFile(lease.media);
    await wrapped.call(fileApi, context(), lease.media.path);
    const coreFileApi = host.core.apis.FileApi as unknown as { uploadFile: Method };
    const real = coreFileApi.uploadFile;
    const own = Object.hasOwn(coreFileApi, 'uploadFile');
    coreFileApi.uploadFile = async (...args: unknown[]) => ({ ...((await real.apply(coreFileApi, args)) as object), md5: '0'.repeat(32) });
    try {
      await wrapped.call(fileApi, context(), lease.media.path);
    } finally {
      if (own) coreFileApi.uploadFile = real;
      else delete (coreFileApi as Partial<typeof coreFileApi>).uploadFile;
    }
    expect(calls()).to.equal(4);
    expect(deps.faults.some((f) => f.startsWith('pic-element'))).to.equal(true);
  });
});
