// The proxy's seam "turn a URL into stored bytes": the plugin's own URL cache (src/http),
// under the media settings the proxy runs with. The cache's own rules are specified in
// test/http/url-cache.spec.ts; here, that the proxy's seam applies them and its limits.
import { expect } from 'chai';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CONFIG, type MediaCacheConfig } from '../../src/config';
import { UrlFetchError } from '../../src/http';
import { silentLogger } from '../../src/logger';
import { CachedUrlMedia } from '../../src/proxy/url-media';
import { MediaStore } from '../../src/store';
import { makePng } from '../host';

describe('proxy/url-media (the plugin’s URL cache behind the proxy’s seam)', function () {
  this.timeout(20_000);
  let dir: string;
  let store: MediaStore;
  let server: http.Server;
  let base: string;
  let hits: Record<string, number>;
  const image = makePng({ bytes: 50_000, seed: 91 });

  beforeEach(async () => {
    hits = {};
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'url-media-'));
    store = await MediaStore.open({ dir, logger: silentLogger });
    let random = 0;
    server = http.createServer((req, res) => {
      const p = req.url ?? '/';
      hits[p] = (hits[p] ?? 0) + 1;
      if (p === '/img') return void res.writeHead(200, { 'cache-control': 'max-age=600' }).end(image);
      if (p === '/random') return void res.end(makePng({ bytes: 5_000, seed: ++random }));
      if (p.startsWith('/hop/')) {
        const n = Number(p.slice(5));
        res.writeHead(302, { location: n > 0 ? `/hop/${n - 1}` : '/img' });
        return void res.end();
      }
      if (p === '/big') return void res.writeHead(200, { 'content-length': String(200_000) }).end(Buffer.alloc(200_000));
      if (p === '/big-chunked') {
        res.write(Buffer.alloc(150_000));
        return void res.end(Buffer.alloc(150_000));
      }
      if (p === '/slow') return void setTimeout(() => res.end(image), 2_500);
      res.writeHead(404, 'Not Found').end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await store.close();
    await fs.promises.rm(dir, { recursive: true, force: true });
  });

  const media = (overrides: Partial<MediaCacheConfig> = {}) =>
    new CachedUrlMedia(store, () => ({ ...DEFAULT_CONFIG, maxPayloadBytes: 100_000, ...overrides }));
  const rejection = async (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as Error);

  it('a cacheable image: one download for concurrent and repeated asks, the stored bytes exact', async () => {
    const urls = media();
    const leases = await Promise.all(Array.from({ length: 10 }, () => urls.fetch(`${base}/img`)));
    const again = await urls.fetch(`${base}/img`);
    expect(new Set([...leases, again].map((l) => l.media.hash)).size).to.equal(1);
    expect(fs.readFileSync(again.media.path).equals(image)).to.equal(true);
    expect(hits['/img']).to.equal(1);
    expect(urls.downloads).to.equal(1);
    for (const l of [...leases, again]) l.release();
  });

  it('a response without cache headers (a random-image endpoint) is fetched per ask: a new picture each time', async () => {
    const urls = media();
    const hashes = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const lease = await urls.fetch(`${base}/random`);
      hashes.add(lease.media.hash);
      lease.release();
    }
    expect(hits['/random']).to.equal(3);
    expect(hashes.size).to.equal(3);
    expect(urls.downloads).to.equal(3);
  });

  it('follows redirects to the image', async () => {
    const urls = media();
    const lease = await urls.fetch(`${base}/hop/2`);
    expect(fs.readFileSync(lease.media.path).equals(image)).to.equal(true);
    lease.release();
  });

  it('refuses bodies over maxPayloadBytes, by Content-Length or as they stream in, and failed statuses, storing nothing', async () => {
    const urls = media();
    for (const p of ['/big', '/big-chunked']) {
      const error = await rejection(urls.fetch(`${base}${p}`));
      expect(error, p).to.be.instanceOf(UrlFetchError);
      expect((error as UrlFetchError).code, p).to.equal('TOO_LARGE');
    }
    const missing = await rejection(urls.fetch(`${base}/missing`));
    expect((missing as UrlFetchError).code).to.equal('HTTP_STATUS');
    expect((missing as UrlFetchError).details.status).to.equal(404);
    expect(store.stats().entries).to.equal(0);
  });

  it('gives up after urlCache.timeoutSeconds', async () => {
    const urls = media({ urlCache: { ...DEFAULT_CONFIG.urlCache, timeoutSeconds: 1 } });
    const error = await rejection(urls.fetch(`${base}/slow`));
    expect((error as UrlFetchError).code).to.equal('TIMEOUT');
  });
});
