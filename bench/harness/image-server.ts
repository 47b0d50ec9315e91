// A local image host on 127.0.0.1 for the http:// scenarios: NapCat downloads
// each send's URL, as it does for bots that send links. It answers as a static
// file server does by default (nginx: Last-Modified and ETag, no Cache-Control,
// 304 on a matching If-None-Match), so a private HTTP cache may reuse a body
// only on RFC 9111's heuristic freshness, not because the bench asked it to.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ImageServer {
  urlOf(index: number): string;
  requests: number;
  close(): Promise<void>;
}

/** The files were "published" a day before the bench started. */
const LAST_MODIFIED = new Date(Date.now() - 24 * 3600 * 1000).toUTCString();

export async function startImageServer(images: readonly Buffer[]): Promise<ImageServer> {
  const server = http.createServer((req, res) => {
    state.requests++;
    const match = /^\/img\/(\d+)\.png$/.exec(req.url ?? '');
    const image = match ? images[Number(match[1])] : undefined;
    if (!image) {
      res.writeHead(404).end();
      return;
    }
    const etag = `"${image.length.toString(16)}-${match![1]}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag, 'last-modified': LAST_MODIFIED }).end();
      return;
    }
    res
      .writeHead(200, { 'content-type': 'image/png', 'content-length': image.length, etag, 'last-modified': LAST_MODIFIED })
      .end(image);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const state: ImageServer = {
    urlOf: (index) => `http://127.0.0.1:${port}/img/${index}.png`,
    requests: 0,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return state;
}
