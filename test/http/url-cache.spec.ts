import { expect } from 'chai';
import sinon from 'sinon';
import { UrlCache, UrlFetchError, type UrlFetch, type UrlFetchOptions } from '../../src/http';
import { MediaStore } from '../../src/store/media-store';
import { pngLike, storeFixture } from '../store/helpers';
import { startOrigin, startProxy, type Origin } from './origin';

describe('UrlCache (RFC 9111 private cache against a local origin)', () => {
  const t = storeFixture();
  let origin: Origin;
  let store: MediaStore;
  let cache: UrlCache;
  let clock: sinon.SinonFakeTimers | undefined;
  const leases: UrlFetch[] = [];
  const options: UrlFetchOptions = { maxBodyBytes: 1024 * 1024, timeoutMs: 5000 };

  beforeEach(async () => {
    origin = await startOrigin();
    store = t.store = await MediaStore.open({ dir: t.dir });
    cache = new UrlCache(store);
  });
  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    for (const f of leases.splice(0)) f.lease.release();
    await origin.close();
  });

  async function get(path: string, extra: Partial<UrlFetchOptions> = {}): Promise<UrlFetch> {
    const result = await cache.fetch(origin.base + path, { ...options, ...extra });
    leases.push(result);
    return result;
  }
  function failure(path: string, extra: Partial<UrlFetchOptions> = {}): Promise<UrlFetchError> {
    return failureAt(origin.base + path, extra);
  }
  function failureAt(url: string, extra: Partial<UrlFetchOptions> = {}): Promise<UrlFetchError> {
    return cache.fetch(url, { ...options, ...extra }).then(
      () => expect.fail('expected a failure'),
      (error: unknown) => {
        expect(error).to.be.instanceOf(UrlFetchError);
        return error as UrlFetchError;
      },
    );
  }
  /** Moves only Date (which http-cache-semantics reads), not the timers the sockets use. */
  function fakeDate(): sinon.SinonFakeTimers {
    return (clock = sinon.useFakeTimers({ toFake: ['Date'], now: Date.now() }));
  }

  it('a fresh response (max-age) is reused without a request', async () => {
    const png = pngLike(5000);
    origin.route('/a.png', (_req, res) => res.writeHead(200, { 'cache-control': 'max-age=60' }).end(png));
    const first = await get('/a.png');
    const second = await get('/a.png');
    expect(origin.count('/a.png')).to.equal(1);
    expect([first.outcome, second.outcome]).to.deep.equal(['downloaded', 'hit']);
    expect(second.lease.media.path).to.equal(first.lease.media.path);
    expect(second.bytesSaved).to.equal(png.length);
  });

  it('Expires in the future is fresh, in the past is not', async () => {
    const later = new Date(Date.now() + 3600_000).toUTCString();
    origin.route('/future.png', (_req, res) => res.writeHead(200, { expires: later, date: new Date().toUTCString() }).end(pngLike(100)));
    origin.route('/past.png', (_req, res) => res.writeHead(200, { expires: 'Thu, 01 Jan 1970 00:00:00 GMT' }).end(pngLike(100)));
    await get('/future.png');
    await get('/future.png');
    await get('/past.png');
    await get('/past.png');
    expect([origin.count('/future.png'), origin.count('/past.png')]).to.deep.equal([1, 2]);
  });

  it('heuristic freshness from Last-Modified applies only where RFC 9111 allows it (no explicit expiry)', async () => {
    const tenDaysAgo = new Date(Date.now() - 10 * 86400_000).toUTCString();
    origin.route('/old.png', (_req, res) => res.writeHead(200, { 'last-modified': tenDaysAgo }).end(pngLike(100)));
    origin.route('/no-cache.png', (_req, res) =>
      res.writeHead(200, { 'last-modified': tenDaysAgo, 'cache-control': 'no-cache' }).end(pngLike(100)),
    );
    const date = fakeDate();
    await get('/old.png');
    date.tick(12 * 3600_000); // within 10 % of its 10-day age
    expect((await get('/old.png')).outcome).to.equal('hit');
    date.tick(13 * 3600_000); // past a day
    await get('/old.png');
    expect(origin.count('/old.png')).to.equal(2);
    await get('/no-cache.png');
    await get('/no-cache.png');
    expect(origin.count('/no-cache.png'), 'no-cache: every use is revalidated').to.equal(2);
  });

  it('stale with an ETag: revalidated with If-None-Match, and a 304 reuses the stored file without a body', async () => {
    const png = pngLike(8000);
    origin.route('/e.png', (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304, { etag: '"v1"', 'cache-control': 'max-age=1' }).end();
      res.writeHead(200, { etag: '"v1"', 'cache-control': 'max-age=1' }).end(png);
    });
    const date = fakeDate();
    const first = await get('/e.png');
    date.tick(2000);
    const second = await get('/e.png');
    expect(origin.seen.map((s) => s.ifNoneMatch)).to.deep.equal([undefined, '"v1"']);
    expect(second.outcome).to.equal('revalidated');
    expect(second.lease.media.hash).to.equal(first.lease.media.hash);
    expect(second.bytesSaved).to.equal(png.length);
    expect(store.stats().writes, 'the body was written once').to.equal(1);
    expect((await get('/e.png')).outcome, 'the 304 refreshed it').to.equal('hit');
  });

  it('stale with Last-Modified: revalidated with If-Modified-Since', async () => {
    const modified = new Date(Date.now() - 60_000).toUTCString();
    origin.route('/m.png', (req, res) => {
      if (req.headers['if-modified-since']) return res.writeHead(304, { 'cache-control': 'max-age=1' }).end();
      res.writeHead(200, { 'last-modified': modified, 'cache-control': 'max-age=1' }).end(pngLike(300));
    });
    const date = fakeDate();
    await get('/m.png');
    date.tick(2000);
    expect((await get('/m.png')).outcome).to.equal('revalidated');
    expect(origin.seen[1].ifModifiedSince).to.equal(modified);
  });

  it('stale, and the origin answers 200 with new bytes: the new picture is sent and stored', async () => {
    const v1 = pngLike(500);
    const v2 = pngLike(600);
    let version = 1;
    origin.route('/n.png', (_req, res) =>
      res.writeHead(200, { etag: `"v${version}"`, 'cache-control': 'max-age=1' }).end(version === 1 ? v1 : v2),
    );
    const date = fakeDate();
    const first = await get('/n.png');
    version = 2;
    date.tick(2000);
    const second = await get('/n.png');
    expect(second.outcome).to.equal('downloaded');
    expect(second.lease.media.size).to.equal(v2.length);
    expect(second.lease.media.hash).to.not.equal(first.lease.media.hash);
    const third = await get('/n.png');
    expect([third.outcome, third.lease.media.hash]).to.deep.equal(['hit', second.lease.media.hash]);
  });

  it('no-store is never stored: every request downloads, concurrent ones too', async () => {
    let n = 0;
    origin.route('/ns.png', (_req, res) => res.writeHead(200, { 'cache-control': 'no-store, max-age=600' }).end(pngLike(200 + n++)));
    await get('/ns.png');
    await get('/ns.png');
    const burst = await Promise.all(Array.from({ length: 5 }, () => get('/ns.png')));
    expect(origin.count('/ns.png')).to.equal(7);
    expect(burst.map((b) => b.outcome)).to.deep.equal(Array(5).fill('downloaded'));
  });

  it('Vary: a stored response answers only requests with the same value of the varying header', async () => {
    const bodies: Record<string, Buffer> = { 'image/webp': pngLike(400), 'image/png': pngLike(500) };
    origin.route('/v.png', (req, res) =>
      res.writeHead(200, { vary: 'Accept', 'cache-control': 'max-age=60' }).end(bodies[req.headers.accept ?? 'image/png']),
    );
    const webp = await get('/v.png', { headers: { Accept: 'image/webp' } });
    const png = await get('/v.png', { headers: { Accept: 'image/png' } });
    expect(png.outcome).to.equal('downloaded');
    expect(png.lease.media.hash).to.not.equal(webp.lease.media.hash);
    const again = [await get('/v.png', { headers: { Accept: 'image/webp' } }), await get('/v.png', { headers: { Accept: 'image/png' } })];
    expect(again.map((a) => [a.outcome, a.lease.media.size])).to.deep.equal([
      ['hit', 400],
      ['hit', 500],
    ]);
    expect(origin.count('/v.png')).to.equal(2);
  });

  it('a redirect to an immutable URL: the redirect is asked again, the target is not downloaded again', async () => {
    origin.route('/latest', (_req, res) => res.writeHead(302, { location: '/img/v1.png' }).end());
    origin.route('/img/v1.png', (_req, res) =>
      res.writeHead(200, { 'cache-control': 'public, max-age=31536000, immutable' }).end(pngLike(3000)),
    );
    const first = await get('/latest');
    const second = await get('/latest');
    expect([origin.count('/latest'), origin.count('/img/v1.png')]).to.deep.equal([2, 1]);
    expect([first.outcome, second.outcome]).to.deep.equal(['downloaded', 'hit']);
    expect(second.lease.media.hash).to.equal(first.lease.media.hash);
  });

  it('a random-image endpoint (no cache headers): N concurrent requests → N downloads → N different pictures', async () => {
    origin.route('/random', (_req, res) => setTimeout(() => res.writeHead(200, { 'content-type': 'image/png' }).end(pngLike(1000)), 20));
    const results = await Promise.all(Array.from({ length: 8 }, () => get('/random')));
    const later = [await get('/random'), await get('/random')];
    expect(origin.count('/random')).to.equal(10);
    expect(new Set([...results, ...later].map((r) => r.lease.media.hash)).size).to.equal(10);
  });

  it('concurrent requests for a storable fresh response wait for the first one’s headers and share its one body', async () => {
    origin.route('/shared.png', (_req, res) => setTimeout(() => res.writeHead(200, { 'cache-control': 'max-age=60' }).end(pngLike(4000)), 30));
    const results = await Promise.all(Array.from({ length: 10 }, () => get('/shared.png')));
    expect(origin.count('/shared.png')).to.equal(1);
    expect(results.filter((r) => r.outcome === 'downloaded')).to.have.length(1);
    expect(results.filter((r) => r.outcome === 'shared')).to.have.length(9);
    expect(new Set(results.map((r) => r.lease.media.hash)).size).to.equal(1);
  });

  it('a failure before any header fails the requests that waited for it, and is not remembered', async () => {
    origin.route('/flaky.png', (req) => setTimeout(() => req.socket.destroy(), 20));
    const errors = await Promise.all(Array.from({ length: 4 }, () => failure('/flaky.png')));
    expect(errors.map((e) => e.code)).to.deep.equal(Array(4).fill('NETWORK'));
    expect(origin.count('/flaky.png')).to.equal(1);
    origin.route('/flaky.png', (_req, res) => res.writeHead(200, { 'cache-control': 'max-age=60' }).end(pngLike(64)));
    expect((await get('/flaky.png')).outcome).to.equal('downloaded');
  });

  it('an HTTP error status reads as one, with status and text, and is not cached', async () => {
    const error = await failure('/missing.png');
    expect([error.code, error.details.status, error.details.statusText]).to.deep.equal(['HTTP_STATUS', 404, 'Not Found']);
    await failure('/missing.png');
    expect(origin.count('/missing.png')).to.equal(2);
  });

  it('a body that trickles past the timeout fails as TIMEOUT after that many ms', async () => {
    origin.route('/slow.png', (_req, res) => {
      res.writeHead(200, { 'content-length': '10000' });
      res.write(pngLike(100)); // then nothing more
    });
    const error = await failure('/slow.png', { timeoutMs: 200 });
    expect([error.code, error.details.timeoutMs]).to.deep.equal(['TIMEOUT', 200]);
    expect(store.stats().writes).to.equal(0);
  });

  it('headers that never come fail as TIMEOUT too', async () => {
    origin.route('/silent.png', () => undefined);
    expect((await failure('/silent.png', { timeoutMs: 150 })).code).to.equal('TIMEOUT');
  });

  it('an oversize body fails as TOO_LARGE with size and limit: at once when announced, as soon as it crosses when chunked', async () => {
    origin.route('/big.png', (_req, res) => res.writeHead(200, { 'content-length': '5000' }).end(pngLike(5000)));
    let sent = 0;
    origin.route('/chunked.png', (_req, res) => {
      res.writeHead(200, { 'transfer-encoding': 'chunked' });
      const timer = setInterval(() => {
        if (res.destroyed || sent > 1_000_000) return clearInterval(timer);
        sent += 1000;
        res.write(pngLike(1000));
      }, 2);
    });
    const announced = await failure('/big.png', { maxBodyBytes: 4000 });
    expect([announced.code, announced.details.size, announced.details.limit]).to.deep.equal(['TOO_LARGE', 5000, 4000]);
    const streamed = await failure('/chunked.png', { maxBodyBytes: 4000 });
    expect([streamed.code, streamed.details.limit]).to.deep.equal(['TOO_LARGE', 4000]);
    // Cut off once over the limit (how many bytes each read brings depends on the machine's load),
    // long before the megabyte the origin would send.
    expect(streamed.details.size).to.be.above(4000).and.below(sent + 1);
    expect(sent, 'bytes the origin got to send').to.be.below(1_000_000);
    expect(store.stats().writes).to.equal(0);
  });

  it('a refused connection fails as NETWORK with its errno', async () => {
    const dead = origin.base;
    await origin.close();
    const error = await failureAt(`${dead}/x.png`);
    expect([error.code, error.details.errno]).to.deep.equal(['NETWORK', 'ECONNREFUSED']);
    origin = await startOrigin();
  });

  it('urlCache.rules: a matching URL stays fresh for minFreshSeconds though its server sends no freshness; no-store still is never stored', async () => {
    origin.route('/static/a.png', (_req, res) => res.writeHead(200, { 'cache-control': 'max-age=0' }).end(pngLike(700)));
    origin.route('/static/ns.png', (_req, res) => res.writeHead(200, { 'cache-control': 'no-store' }).end(pngLike(70)));
    origin.route('/other.png', (_req, res) => res.writeHead(200).end(pngLike(80)));
    const rules = [{ match: `${origin.base}/static/*`, minFreshSeconds: 7 * 86400 }];
    const date = fakeDate();
    await get('/static/a.png', { rules });
    date.tick(6 * 86400_000);
    expect((await get('/static/a.png', { rules })).outcome).to.equal('hit');
    date.tick(2 * 86400_000);
    await get('/static/a.png', { rules });
    await get('/static/ns.png', { rules });
    await get('/static/ns.png', { rules });
    await get('/other.png', { rules });
    await get('/other.png', { rules });
    expect([origin.count('/static/a.png'), origin.count('/static/ns.png'), origin.count('/other.png')]).to.deep.equal([2, 2, 2]);
  });

  it('content evicted from the store since: a 304 is not enough, the body is fetched again', async () => {
    origin.route('/gone.png', (req, res) => {
      if (req.headers['if-none-match']) return res.writeHead(304, { etag: '"g"', 'cache-control': 'max-age=1' }).end();
      res.writeHead(200, { etag: '"g"', 'cache-control': 'max-age=1' }).end(pngLike(900));
    });
    const date = fakeDate();
    const first = await cache.fetch(`${origin.base}/gone.png`, options);
    first.lease.release();
    store.evict(first.lease.media.hash);
    await store.settle();
    date.tick(2000);
    const second = await get('/gone.png');
    expect(second.outcome).to.equal('downloaded');
    expect(origin.seen.map((s) => s.ifNoneMatch)).to.deep.equal([undefined, '"g"', undefined]);
  });

  it('through the download proxy when one is set; straight to the origin when the proxy is down', async () => {
    origin.route('/p.png', (_req, res) => res.writeHead(200).end(pngLike(100)));
    const proxy = await startProxy();
    try {
      await get('/p.png', { proxy: proxy.url });
      expect([proxy.forwarded, origin.seen[0].via]).to.deep.equal([1, 'proxy']);
    } finally {
      await proxy.close();
    }
    const failures: unknown[] = [];
    await get('/p.png', { proxy: proxy.url, onProxyFailure: (e) => failures.push(e) });
    expect(failures).to.have.length(1);
    expect(origin.seen.map((s) => s.via)).to.deep.equal(['proxy', undefined]);
  });

  it('a store failure comes out as the store’s own error, not as a URL failure (the caller falls back on it)', async () => {
    origin.route('/a.png', (_req, res) => res.writeHead(200).end(pngLike(100)));
    const disk = new Error('ENOSPC');
    const failing = new UrlCache({ putBytes: () => Promise.reject(disk), acquire: () => undefined });
    const error = await failing.fetch(`${origin.base}/a.png`, options).catch((e: unknown) => e);
    expect(error).to.equal(disk);
  });

  it('a URL that is not http(s) is refused as BAD_URL before any request', async () => {
    const error = await failureAt('ftp://example.test/a.png');
    expect(error.code).to.equal('BAD_URL');
  });
});
