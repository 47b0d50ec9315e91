// The built plugin in the model NapCat with http(s) images from a local origin: what the bot
// gets for endpoints that must not be cached.
import { expect } from 'chai';
import { makePng } from '../host';
import { startOrigin } from '../http/origin';
import { burst, failed, hostWithPlugin } from './support';

describe('integration: URL images through the HTTP cache', function () {
  this.timeout(60_000);

  it('a random-image endpoint sent to 8 chats at once: 8 downloads, 8 different pictures uploaded', async () => {
    const origin = await startOrigin();
    let seed = 100;
    origin.route('/random', (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(makePng({ bytes: 30_000, seed: seed++ })));
    const host = await hostWithPlugin({ timeScale: 0.05 });
    try {
      const responses = await burst(host, 8, () => [{ type: 'image', data: { file: `${origin.base}/random` } }], 100);
      expect(failed(responses).map((r) => r.message)).to.deep.equal([]);
      expect(origin.count('/random'), 'HTTP requests').to.equal(8);
      expect(host.counters.uploadsTransferred, 'distinct pictures the server received').to.equal(8);
      expect(host.counters.instantUploads, 'no picture was a repeat').to.equal(0);
    } finally {
      await host.close();
      await origin.close();
    }
  });
});
