// What people and other programs do to the cache folder while the store runs: delete or
// truncate its files, remove whole folders, leave a meta with a wrong md5, plant a link.
import { createHash } from 'node:crypto';
import { mkdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { MediaStore } from '../../src/store/media-store';
import { pngLike, storeFixture } from './helpers';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('store/media-store links planted in the folder (issue 11 item 10)', () => {
  const t = storeFixture();

  it('a meta write replaces a link under its name and never writes through it', async () => {
    t.store = await MediaStore.open({ dir: t.dir });
    const bytes = pngLike(10_000);
    const hash = sha256(bytes);
    const victim = join(t.dir, 'victim.txt');
    await writeFile(victim, 'precious');
    await mkdir(join(t.dir, 'meta', hash.slice(0, 2)), { recursive: true });
    const meta = join(t.dir, 'meta', hash.slice(0, 2), `${hash}.json`);
    await symlink(victim, meta);
    const lease = await t.store.putBytes(bytes);
    expect(await readFile(victim, 'utf8')).to.equal('precious');
    expect(await readlink(meta).catch(() => 'not a link')).to.equal('not a link');
    expect((JSON.parse(await readFile(meta, 'utf8')) as { md5: string }).md5).to.equal(md5(bytes));
    lease.release();
  });
});
