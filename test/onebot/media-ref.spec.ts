import { expect } from 'chai';
import { fileUri, mediaFieldOf, parseMediaRef } from '../../src/onebot/media-ref';

describe('onebot/media-ref', () => {
  it('reads the schemes NapCat resolves', () => {
    expect(parseMediaRef('base64://QUJD')).to.deep.equal({ kind: 'base64', base64: 'QUJD', declared: true, prefix: 'base64://' });
    expect(parseMediaRef('data:image/png;base64,QUJD')).to.deep.equal({ kind: 'base64', base64: 'QUJD', declared: true, prefix: 'data:image/png;base64,' });
    expect(parseMediaRef('https://example.com/a.png?x=1')).to.deep.equal({ kind: 'url', url: 'https://example.com/a.png?x=1' });
    expect(parseMediaRef('HTTP://example.com/a.png')).to.deep.equal({ kind: 'url', url: 'HTTP://example.com/a.png' });
    expect(parseMediaRef('file:///tmp/a%20b.png')).to.deep.equal({ kind: 'file', path: '/tmp/a b.png' });
    expect(parseMediaRef('file:///C:/x/y.png')).to.deep.equal({ kind: 'file', path: 'C:/x/y.png' });
    expect(parseMediaRef('/tmp/a.png')).to.deep.equal({ kind: 'other', text: '/tmp/a.png' });
    expect(parseMediaRef('file:///bad%E0')).to.deep.equal({ kind: 'other', text: 'file:///bad%E0' });
  });

  it('data: as NapCat splits it: the text between the first and second comma, base64 whatever the header says', () => {
    // A second comma: NapCat still decodes only the part before it, so the URI is more than prefix + text.
    expect(parseMediaRef('data:image/png;base64,QUJD,more')).to.deep.equal({ kind: 'base64', base64: 'QUJD', declared: true });
    expect(parseMediaRef('data:whatever,QUJD')).to.deep.equal({ kind: 'base64', base64: 'QUJD', declared: false, prefix: 'data:whatever,' });
    // Nothing after the comma is nothing NapCat decodes: it fails the URI as unrecognised.
    expect(parseMediaRef('data:image/png;base64,')).to.deep.equal({ kind: 'other', text: 'data:image/png;base64,' });
    expect(parseMediaRef('data:image/png')).to.deep.equal({ kind: 'other', text: 'data:image/png' });
  });

  it('writes file URIs NapCat decodes back to the same path', () => {
    for (const p of ['/data/cache/content/ab/ab12.png', '/tmp/100%.png', '/a b/c', 'C:\\cache\\x.png']) {
      const ref = parseMediaRef(fileUri(p));
      expect(ref, p).to.deep.equal({ kind: 'file', path: p });
    }
  });

  it('picks url, then file, then path: the first that is set and not blank, as NapCat does', () => {
    expect(mediaFieldOf({ url: 'u', file: 'f' })).to.equal('url');
    expect(mediaFieldOf({ url: '  ', file: 'f' })).to.equal('file');
    expect(mediaFieldOf({ url: '', file: 0, path: 'p' })).to.equal('path');
    expect(mediaFieldOf({ name: 'x' })).to.equal(undefined);
    // NapCat's `uri && uri.trim()` throws on a set value that is no string: the request is NapCat's to fail.
    expect(mediaFieldOf({ url: 3, file: 'f' })).to.equal(undefined);
  });
});
