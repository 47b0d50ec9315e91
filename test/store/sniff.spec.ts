import { expect } from 'chai';
import { sniffExtension } from '../../src/store/sniff';
import { GIF_1x1, JPEG_1x1, PNG_1x1 } from './helpers';

const text = (s: string) => Buffer.from(s, 'latin1');

describe('store/sniff sniffExtension', () => {
  it('recognises real minimal PNG, JPEG and GIF files', () => {
    expect(sniffExtension(PNG_1x1)).to.equal('.png');
    expect(sniffExtension(JPEG_1x1)).to.equal('.jpg');
    expect(sniffExtension(GIF_1x1)).to.equal('.gif');
    expect(sniffExtension(text('GIF87a\x01\x00\x01\x00'))).to.equal('.gif');
  });

  it('recognises the other media headers', () => {
    const bmp = Buffer.alloc(54);
    bmp.write('BM', 0, 'latin1');
    bmp.writeUInt32LE(40, 14);
    const cases: Array<[Buffer, string]> = [
      [text('RIFF\x24\x00\x00\x00WEBPVP8 '), '.webp'],
      [text('RIFF\x24\x00\x00\x00WAVEfmt '), '.wav'],
      [bmp, '.bmp'],
      [text('\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00'), '.mp4'],
      [text('#!SILK_V3\x0c\x00'), '.silk'],
      [text('\x02#!SILK_V3\x0c\x00'), '.silk'],
      [text('#!AMR\n\x3c'), '.amr'],
      [text('ID3\x04\x00\x00\x00\x00\x00\x00'), '.mp3'],
      [Buffer.from([0xff, 0xfb, 0x90, 0x64]), '.mp3'], // MPEG-1 layer III, 128 kbit/s, 44.1 kHz
      [text('OggS\x00\x02\x00\x00'), '.ogg'],
    ];
    for (const [bytes, ext] of cases) expect(sniffExtension(bytes), ext).to.equal(ext);
  });

  it('returns "" for unknown or too-short content and for near misses', () => {
    const bmpWithoutDib = Buffer.alloc(54);
    bmpWithoutDib.write('BM', 0, 'latin1');
    for (const bytes of [
      Buffer.alloc(0),
      text('hello world'),
      PNG_1x1.subarray(0, 7),
      text('RIFF\x24\x00\x00\x00AVI LIST'),
      bmpWithoutDib,
      Buffer.from([0xff, 0xf1, 0x50, 0x80]), // AAC ADTS: layer bits 00, not MP3
      Buffer.from([0xff, 0xfb, 0xf0, 0x64]), // bitrate index 15 is invalid
      text('#!SIL'),
    ]) {
      expect(sniffExtension(bytes), bytes.toString('hex')).to.equal('');
    }
  });
});
