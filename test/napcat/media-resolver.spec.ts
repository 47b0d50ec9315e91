import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sinon from 'sinon';
import { MediaResolver } from '../../src/napcat/media-resolver';
import type { SendContext } from '../../src/napcat/shapes';
import { StoreError } from '../../src/store/errors';
import { makePng } from '../host/media/samples';
import { FakeStore } from './fake-store';
import { fakeDeps } from './fakes';

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
      const wrapped = new MediaResolver(deps).wrap(original);
      const ctx = context();
      let source: string | undefined;
      const segment = { type: 'image', data: { file: uri } };
      const result = (await deps.scopes.run(async () => {
        const r = (await wrapped(segment, ctx)) as Resolved;
        source = deps.sources.lookup(r.path);
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
      // The request's own copy of the text is let go: the segment now names the store file.
      expect(segment.data.file).to.equal(result.path);
    });
  }

  it('points the field the URI came from (url > file > path) at the store file, and only that one', async () => {
    const deps = fakeDeps({}, { store });
    const wrapped = new MediaResolver(deps).wrap(napcat().original);
    const segment = { type: 'image', data: { url: `base64://${b64}`, file: 'picture.png', name: 'n.png' } };
    const result = (await deps.scopes.run(async () => (await wrapped(segment, context())) as Resolved));
    expect(segment.data).to.deep.equal({ url: result.path, file: 'picture.png', name: 'n.png' });
    expect(result.fileName).to.equal('n.png');
    // Read again (as NapCat would for a second look), the segment resolves to the same bytes.
    expect((await readFile(segment.data.url)).equals(png)).to.equal(true);
  });

  it('a frozen segment keeps its text and the send goes on', async () => {
    const deps = fakeDeps({}, { store });
    const wrapped = new MediaResolver(deps).wrap(napcat().original);
    const segment = Object.freeze({ type: 'image', data: Object.freeze({ file: `base64://${b64}` }) });
    const result = (await deps.scopes.run(async () => (await wrapped(segment, context())) as Resolved));
    expect((await readFile(result.path)).equals(png)).to.equal(true);
    expect(segment.data.file).to.equal(`base64://${b64}`);
  });

  it('file://, plain paths and data: without ;base64 go to NapCat untouched, with no put', async () => {
    const deps = fakeDeps({}, { store });
    const { calls, original } = napcat();
    const wrapped = new MediaResolver(deps).wrap(original);
    for (const file of ['file:///tmp/a.png', '/tmp/a.png', 'data:image/png,%89PNG']) {
      const ctx = context();
      const segment = { type: 'image', data: { file } };
      await wrapped(segment, ctx);
      expect(calls.at(-1)).to.deep.equal([segment, ctx]);
    }
    expect(calls).to.have.length(3);
    expect(store.calls.putBase64 + store.calls.putBytes + store.calls.putFile).to.equal(0);
  });

  it('bad base64 fails the request with 文件处理失败 and makes no store entry; NapCat is not asked', async () => {
    const deps = fakeDeps({}, { store });
    const { calls, original } = napcat();
    const wrapped = new MediaResolver(deps).wrap(original);
    const err = await (wrapped({ type: 'image', data: { file: 'base64://@@not*base64@@' } }, context()) as Promise<unknown>).catch((e: Error) => e);
    expect(String((err as Error).message)).to.match(/^文件处理失败: base64 无效/);
    expect(calls).to.have.length(0);
    expect(store.entries.size).to.equal(0);
    expect(deps.stats.snapshot().failures.INVALID_BASE64).to.equal(1);
  });

  it('a store fault sends the request down NapCat’s own path, counted as a fault of ours', async () => {
    const deps = fakeDeps({}, { store });
    store.fault = new StoreError('IO', 'ENOSPC', { errno: 'ENOSPC' });
    const { calls, original } = napcat();
    const wrapped = new MediaResolver(deps).wrap(original);
    const ctx = context();
    const result = (await wrapped({ type: 'image', data: { file: `base64://${b64}` } }, ctx)) as Resolved;
    expect(calls).to.have.length(1);
    expect(result.isLocal).to.equal(false);
    expect(ctx.deleteAfterSentFiles, 'NapCat deletes its own temp file as always').to.deep.equal([result.path]);
    expect(deps.faults).to.deep.equal(['base64:IO']);
    expect(store.entries.size).to.equal(0);
  });

  it('over maxPayloadBytes (TOO_LARGE) is NapCat’s to send', async () => {
    const deps = fakeDeps({}, { store });
    store.fault = new StoreError('TOO_LARGE', 'too large');
    const { calls, original } = napcat();
    await new MediaResolver(deps).wrap(original)({ type: 'image', data: { file: `base64://${b64}` } }, context());
    expect(calls).to.have.length(1);
    expect(deps.stats.snapshot().fallbacks.TOO_LARGE).to.equal(1);
  });
});
