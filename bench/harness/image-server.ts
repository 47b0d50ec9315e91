// A local image host on 127.0.0.1 for the http:// scenarios: NapCat downloads
// each send's URL, as it does for bots that send links.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ImageServer {
  urlOf(index: number): string;
  requests: number;
  close(): Promise<void>;
}

export async function startImageServer(images: readonly Buffer[]): Promise<ImageServer> {
  const server = http.createServer((req, res) => {
    state.requests++;
    const match = /^\/img\/(\d+)\.png$/.exec(req.url ?? '');
    const image = match ? images[Number(match[1])] : undefined;
    if (!image) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': image.length }).end(image);
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
