import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { fileTypeFromFile } from 'file-type';
import { sniffExtension, sniffFileExtension } from '../../src/store/sniff';
import { makeAmr, makeApng, makeAvif, makeHeic, makeJpeg, makeMp4, makePng, makeSilk } from '../host';
import { GIF_1x1, JPEG_1x1, PNG_1x1 } from './helpers';

const text = (s: string) => Buffer.from(s, 'latin1');

describe('store/sniff: the extension npm file-type gives (what NapCat names media by)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mc-sniff-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const samples: Array<[string, Buffer, string]> = [
    ['png', makePng({ bytes: 5_000 }), '.png'],
    ['apng (acTL before IDAT)', makeApng({ bytes: 5_000 }), '.apng'],
    ['avif (an ISO BMFF brand a hand sniffer calls mp4)', makeAvif(), '.avif'],
    ['heic', makeHeic(), '.heic'],
    ['jpeg', makeJpeg({ bytes: 5_000 }), '.jpg'],
    ['mp4', makeMp4(), '.mp4'],
    ['quicktime', text('\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  '), '.mov'],
    ['amr', makeAmr(), '.amr'],
    ['silk (unknown to file-type: no extension, as in NapCat)', makeSilk(), ''],
    ['1x1 png', PNG_1x1, '.png'],
    ['1x1 jpeg', JPEG_1x1, '.jpg'],
    ['1x1 gif', GIF_1x1, '.gif'],
    ['riff webp', text('RIFF\x24\x00\x00\x00WEBPVP8 '), '.webp'],
    ['text', text('hello world'), ''],
    ['empty', Buffer.alloc(0), ''],
  ];

  for (const [label, bytes, ext] of samples) {
    it(`${label}: ${ext || 'no extension'}, from the bytes and from the file alike, as file-type says`, async () => {
      const file = path.join(dir, label.replace(/\W+/g, '-'));
      await writeFile(file, bytes);
      const napcat = await fileTypeFromFile(file).then((t) => (t ? `.${t.ext}` : ''), () => '');
      expect(await sniffExtension(bytes)).to.equal(ext);
      expect(await sniffFileExtension(file)).to.equal(ext);
      expect(napcat, 'what NapCat’s uploadFile computes').to.equal(ext);
    });
  }

  it('a file that cannot be read gives no extension instead of a rejection', async () => {
    expect(await sniffFileExtension(path.join(dir, 'missing'))).to.equal('');
  });
});
