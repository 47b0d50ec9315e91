import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CONFIG } from '../../src/config';
import { MediaResolver } from '../../src/napcat/media-resolver';
import type { Method, SendContext } from '../../src/napcat/shapes';
import { StoreError } from '../../src/store/errors';
import { startOrigin, startProxy, type Origin } from '../http/origin';
import { pngLike } from '../store/helpers';
import { FakeStore } from './fake-store';
import { fakeDeps } from './fakes';
import { hooked } from './hooked';

/** The MediaResolver hook as installed over `original`. */
const over = (hook: MediaResolver, original: Method): Method => hooked((o, s, a) => hook.resolve(o, s, a), original);

type Resolved = { path: string; fileName: string; isLocal?: boolean };

describe('UrlDownloads (http(s) segments through the HTTP cache)', () => {
  let dir: string;
  let store: FakeStore;
  let origin: Origin;
  const context = (): SendContext => ({ deleteAfterSentFiles: [], peer: { chatType: 2, peerUid: '1' } });

  /** NapCat's own resolver, which must not be reached unless the plugin hands the request back. */
  function napcat() {
    const calls: unknown[][] = [];
    const original = async (...args: unknown[]) => {
      calls.push(args);
      const temp = path.join(dir, `napcat-temp-${calls.length}`);
      await writeFile(temp, pngLike(64));
      (args[1] as SendContext).deleteAfterSentFiles.push(temp);
      return { path: temp, fileName: 'x', isLocal: false };
    };
    return { calls, original };
  }
  const send = (wrapped: (...args: unknown[]) => unknown, url: string, ctx = context()) =>
    wrapped({ type: 'image', data: { file: url } }, ctx) as Promise<Resolved>;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mc-url-'));
    store = new FakeStore(dir);
    origin = await startOrigin();
  });
  afterEach(async () => {
    await origin.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('20 concurrent sends of a cacheable URL: one request, no NapCat download, one store file leased by each send', async () => {
    origin.route('/a.png', (_req, res) => setTimeout(() => res.writeHead(200, { 'cache-control': 'max-age=60' }).end(pngLike(20_000)), 20));
    const deps = fakeDeps({}, { store });
    const { calls, original } = napcat();
    const wrapped = over(new MediaResolver(deps), original);
    const contexts = Array.from({ length: 20 }, context);
    const results = await Promise.all(contexts.map((ctx) => deps.scopes.run(() => send(wrapped, `${origin.base}/a.png`, ctx))));
    expect(origin.count('/a.png')).to.equal(1);
    expect(calls, "NapCat's downloads").to.have.length(0);
    expect(store.calls.writes).to.equal(1);
    expect(new Set(results.map((r) => r.path)).size).to.equal(1);
    expect(results.every((r) => r.isLocal)).to.equal(true);
    expect(contexts.flatMap((c) => c.deleteAfterSentFiles)).to.deep.equal([]);
    expect(store.leases, 'every lease went with its send').to.equal(0);
    const url = deps.stats.snapshot().url;
    expect([url.downloads, url.shared, url.bytesNotDownloaded]).to.deep.equal([1, 19, 19 * 20_000]);
  });

  it('a random-image endpoint: 5 sends, 5 downloads, 5 different pictures', async () => {
    origin.route('/random', (_req, res) => res.writeHead(200).end(pngLike(500)));
    const deps = fakeDeps({}, { store });
    const wrapped = over(new MediaResolver(deps), napcat().original);
    const results = await Promise.all(Array.from({ length: 5 }, () => send(wrapped, `${origin.base}/random`)));
    expect(origin.count('/random')).to.equal(5);
    expect(new Set(results.map((r) => r.path)).size).to.equal(5);
  });

  it('an HTTP error fails the send with the catalog’s text, NapCat’s own wording last, counted as URL_FAILED', async () => {
    const deps = fakeDeps({}, { store });
    const { calls, original } = napcat();
    const error = await send(over(new MediaResolver(deps), original), `${origin.base}/missing.png`).catch((e: Error) => e);
    expect(error).to.be.instanceOf(Error);
    const message = (error as Error).message;
    expect(message).to.match(/^下载 URL 失败：HTTP 404 Not Found/);
    expect(message).to.include('URL download failed: HTTP 404 Not Found');
    expect(message.endsWith('— 下载文件失败: Not Found')).to.equal(true);
    expect(calls, 'not downloaded a second time through NapCat').to.have.length(0);
    expect(deps.stats.snapshot().failuresByCategory.URL_FAILED).to.equal(1);
  });

  it('a server that does not answer in urlCache.timeoutSeconds fails the send, saying so', async () => {
    origin.route('/silent.png', () => undefined);
    const deps = fakeDeps({ urlCache: { ...DEFAULT_CONFIG.urlCache, timeoutSeconds: 1 } }, { store });
    const error = (await send(over(new MediaResolver(deps), napcat().original), `${origin.base}/silent.png`).catch((e: Error) => e)) as Error;
    expect(error.message).to.include('1 秒内未下载完').and.include('timed out after 1 s');
  });

  it('a body over maxPayloadBytes goes down NapCat’s own download, as before, counted as the TOO_LARGE fallback and not as a fault of ours', async () => {
    origin.route('/big.png', (_req, res) => res.writeHead(200).end(pngLike(5000)));
    const deps = fakeDeps({ maxPayloadBytes: 4096 }, { store });
    const { calls, original } = napcat();
    const ctx = context();
    const result = await send(over(new MediaResolver(deps), original), `${origin.base}/big.png`, ctx);
    expect(calls).to.have.length(1);
    expect(ctx.deleteAfterSentFiles, 'NapCat deletes its temp file as always').to.deep.equal([result.path]);
    expect(deps.stats.snapshot().fallbacks.TOO_LARGE).to.equal(1);
    expect(deps.faults).to.deep.equal([]);
  });

  it('a store fault falls back to NapCat’s own download, logged as the plugin’s fault', async () => {
    origin.route('/a.png', (_req, res) => res.writeHead(200).end(pngLike(100)));
    store.fault = new StoreError('IO', 'EACCES', { errno: 'EACCES' });
    const deps = fakeDeps({}, { store });
    const { calls, original } = napcat();
    await send(over(new MediaResolver(deps), original), `${origin.base}/a.png`);
    expect(calls).to.have.length(1);
    expect(deps.faults).to.deep.equal(['url:IO']);
  });

  it('NapCat’s imageDownloadProxy is used for the plugin’s own requests', async () => {
    origin.route('/p.png', (_req, res) => res.writeHead(200).end(pngLike(100)));
    const proxy = await startProxy();
    try {
      const deps = { ...fakeDeps({}, { store }), oneBot: { configLoader: { configData: { imageDownloadProxy: proxy.url } } } };
      await send(over(new MediaResolver(deps), napcat().original), `${origin.base}/p.png`);
      expect(proxy.forwarded).to.equal(1);
      expect(origin.seen.map((s) => s.via)).to.deep.equal(['proxy']);
    } finally {
      await proxy.close();
    }
  });

  it('urlCache.enabled off: every send is NapCat’s own download', async () => {
    const deps = fakeDeps({ urlCache: { ...DEFAULT_CONFIG.urlCache, enabled: false } }, { store });
    const { calls, original } = napcat();
    await send(over(new MediaResolver(deps), original), `${origin.base}/a.png`);
    expect([calls.length, origin.seen.length]).to.deep.equal([1, 0]);
  });
});
