// The front's two parsers (front/parse.ts): the same values for everything NapCat accepts;
// 'json5' is NapCat's own parser on every frame and body (its CPU cost included), the default
// reaches for json5 only when JSON.parse fails.
import { expect } from 'chai';
import json5 from 'json5';
import sinon from 'sinon';
import WebSocket from 'ws';
import { parserFor } from '../front/parse';
import { withHost } from './helpers';

describe('host model: the front\'s frame parser', function () {
  this.timeout(20000);
  afterEach(() => sinon.restore());

  it('both parsers give NapCat\'s values for JSON and for json5 (comments, single quotes, trailing commas)', () => {
    const texts = ['{"action":"get_status","params":{"a":[1,2]},"echo":"e"}', "{action:'get_status', /* c */ params:{a:[1,2,],}, echo:'e',}"];
    for (const text of texts) {
      expect(parserFor('json')(text), text).to.deep.equal(json5.parse(text));
      expect(parserFor('json5')(text), text).to.deep.equal(json5.parse(text));
    }
    expect(() => parserFor('json5')('{oops')).to.throw();
    expect(() => parserFor('json')('{oops')).to.throw();
  });

  it("frontParse 'json5' parses every WebSocket frame and HTTP body with json5, the default only what JSON.parse refuses", async () => {
    const frame = JSON.stringify({ action: 'get_status', params: {}, echo: 1 });
    for (const mode of ['json5', 'json'] as const) {
      const spy = sinon.spy(json5, 'parse');
      await withHost({ timeScale: 0.01, frontParse: mode }, async (host) => {
        const { url, wsUrl } = await host.front.start();
        await fetch(`${url}/get_status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        const ws = new WebSocket(`${wsUrl}/api`);
        await new Promise((resolve, reject) => {
          ws.once('open', () => ws.send(frame));
          ws.once('message', resolve);
          ws.once('error', reject);
        });
        ws.close();
      });
      expect(spy.callCount, mode).to.equal(mode === 'json5' ? 2 : 0);
      spy.restore();
    }
  });
});
