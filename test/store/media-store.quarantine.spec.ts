import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { expect } from 'chai';
import { MediaStore } from '../../src/store/media-store';
import { filesUnder, pngLike, recordingLogger, removeDir, storeFixture } from './helpers';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');


describe('store/media-store quarantine', () => {
  const t = storeFixture();

  it('moves a corrupt file out of the content tree; the next put of the same text rewrites the same path', async () => {
    const logger = recordingLogger();
    t.store = await MediaStore.open({ dir: t.dir, logger });
    const bytes = pngLike(64 * 1024);
    const text = bytes.toString('base64');
    const first = await t.store.putBase64(text);
    const { path, hash } = first.media;
    await writeFile(path, Buffer.alloc(bytes.length, 0x41)); // same size, wrong bytes

    expect(await t.store.quarantine(hash)).to.equal(true);
    expect(existsSync(path), 'final name freed').to.equal(false);
    expect(await filesUnder(t.dir, 'content')).to.deep.equal([]);
    expect(await filesUnder(t.dir, 'meta')).to.deep.equal([]);
    const aside = await filesUnder(t.dir, 'tmp');
    expect(aside, 'the bad bytes kept aside for inspection').to.have.length(1);
    expect(md5(await readFile(`${t.dir}/${aside[0]}`))).to.equal(md5(Buffer.alloc(bytes.length, 0x41)));
    expect(t.store.acquire(hash), 'no lease on a quarantined entry').to.equal(undefined);
    expect(t.store.stats()).to.include({ quarantined: 1, entries: 0, writes: 1 });
    expect(logger.warnings.join('\n')).to.contain('quarantined');

    // The fast path forgot the text: this put decodes and writes again, under the same name.
    const second = await t.store.putBase64(text);
    expect(second.media).to.deep.equal(first.media);
    expect((await readFile(path)).equals(bytes)).to.equal(true);
    expect(t.store.stats()).to.include({ writes: 2, fastPathHits: 0, entries: 1 });

    // The old lease is still a valid object; releasing it must not delete the republished file.
    first.release();
    await t.store.settle();
    expect(existsSync(path)).to.equal(true);
    expect(t.store.stats()).to.include({ deletions: 0, leases: 1 });
    second.release();
  });

  it('quarantines an entry whose file is already gone, and does nothing for unknown content', async () => {
    t.store = await MediaStore.open({ dir: t.dir });
    const bytes = pngLike(4096);
    const lease = await t.store.putBytes(bytes);
    expect(await t.store.quarantine('f'.repeat(64))).to.equal(false);
    await removeDir(lease.media.path);
    expect(await t.store.quarantine(lease.media.hash)).to.equal(true);
    expect(t.store.stats().quarantined).to.equal(1);
    const again = await t.store.putBytes(bytes);
    expect((await readFile(again.media.path)).equals(bytes)).to.equal(true);
    lease.release();
    again.release();
  });

  it('a leased entry evicted from the index is quarantined without its last release deleting the rebuilt file', async () => {
    t.store = await MediaStore.open({ dir: t.dir });
    const bytes = pngLike(8192);
    const lease = await t.store.putBytes(bytes);
    t.store.evict(lease.media.hash); // doomed: deleted at its last release
    await writeFile(lease.media.path, Buffer.alloc(bytes.length, 0x42));
    expect(await t.store.quarantine(lease.media.hash)).to.equal(true);
    const rebuilt = await t.store.putBytes(bytes);
    lease.release();
    await t.store.settle();
    expect(existsSync(rebuilt.media.path)).to.equal(true);
    expect((await readFile(rebuilt.media.path)).equals(bytes)).to.equal(true);
    rebuilt.release();
  });
});
