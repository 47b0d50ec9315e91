import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, unlink, writeFile, copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CorruptSourceError, MediaCopies } from '../../src/napcat/media-copies';

describe('MediaCopies', () => {
  let dir: string;
  let src: string;
  let dst: string;
  const bytes = Buffer.alloc(256 * 1024, 7);
  const md5Of = (b: Buffer) => createHash('md5').update(b).digest('hex');
  const md5 = md5Of(bytes);

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mc-copies-'));
    src = path.join(dir, 'src.png');
    dst = path.join(dir, `${md5}.png`);
    await writeFile(src, bytes);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('50 concurrent callers share one copy; later callers find it present', async () => {
    let native = 0;
    const copies = new MediaCopies(async (a, b) => { native++; await copyFile(a, b); });
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => copies.ensure(src, dst, bytes.length)));
    expect(native).to.equal(1);
    // Exactly one caller made the copy; the stats count the other 49 as copies avoided.
    expect(outcomes.filter((o) => o === 'copied')).to.have.length(1);
    expect(outcomes.filter((o) => o === 'present')).to.have.length(49);
    expect(await copies.ensure(src, dst)).to.equal('present');
    expect(native).to.equal(1);
    expect((await readFile(dst)).equals(bytes)).to.equal(true);
    expect(await readdir(dir)).to.have.members(['src.png', `${md5}.png`]);
  });

  it('copies again when the file was deleted from outside or rewritten with other bytes', async () => {
    let native = 0;
    const copies = new MediaCopies(async (a, b) => { native++; await copyFile(a, b); });
    await copies.ensure(src, dst);
    await unlink(dst);
    expect(await copies.ensure(src, dst)).to.equal('copied');
    await writeFile(dst, Buffer.alloc(bytes.length, 1)); // same size, wrong content
    expect(await copies.ensure(src, dst)).to.equal('copied');
    expect(native).to.equal(3);
    expect((await readFile(dst)).equals(bytes)).to.equal(true);
  });

  it('trustMs: a copy checked within the window is taken as present without looking; a stale check, forget() or no trust look again', async () => {
    let native = 0;
    const copies = new MediaCopies(async (a, b) => { native++; await copyFile(a, b); });
    await copies.ensure(src, dst, bytes.length);
    await unlink(dst); // deleted from outside right after the check
    expect(await copies.ensure(src, dst, bytes.length, 60_000), 'trusted').to.equal('present');
    expect(native).to.equal(1);
    expect(await copies.ensure(src, dst, bytes.length), 'no trust: looks and copies').to.equal('copied');
    await new Promise((r) => setTimeout(r, 20));
    await unlink(dst);
    expect(await copies.ensure(src, dst, bytes.length, 10), 'check older than the window').to.equal('copied');
    copies.forget(dst);
    await unlink(dst);
    expect(await copies.ensure(src, dst, bytes.length, 60_000), 'forgotten').to.equal('copied');
    expect(native).to.equal(4);
  });

  it('confirmNow: true only while the file on disk is the very one last verified there, found by one stat', async () => {
    const copies = new MediaCopies((a, b) => copyFile(a, b));
    expect(copies.confirmNow(dst, bytes.length), 'never checked').to.equal(false);
    await copies.ensure(src, dst, bytes.length);
    expect(copies.confirmNow(dst, bytes.length)).to.equal(true);
    expect(copies.confirmNow(dst, bytes.length + 1), 'another size asked for').to.equal(false);
    // Rewritten with other bytes of the same size: a new mtime (or inode) is not the file we hashed.
    await new Promise((r) => setTimeout(r, 5));
    await writeFile(dst, Buffer.alloc(bytes.length, 1));
    expect(copies.confirmNow(dst, bytes.length), 'rewritten').to.equal(false);
    expect(await copies.ensure(src, dst, bytes.length)).to.equal('copied');
    expect(copies.confirmNow(dst, bytes.length)).to.equal(true);
    await unlink(dst);
    expect(copies.confirmNow(dst, bytes.length), 'deleted').to.equal(false);
    expect(await copies.ensure(src, dst, bytes.length)).to.equal('copied');
    copies.forget(dst);
    expect(copies.confirmNow(dst, bytes.length), 'forgotten').to.equal(false);
  });

  it('confirmNow and trusted never answer for a destination whose name holds no md5, nor while a check of it runs', async () => {
    const thumb = path.join(dir, `${md5}_0.png`);
    const copies = new MediaCopies((a, b) => copyFile(a, b));
    await copies.ensure(src, thumb, bytes.length);
    expect(copies.confirmNow(thumb, bytes.length), 'no md5 in the name').to.equal(false);
    expect(copies.trusted(thumb, bytes.length, 60_000), 'no md5 in the name').to.equal(false);
    await copies.ensure(src, dst, bytes.length);
    expect(copies.trusted(dst, bytes.length, 60_000)).to.equal(true);
    const running = copies.ensure(src, dst, bytes.length); // a check of dst begins now
    expect(copies.confirmNow(dst, bytes.length), 'check running').to.equal(false);
    expect(copies.trusted(dst, bytes.length, 60_000), 'check running').to.equal(false);
    expect(await running).to.equal('present');
    expect(copies.confirmNow(dst, bytes.length)).to.equal(true);
  });

  it('confirmNow answers false, never throws, when the stat itself fails (a name that is no path)', async () => {
    const copies = new MediaCopies((a, b) => copyFile(a, b));
    await copies.ensure(src, dst, bytes.length);
    // Windows answers EPERM for a delete-pending name; here a stat that fails with ENOTDIR stands in.
    await rm(dir, { recursive: true, force: true });
    await writeFile(dir, 'a file where the folder was');
    expect(() => copies.confirmNow(dst, bytes.length)).not.to.throw();
    expect(copies.confirmNow(dst, bytes.length)).to.equal(false);
    await rm(dir, { force: true });
  });

  it('accepts a correct file it did not place (md5 from its name) without copying', async () => {
    await writeFile(dst, bytes);
    let native = 0;
    const copies = new MediaCopies(async (a, b) => { native++; await copyFile(a, b); });
    expect(await copies.ensure(src, dst)).to.equal('present');
    expect(native).to.equal(0);
  });

  it('a same-size destination whose name holds no md5 (a video thumbnail) is checked by content, not taken on size', async () => {
    const thumb = path.join(dir, `${md5}_0.png`);
    await writeFile(thumb, Buffer.alloc(bytes.length, 1)); // NapCat's default thumbnail, same size
    let native = 0;
    const copies = new MediaCopies(async (a, b) => { native++; await copyFile(a, b); });
    expect(await copies.ensure(src, thumb)).to.equal('copied');
    expect(native).to.equal(1);
    expect((await readFile(thumb)).equals(bytes)).to.equal(true);
    expect(await copies.ensure(src, thumb), 'now it holds these bytes').to.equal('present');
    expect(native).to.equal(1);
  });

  it('another source of the same size for one unnamed destination (a second custom thumbnail) is placed', async () => {
    const thumb = path.join(dir, `${md5}_0.png`);
    const other = path.join(dir, 'other.png');
    const otherBytes = Buffer.alloc(bytes.length, 8);
    await writeFile(other, otherBytes);
    const copies = new MediaCopies((a, b) => copyFile(a, b));
    await copies.ensure(src, thumb);
    expect(await copies.ensure(other, thumb)).to.equal('copied');
    expect((await readFile(thumb)).equals(otherBytes)).to.equal(true);
  });

  it('a short native copy fails loudly, publishes nothing and leaves no temp file', async () => {
    const copies = new MediaCopies(async (_a, b) => writeFile(b, bytes.subarray(0, 100)));
    const err = await copies.ensure(src, dst).catch((e: Error) => e);
    expect(String(err)).to.contain('incomplete copy');
    expect(await readdir(dir)).to.deep.equal(['src.png']);
  });

  it('a source whose bytes are not the md5 the destination is named by is never placed', async () => {
    await writeFile(src, Buffer.alloc(bytes.length, 9)); // same size, other bytes
    let native = 0;
    const copies = new MediaCopies(async (a, b) => { native++; await copyFile(a, b); });
    const err = await copies.ensure(src, dst, bytes.length).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(CorruptSourceError);
    expect(native, 'the copy was made and checked').to.equal(1);
    expect(await readdir(dir), 'nothing placed, no temp file').to.deep.equal(['src.png']);
  });

  it('copies again when its temp file is deleted from outside mid-copy, then places the file', async () => {
    let native = 0;
    const copies = new MediaCopies(async (a, b) => {
      native++;
      await copyFile(a, b);
      if (native === 1) await unlink(b); // a cleaner sweeping the media folder
    });
    expect(await copies.ensure(src, dst, bytes.length)).to.equal('copied');
    expect(native).to.equal(2);
    expect(md5Of(await readFile(dst))).to.equal(md5);
  });

  it('forget() makes the next caller check the disk again instead of joining a check already running', async () => {
    let native = 0;
    const copies = new MediaCopies(async (a, b) => { native++; await copyFile(a, b); });
    await copies.ensure(src, dst, bytes.length);
    const stale = copies.ensure(src, dst, bytes.length); // checks the file as present
    await unlink(dst);
    copies.forget(dst);
    expect(await copies.ensure(src, dst, bytes.length)).to.equal('copied');
    await stale;
    expect(native).to.equal(2);
    expect(md5Of(await readFile(dst))).to.equal(md5);
  });
});
