import { expect } from 'chai';
import { fileUri, mediaFieldOf, parseMediaRef } from '../../src/onebot/media-ref';

describe('onebot/media-ref', () => {
  it('reads the schemes NapCat resolves', () => {
    expect(parseMediaRef('base64://QUJD')).to.deep.equal({ kind: 'base64', base64: 'QUJD' });
    expect(parseMediaRef('data:image/png;base64,QUJD')).to.deep.equal({ kind: 'base64', base64: 'QUJD' });
    expect(parseMediaRef('data:whatever,QUJD,more')).to.deep.equal({ kind: 'base64', base64: 'QUJD' });
    expect(parseMediaRef('https://example.com/a.png?x=1')).to.deep.equal({ kind: 'url', url: 'https://example.com/a.png?x=1' });
    expect(parseMediaRef('file:///tmp/a%20b.png')).to.deep.equal({ kind: 'file', path: '/tmp/a b.png' });
    expect(parseMediaRef('file:///C:/x/y.png')).to.deep.equal({ kind: 'file', path: 'C:/x/y.png' });
    expect(parseMediaRef('/tmp/a.png')).to.deep.equal({ kind: 'other', text: '/tmp/a.png' });
    expect(parseMediaRef('file:///bad%E0')).to.deep.equal({ kind: 'other', text: 'file:///bad%E0' });
  });

  it('writes file URIs NapCat decodes back to the same path', () => {
    for (const p of ['/data/cache/content/ab/ab12.png', '/tmp/100%.png', '/a b/c', 'C:\\cache\\x.png']) {
      const ref = parseMediaRef(fileUri(p));
      expect(ref, p).to.deep.equal({ kind: 'file', path: p });
    }
  });

  it('picks url, then file, then path: the first that is a non-blank string', () => {
    expect(mediaFieldOf({ url: 'u', file: 'f' })).to.equal('url');
    expect(mediaFieldOf({ url: '  ', file: 'f' })).to.equal('file');
    expect(mediaFieldOf({ url: 3, file: '', path: 'p' })).to.equal('path');
    expect(mediaFieldOf({ name: 'x' })).to.equal(undefined);
  });
});
