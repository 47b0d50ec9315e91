// Test media must be valid files (§9 item 6): the sniff (npm file-type, as NapCat) and the
// size readers NapCat uses must recognise them, and the PNG must decode.
import zlib from 'node:zlib';
import { expect } from 'chai';
import { makeAmr, makeApng, makeAvif, makeHeic, makeJpeg, makeMp4, makePng, makeSilk } from '..';
import { fileTypeFromBuffer, imageSizeFromBuffer } from '../media/sniff';

describe('host model: sample media', () => {
  it('makePng: exact size, IHDR dimensions, an IDAT that inflates to the declared scanlines', async () => {
    const png = makePng({ bytes: 300_000, width: 200, seed: 3 });
    expect(png.length).to.equal(300_000);
    expect((await fileTypeFromBuffer(png))?.ext).to.equal('png');
    const size = imageSizeFromBuffer(png);
    expect(size?.width).to.equal(200);
    const idatLength = png.readUInt32BE(33);
    expect(png.toString('latin1', 37, 41)).to.equal('IDAT');
    const raw = zlib.inflateSync(png.subarray(41, 41 + idatLength));
    expect(raw.length).to.equal((1 + 200 * 3) * (size?.height ?? 0));
    expect(zlib.deflateSync(png).length / png.length, 'filler does not compress').to.be.greaterThan(0.99);
    expect(makePng({ bytes: 50_000, seed: 3 }).equals(makePng({ bytes: 50_000, seed: 4 }))).to.equal(false);
  });

  it('makeJpeg: SOF0 carries the dimensions; no stray markers in the filler', async () => {
    const jpg = makeJpeg({ width: 1200, height: 900, bytes: 100_000 });
    expect((await fileTypeFromBuffer(jpg))?.ext).to.equal('jpg');
    expect(imageSizeFromBuffer(jpg)).to.deep.equal({ width: 1200, height: 900 });
    expect(jpg.subarray(-2).equals(Buffer.from([0xff, 0xd9]))).to.equal(true);
  });

  it('APNG, AVIF and HEIC are what file-type calls them, not png or mp4', async () => {
    const apng = makeApng({ bytes: 50_000, width: 64, seed: 5 });
    expect(apng.length).to.equal(50_000);
    expect((await fileTypeFromBuffer(apng))?.ext).to.equal('apng');
    expect(imageSizeFromBuffer(apng)?.width).to.equal(64);
    expect((await fileTypeFromBuffer(makeAvif()))?.ext).to.equal('avif');
    expect((await fileTypeFromBuffer(makeHeic()))?.ext).to.equal('heic');
  });

  it('mp4, silk and amr samples are what their sniffers expect', async () => {
    expect((await fileTypeFromBuffer(makeMp4()))?.ext).to.equal('mp4');
    expect((await fileTypeFromBuffer(makeAmr()))?.ext).to.equal('amr');
    expect(makeSilk().toString('latin1', 0, 10)).to.equal('\x02#!SILK_V3');
    expect(await fileTypeFromBuffer(makeSilk()), 'file-type does not know silk').to.equal(undefined);
  });
});
