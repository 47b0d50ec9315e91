// The seam "turn a URL into stored bytes", as implemented by a plain fetch with limits.
import { expect } from 'chai';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../src/logger';
import { PlainFetchUrlMedia, UrlTooLargeError } from '../../src/proxy/url-media';
import { MediaStore } from '../../src/store';
import { makePng } from '../host';

describe('proxy/url-media (plain fetch)', function () {
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
    server = http.createServer((req, res) => {
      const p = req.url ?? '/';
      hits[p] = (hits[p] ?? 0) + 1;
      if (p === '/img') return void res.end(image);
      if (p.startsWith('/hop/')) {
        const n = Number(p.slice(5));
        res.writeHead(302, { location: n > 0 ? `/hop/${n - 1}` : '/img' });
        return void res.end();
      }
      if (p === '/big') {
        res.writeHead(200, { 'content-length': String(200_000) });
        return void res.end(Buffer.alloc(200_000));
      }
      if (p === '/big-chunked') {
        res.write(Buffer.alloc(150_000));
        return void res.end(Buffer.alloc(150_000));
      }
      if (p === '/slow') return void setTimeout(() => res.end(image), 2_000);
      res.writeHead(404);
      res.end();
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

  const media = (overrides: Partial<ConstructorParameters<typeof PlainFetchUrlMedia>[0]> = {}) =>
    new PlainFetchUrlMedia({ store, timeoutMs: 5_000, maxBytes: 100_000, maxRedirects: 3, coalesceMs: () => 10_000, ...overrides });

  const rejection = async (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as Error);

  it('stores the bytes once for concurrent and repeated asks within the window', async () => {
    const urls = media();
    const leases = await Promise.all(Array.from({ length: 10 }, () => urls.fetch(`${base}/img`)));
    const again = await urls.fetch(`${base}/img`);
    expect(new Set([...leases, again].map((l) => l.media.hash)).size).to.equal(1);
    expect(fs.readFileSync(again.media.path).equals(image)).to.equal(true);
    expect(hits['/img']).to.equal(1);
    expect(urls.downloads).to.equal(1);
    for (const l of [...leases, again]) l.release();
  });

  it('fetches again once the window passed (0 = every time)', async () => {
    const urls = media({ coalesceMs: () => 0 });
    (await urls.fetch(`${base}/img`)).release();
    (await urls.fetch(`${base}/img`)).release();
    expect(hits['/img']).to.equal(2);
  });

  it('follows redirects up to the limit, not beyond', async () => {
    const urls = media();
    (await urls.fetch(`${base}/hop/2`)).release();
    expect((await rejection(urls.fetch(`${base}/hop/5`)))?.message).to.match(/more than 3 redirects/);
  });

  it('refuses bodies over maxBytes, by Content-Length or as they stream in, and failed statuses', async () => {
    const urls = media();
    expect(await rejection(urls.fetch(`${base}/big`))).to.be.instanceOf(UrlTooLargeError);
    expect(await rejection(urls.fetch(`${base}/big-chunked`))).to.be.instanceOf(UrlTooLargeError);
    expect((await rejection(urls.fetch(`${base}/missing`)))?.message).to.match(/HTTP 404/);
    expect(store.stats().entries).to.equal(0);
  });

  it('gives up after the timeout', async () => {
    const urls = media({ timeoutMs: 300 });
    const error = await rejection(urls.fetch(`${base}/slow`));
    expect(error?.name).to.match(/TimeoutError|AbortError/);
  });
});
