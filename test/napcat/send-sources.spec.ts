import { expect } from 'chai';
import { silentLogger } from '../../src/logger';
import { SendScopes } from '../../src/napcat/send-scopes';
import { SendSources } from '../../src/napcat/send-sources';

describe('SendSources', () => {
  const scopes = () => new SendScopes({ logger: silentLogger, maxAgeMs: () => 60_000 });

  it('answers only inside a scope that remembered the path', async () => {
    const book = scopes();
    const sources = new SendSources(book);
    sources.remember('/store/a.png', 'outside'); // no scope: nothing kept
    await book.run(async () => {
      expect(sources.lookup('/store/a.png')).to.equal(undefined);
      sources.remember('/store/a.png', 'QUJD');
      expect(sources.lookup('/store/a.png')).to.equal('QUJD');
      expect(sources.lookup('/store/b.png')).to.equal(undefined);
    });
    await book.run(async () => expect(sources.lookup('/store/a.png')).to.equal(undefined));
    expect(sources.lookup('/store/a.png')).to.equal(undefined);
  });

  it('keeps one text per store file for all the requests that sent it', async () => {
    const book = scopes();
    const sources = new SendSources(book);
    // Two requests of one content in two encodings (standard and url-safe): one store file.
    const standard = '+/8AAQ==';
    const urlSafe = '-_8AAQ';
    let seenBySecond: string | undefined;
    await Promise.all([
      book.run(async () => {
        sources.remember('/store/a.png', standard);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }),
      book.run(async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        sources.remember('/store/a.png', urlSafe);
        seenBySecond = sources.lookup('/store/a.png');
      }),
    ]);
    // The second request is served the first one's text: its own is not held.
    expect(seenBySecond).to.equal(standard);
  });

  it('tells a request when another one keeps its very text: the first keeps its own, an equal text gets the kept one, an other text of the same bytes gets nothing', async () => {
    const book = scopes();
    const sources = new SendSources(book);
    const answers: Array<string | undefined> = [];
    let done!: () => void;
    const firstRuns = new Promise<void>((resolve) => (done = resolve));
    const first = book.run(async () => {
      answers.push(sources.remember('/store/a.png', 'QUJD'));
      await firstRuns; // the first request's send is still running
    });
    await book.run(async () => {
      answers.push(sources.remember('/store/a.png', 'QUJD'));
      answers.push(sources.remember('/store/a.png', 'QUJD\n'));
    });
    done();
    await first;
    expect(answers).to.deep.equal([undefined, 'QUJD', undefined]);
  });
});
