import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import sinon from 'sinon';
import { emptyBase64 } from '../../src/errors/catalog';
import { MediaResolver } from '../../src/napcat/media-resolver';
import type { Method, SendContext } from '../../src/napcat/shapes';
import { StoreError, tooLargeError } from '../../src/store/errors';
import { MediaStore } from '../../src/store/media-store';
import { makePng } from '../host/media/samples';
import { FakeStore } from './fake-store';
import { fakeDeps } from './fakes';
import { hooked } from './hooked';

/** The MediaResolver hook as installed over `original`. */
const over = (hook: MediaResolver, original: Method): Method => hooked((o, s, a) => hook.resolve(o, s, a), original);

type Resolved = { path: string; fileName: string; isLocal?: boolean };

describe('MediaResolver (handleOb11FileLikeMessage)', () => {
  let dir: string;
  let store: FakeStore;
  const png = makePng({ bytes: 20_000, seed: 1 });
  const b64 = png.toString('base64');
  const context = (): SendContext => ({ deleteAfterSentFiles: [], peer: { chatType: 2, peerUid: '1' } });

  /** NapCat's own resolver: writes a temp file and queues it, as NapCat does for non-local input. */
  function napcat() {
    const calls: unknown[][] = [];
    const original = async (...args: unknown[]) => {
      calls.push(args);
      const ctx = args[1] as SendContext;
      const temp = path.join(dir, `napcat-temp-${calls.length}`);
      await writeFile(temp, png);
      ctx.deleteAfterSentFiles.push(temp);
      return { path: temp, fileName: 'x', isLocal: false };
    };
    return { calls, original };
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mc-resolver-'));
    store = new FakeStore(dir);
  });
  afterEach(async () => {
    sinon.restore();
    await rm(dir, { recursive: true, force: true });
  });

  for (const [label, uri] of [
    ['base64://', `base64://${b64}`],
    ['data:…;base64,', `data:image/png;base64,${b64}`],
  ]) {
    it(`${label}: one put, the store file handed back as local, leased for the request and its source kept by reference`, async () => {
      const deps = fakeDeps({}, { store });
      const { calls, original } = napcat();
      const wrapped = over(new MediaResolver(deps), original);
      const ctx = context();
      let source: string | undefined;
      let during: unknown;
      const segment = { type: 'image', data: { file: uri } };
      const result = (await deps.scopes.run(async () => {
        const r = (await wrapped(segment, ctx)) as Resolved;
        source = deps.sources.lookup(r.path);
        during = segment.data.file;
        expect(store.leases, 'held while the request runs').to.equal(1);
        return r;
      })) as Resolved;
      expect(calls, "NapCat's resolver").to.have.length(0);
      expect(store.calls.putBase64).to.equal(1);
      expect(result.isLocal, 'NapCat queues nothing for deletion').to.equal(true);
      expect((await readFile(result.path)).equals(png)).to.equal(true);
      expect(ctx.deleteAfterSentFiles).to.deep.equal([]);
      expect(deps.managed.has(result.path), 'kept out of NapCat’s deletion list').to.equal(true);
      expect(source).to.equal(b64);
      expect(store.leases, 'released when the request settled').to.equal(0);
      // The request's own copy of the text is let go while the send runs (the segment names
      // the store file), and the caller's object holds its URI again once the send is over.
      expect(during).to.equal(result.path);
      expect(segment.data.file).to.equal(uri);
    });
  }

  it('while the send runs, points the field NapCat reads (the first set, non-blank of url > file > path) at the store file, and only that one', async () => {
    const deps = fakeDeps({}, { store });
    const wrapped = over(new MediaResolver(deps), napcat().original);
    for (const [data, field] of [
      [{ url: `base64://${b64}`, file: 'picture.png', name: 'n.png' }, 'url'],
      [{ url: '  ', file: `base64://${b64}`, name: 'n.png' }, 'file'],
    ] as const) {
      const segment = { type: 'image', data: { ...data } as Record<string, string> };
      await deps.scopes.run(async () => {
        const result = (await wrapped(segment, context())) as Resolved;
        expect(segment.data).to.deep.equal({ ...data, [field]: result.path });
        expect(result.fileName).to.equal('n.png');
        // Read again (as NapCat would for a second look), the segment resolves to the same bytes.
        expect((await readFile(segment.data[field])).equals(png)).to.equal(true);
      });
      expect(segment.data).to.deep.equal(data);
    }
  });

  it('a segment object sent again after its store entry is gone sends the same picture (its URI was put back)', async () => {
    const deps = fakeDeps({}, { store });
    const { calls, original } = napcat();
    const wrapped = over(new MediaResolver(deps), original);
    const segment = { type: 'image', data: { file: `base64://${b64}` } };
    const first = (await deps.scopes.run(async () => wrapped(segment, context()))) as Resolved;
    // Evicted and deleted, as the store does once no lease holds it.
    store.entries.clear();
    await rm(first.path);
    const again = (await deps.scopes.run(async () => {
      const r = (await wrapped(segment, context())) as Resolved;
      expect((await readFile(r.path)).equals(png)).to.equal(true);
      return r;
    })) as Resolved;
    expect(again.path).to.equal(first.path);
    expect(calls, "NapCat's resolver").to.have.length(0);
    expect(segment.data.file).to.equal(`base64://${b64}`);
  });

  it('one segment object in two sends at once: the second leases the store file the first let it point at; both end with the URI back', async () => {
    const deps = fakeDeps({}, { store });
    const { calls, original } = napcat();
    const wrapped = over(new MediaResolver(deps), original);
    const segment = { type: 'image', data: { file: `base64://${b64}` } };
    let release!: () => void;
    const firstHolds = new Promise<void>((resolve) => (release = resolve));
    let firstResolved!: () => void;
    const resolvedByFirst = new Promise<void>((resolve) => (firstResolved = resolve));
    let seenBySecond: unknown;
    const first = deps.scopes.run(async () => {
      const r = (await wrapped(segment, context())) as Resolved;
      firstResolved();
      await firstHolds;
      return r;
    });
    const second = deps.scopes.run(async () => {
      await resolvedByFirst; // the first send has let go of the text and is still running
      seenBySecond = segment.data.file;
      const r = (await wrapped(segment, context())) as Resolved;
      expect(store.leases, 'both sends hold the store file').to.equal(2);
      return r;
    });
    const secondResult = (await second) as Resolved;
    release();
    const firstResult = (await first) as Resolved;
    expect(seenBySecond).to.equal(firstResult.path);
    expect(secondResult.path).to.equal(firstResult.path);
    expect(calls, "NapCat's resolver").to.have.length(0);
    expect(store.calls.putBase64).to.equal(1);
    expect(store.leases).to.equal(0);
    expect(segment.data.file).to.equal(`base64://${b64}`);
  });

  it('requests of one text keep one copy of it while their sends run, not one each (the put-back URI is built on the kept text)', async () => {
    // Each request parses its own copy of the text (NapCat's JSON parse); with the plugin the
    // sends of one image wait together for its first upload, so a copy kept per request is what
    // peak RSS with 50 × 5 MB measures (docs/bench.md). Measured on the heap after a full GC.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const deps = fakeDeps({}, { store });
    const wrapped = over(new MediaResolver(deps), napcat().original);
    const big = makePng({ bytes: 3_000_000, seed: 9 });
    const textBytes = Math.ceil(big.length / 3) * 4;
    const requests = 8;
    let release!: () => void;
    const sendsRun = new Promise<void>((resolve) => (release = resolve));
    let resolved = 0;
    let allResolved!: () => void;
    const allHaveResolved = new Promise<void>((resolve) => (allResolved = resolve));
    gc();
    const before = process.memoryUsage().heapUsed;
    const sends = Array.from({ length: requests }, () =>
      deps.scopes.run(async () => {
        const segment = { type: 'image', data: { file: `base64://${big.toString('base64')}` } }; // a copy of its own
        await wrapped(segment, context());
        if (++resolved === requests) allResolved();
        await sendsRun;
        return segment;
      }),
    );
    await allHaveResolved;
    gc();
    const held = process.memoryUsage().heapUsed - before;
    release();
    const segments = await Promise.all(sends);
    expect(held / textBytes, `heap held by ${requests} running sends, in copies of the text`).to.be.below(2.5);
    for (const segment of segments) expect(segment.data.file === `base64://${big.toString('base64')}`, 'each URI put back').to.equal(true);
  });

  it('a frozen segment keeps its text and the send goes on', async () => {
    const deps = fakeDeps({}, { store });
    const wrapped = over(new MediaResolver(deps), napcat().original);
    const segment = Object.freeze({ type: 'image', data: Object.freeze({ file: `base64://${b64}` }) });
    const result = (await deps.scopes.run(async () => (await wrapped(segment, context())) as Resolved));
    expect((await readFile(result.path)).equals(png)).to.equal(true);
    expect(segment.data.file).to.equal(`base64://${b64}`);
  });

  it('file://, plain paths and data: without ;base64 go to NapCat untouched, with no put', async () => {
    const deps = fakeDeps({}, { store });
    const { calls, original } = napcat();
    const wrapped = over(new MediaResolver(deps), original);
    for (const file of ['file:///tmp/a.png', '/tmp/a.png', 'data:image/png,%89PNG']) {
      const ctx = context();
      const segment = { type: 'image', data: { file } };
      await wrapped(segment, ctx);
      expect(calls.at(-1)).to.deep.equal([segment, ctx]);
    }
    expect(calls).to.have.length(3);
    expect(store.calls.putBase64 + store.calls.putBytes + store.calls.putFile).to.equal(0);
  });

  it('base64 text decodes to the bytes NapCat’s Buffer.from gives, odd characters and all (a leading "@", "=" inside, a second comma in data:)', async () => {
    const deps = fakeDeps({}, { store });
    const { calls, original } = napcat();
    const wrapped = over(new MediaResolver(deps), original);
    const cases: Array<[string, string]> = [
      [`base64://@${b64}`, `@${b64}`],
      [`base64://${b64.slice(0, 400)}=${b64.slice(400)}`, `${b64.slice(0, 400)}=${b64.slice(400)}`],
      [`data:image/png;base64,${b64},${b64.slice(0, 40)}`, b64], // NapCat: uri.split(',')[1]
      [`data:image/png;base64,${b64}\n`, `${b64}\n`],
    ];
    for (const [file, napcatText] of cases) {
      const result = (await deps.scopes.run(async () => wrapped({ type: 'image', data: { file } }, context()))) as Resolved;
      expect((await readFile(result.path)).equals(Buffer.from(napcatText, 'base64')), file.slice(0, 40)).to.equal(true);
    }
    expect(calls, "NapCat's resolver").to.have.length(0);
  });

  it('repeated text is answered by the store’s synchronous fast path: the same store file, no put, the source kept', async () => {
    const real = await MediaStore.open({ dir: path.join(dir, 'store') });
    try {
      const withStore = fakeDeps({}, { store: real });
      const hit = sinon.spy(real, 'hitBase64');
      const put = sinon.spy(real, 'putBase64');
      const { calls, original } = napcat();
      const wrapped = over(new MediaResolver(withStore), original);
      const send = () =>
        withStore.scopes.run(async () => {
          const r = (await wrapped({ type: 'image', data: { file: `base64://${png.toString('base64')}` } }, context())) as Resolved;
          return { r, source: withStore.sources.lookup(r.path) };
        });
      const first = await send();
      expect(put.callCount, 'a miss is put').to.equal(1);
      const hitsBefore = hit.callCount;
      const second = await send();
      expect(hit.callCount - hitsBefore).to.equal(1);
      expect(put.callCount, 'the hit needs no put').to.equal(1);
      expect(second.r.path).to.equal(first.r.path);
      expect(second.source).to.equal(b64);
      expect(real.stats()).to.include({ fastPathHits: 1, writes: 1, leases: 0 });
      expect(calls, "NapCat's resolver").to.have.length(0);
    } finally {
      await real.close();
    }
  });

  it('text that decodes to nothing fails the request in the catalog’s words (EMPTY_BASE64, NapCat’s 文件异常，大小为0 last); no store entry, NapCat not asked', async () => {
    const real = await MediaStore.open({ dir: path.join(dir, 'store') });
    try {
      const withStore = fakeDeps({}, { store: real });
      const { calls, original } = napcat();
      const wrapped = over(new MediaResolver(withStore), original);
      for (const [file, characters] of [['base64://@@@', 3], ['base64://Q', 1], ['data:image/png;base64,====', 4]] as const) {
        const err = await (wrapped({ type: 'image', data: { file } }, context()) as Promise<unknown>).catch((e: Error) => e);
        expect(String((err as Error).message), file).to.equal(emptyBase64({ characters }));
      }
      expect(calls).to.have.length(0);
      expect(real.stats().entries).to.equal(0);
      expect(withStore.stats.snapshot().failures.EMPTY).to.equal(3);
      expect(withStore.stats.snapshot().failuresByCategory.EMPTY_BASE64).to.equal(3);
    } finally {
      await real.close();
    }
  });

  it('a store fault sends the request down NapCat’s own path, counted as a fault of ours', async () => {
    const deps = fakeDeps({}, { store });
    store.fault = new StoreError('IO', 'ENOSPC', { errno: 'ENOSPC' });
    const { calls, original } = napcat();
    const wrapped = over(new MediaResolver(deps), original);
    const ctx = context();
    const result = (await wrapped({ type: 'image', data: { file: `base64://${b64}` } }, ctx)) as Resolved;
    expect(calls).to.have.length(1);
    expect(result.isLocal).to.equal(false);
    expect(ctx.deleteAfterSentFiles, 'NapCat deletes its own temp file as always').to.deep.equal([result.path]);
    expect(deps.faults).to.deep.equal(['base64:IO']);
    expect(store.entries.size).to.equal(0);
  });

  it('over maxPayloadBytes (TOO_LARGE) is NapCat’s to send, counted as that fallback, not as a fault of ours', async () => {
    const deps = fakeDeps({}, { store });
    store.fault = tooLargeError(20_000, 4096);
    const { calls, original } = napcat();
    await over(new MediaResolver(deps), original)({ type: 'image', data: { file: `base64://${b64}` } }, context());
    expect(calls).to.have.length(1);
    expect(deps.stats.snapshot().fallbacks.TOO_LARGE).to.equal(1);
    expect(deps.faults).to.deep.equal([]);
  });
});
