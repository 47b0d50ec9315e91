import { expect } from 'chai';
import { decodeCq, escapeCqValue, parseCq, renderCq, unescapeCq } from '../../src/onebot/cq-code';

describe('onebot/cq-code', () => {
  it('decodes text and codes in order, as NapCat decodeCQCode does', () => {
    expect(decodeCq('hi [CQ:image,file=base64://QUJD,summary=&#91;图片&#93;] there')).to.deep.equal([
      { type: 'text', data: { text: 'hi ' } },
      { type: 'image', data: { file: 'base64://QUJD', summary: '[图片]' } },
      { type: 'text', data: { text: ' there' } },
    ]);
  });

  it('pushes no empty text between adjacent codes or at the ends', () => {
    expect(decodeCq('[CQ:face,id=1][CQ:face,id=2]')).to.deep.equal([
      { type: 'face', data: { id: '1' } },
      { type: 'face', data: { id: '2' } },
    ]);
  });

  it('unescapes &#44; &#91; &#93; and &amp; (the last last, so &amp;#44; stays &#44;)', () => {
    expect(unescapeCq('a&#44;b&#91;c&#93;d&amp;e&amp;#44;')).to.equal('a,b[c]d&e&#44;');
    expect(decodeCq('x&amp;#91;')).to.deep.equal([{ type: 'text', data: { text: 'x&#91;' } }]);
  });

  it('leaves what is not a well-formed code as text (no `=`, bad type characters, unclosed)', () => {
    for (const text of ['[CQ:image,file]', '[CQ:im-age,file=x]', '[CQ:image,file=x', '[cq:image,file=x]']) {
      expect(decodeCq(text), text).to.deep.equal([{ type: 'text', data: { text } }]);
    }
  });

  it('keeps the later of duplicate keys, and a value may hold `=` and `[`', () => {
    expect(decodeCq('[CQ:image,file=a,file=b=c[d]')).to.deep.equal([{ type: 'image', data: { file: 'b=c[d' } }]);
  });

  it('renders parts back byte for byte', () => {
    const samples = ['', 'plain', '[CQ:at,qq=1] x [CQ:image,file=a&#44;b,url=] &amp; [CQ:face]', '[[CQ:image,file=x]]', '[CQ:node,content=&#91;CQ:image&#44;file=y&#93;]'];
    for (const s of samples) expect(renderCq(parseCq(s)), s).to.equal(s);
  });

  it('escapes a value so decoding gives it back exactly', () => {
    const values = ['base64://ab+/=', 'file:///tmp/a,b[1]&c.png', '&#44;', ''];
    for (const v of values) {
      expect(decodeCq(`[CQ:image,file=${escapeCqValue(v)}]`)[0].data.file, v).to.equal(v);
    }
  });
});
