import { expect } from 'chai';
import { supportedExtensions } from 'file-type';
import { EXT, contentHashOf } from '../../src/store/layout';

describe('StoreLayout names', () => {
  const hash = 'ab'.repeat(32);

  it('every extension npm file-type can give fits a content name and a meta (the sweep counts and trims that content)', () => {
    const misfits = [...supportedExtensions].filter((ext) => contentHashOf(`${hash}.${ext}`) !== hash || !EXT.test(`.${ext}`));
    expect(misfits).to.deep.equal([]);
    expect(contentHashOf(hash), 'no extension').to.equal(hash);
  });

  it('names that are not ours stay unrecognised', () => {
    for (const name of [`${hash}.`, `${hash}..png`, `${hash}.a.b.c`, `${hash}.png.tmp.x`, `x${hash}.png`, '.DS_Store']) {
      expect(contentHashOf(name), name).to.equal(undefined);
    }
  });
});
