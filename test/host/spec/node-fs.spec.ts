// Node's own unlink, rename and copyFile (a plugin's, NapCat's JS) meet the host's file
// semantics: on Windows a file the kernel has open cannot be deleted or replaced, and the
// native copy may answer before its bytes are on disk.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { copyFile, link, rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { makePng, type Host } from '..';
import { withHost } from './helpers';

/** A media file the kernel is uploading (a slow link keeps it open for a while), and the upload. */
async function heldOpen(host: Host): Promise<{ file: string; upload: Promise<unknown> }> {
  const bytes = makePng({ bytes: 400_000, seed: 5 });
  const dir = path.join(host.paths.ntData, 'Pic', '2026-01', 'Ori');
  fs.mkdirSync(dir, { recursive: true });
  const md5 = crypto.createHash('md5').update(bytes).digest('hex');
  const file = path.join(dir, `${md5}.png`);
  fs.writeFileSync(file, bytes);
  const upload = host.kernel.native.upload({ path: file, size: bytes.length, md5 });
  await new Promise((resolve) => setTimeout(resolve, 100));
  return { file, upload };
}

const errno = (p: Promise<unknown>) => p.then(() => 'ok', (e: NodeJS.ErrnoException) => e.code);

describe('host model: Node file calls under the host’s file semantics', function () {
  this.timeout(20000);
  const slow = { timeScale: 0.1, bandwidth: 100_000 };

  it('windows-ebusy: unlink of a file the kernel reads fails EBUSY, a rename or copy over it EPERM/EBUSY, sync forms alike', async () => {
    await withHost({ ...slow, fileMode: 'windows-ebusy' }, async (host) => {
      const { file, upload } = await heldOpen(host);
      const other = path.join(path.dirname(file), '.other.tmp');
      fs.writeFileSync(other, 'x');
      expect(await errno(unlink(file))).to.equal('EBUSY');
      expect(await errno(rename(other, file))).to.equal('EPERM');
      expect(await errno(copyFile(other, file))).to.equal('EBUSY');
      expect(() => fs.unlinkSync(file)).to.throw().with.property('code', 'EBUSY');
      expect(fs.existsSync(file)).to.equal(true);
      await upload;
      await unlink(file);
      expect(fs.existsSync(file)).to.equal(false);
      expect(host.counters.outsideUnlinksWhileOpen).to.equal(0);
    });
  });

  it('windows-ebusy: rm (all forms), copyFile with COPYFILE_EXCL and link meet the same rules, with their own semantics kept', async () => {
    await withHost({ ...slow, fileMode: 'windows-ebusy' }, async (host) => {
      const { file, upload } = await heldOpen(host);
      const dir = path.dirname(file);
      const other = path.join(dir, '.other.tmp');
      const linked = path.join(dir, '.linked.tmp');
      fs.writeFileSync(other, 'x');
      expect(await errno(rm(file)), 'rm').to.equal('EBUSY');
      expect(await errno(rm(file, { force: true })), 'rm, force').to.equal('EBUSY');
      expect(() => fs.rmSync(file), 'rmSync').to.throw().with.property('code', 'EBUSY');
      expect(await errno(new Promise((resolve, reject) => fs.rm(file, (e) => (e ? reject(e) : resolve(null))))), 'fs.rm callback').to.equal('EBUSY');
      expect(await errno(rm(path.join(dir, 'gone'), { force: true })), 'rm of nothing, force').to.equal('ok');
      expect(await errno(rm(path.join(dir, 'gone'))), 'rm of nothing').to.equal('ENOENT');
      // COPYFILE_EXCL onto an existing name: EEXIST, as ever; onto the held name without it: the sharing rule.
      expect(await errno(copyFile(other, file, fs.constants.COPYFILE_EXCL)), 'copyFile EXCL onto a name').to.equal('EEXIST');
      expect(await errno(copyFile(file, path.join(dir, '.copy.tmp'), fs.constants.COPYFILE_EXCL)), 'copyFile EXCL from the read file').to.equal('ok');
      expect(() => fs.copyFileSync(other, file, fs.constants.COPYFILE_FICLONE), 'copyFileSync with flags').to.throw().with.property('code', 'EBUSY');
      // A hard link to the held file names the held file: it can be made, but not deleted or moved.
      expect(await errno(link(file, linked)), 'link').to.equal('ok');
      expect(await errno(link(file, linked)), 'link onto a taken name').to.equal('EEXIST');
      expect(await errno(unlink(linked)), 'unlink of the other name').to.equal('EBUSY');
      expect(await errno(rename(linked, path.join(dir, '.moved.tmp'))), 'rename of the other name').to.equal('EBUSY');
      expect(await errno(copyFile(other, linked)), 'copy onto the other name').to.equal('EBUSY');
      expect(fs.existsSync(file) && fs.existsSync(linked)).to.equal(true);
      await upload;
      await unlink(linked);
      await rm(file);
      expect(fs.existsSync(file)).to.equal(false);
      expect(host.counters.outsideUnlinksWhileOpen).to.equal(0);
    });
  });

  it('windows-delete-pending: rm leaves the name delete-pending; link, copyFile (EXCL too) and rm meet it with EPERM; a link’s name stays pending until the file is let go', async () => {
    await withHost({ ...slow, fileMode: 'windows-delete-pending' }, async (host) => {
      const { file, upload } = await heldOpen(host);
      const dir = path.dirname(file);
      const other = path.join(dir, '.other.tmp');
      const linked = path.join(dir, '.linked.tmp');
      fs.writeFileSync(other, 'x');
      expect(await errno(link(file, linked)), 'link').to.equal('ok');
      fs.rmSync(linked);
      expect(fs.existsSync(linked), 'the link’s name').to.equal(false);
      expect(await errno(copyFile(other, linked, fs.constants.COPYFILE_EXCL)), 'copy onto the link’s pending name').to.equal('EPERM');
      await rm(file);
      expect(fs.existsSync(file)).to.equal(false);
      expect(await errno(rm(file)), 'rm again').to.equal('EPERM');
      expect(await errno(copyFile(other, file, fs.constants.COPYFILE_EXCL)), 'copyFile EXCL').to.equal('EPERM');
      expect(await errno(link(other, file)), 'link onto the pending name').to.equal('EPERM');
      expect(() => fs.linkSync(file, path.join(dir, '.again.tmp')), 'linkSync of the pending name').to.throw().with.property('code', 'EPERM');
      await upload;
      await link(other, file);
      await copyFile(other, linked, fs.constants.COPYFILE_EXCL);
      expect(fs.readFileSync(file, 'utf8')).to.equal('x');
      expect(host.counters.outsideUnlinksWhileOpen).to.equal(0);
    });
  });

  it('windows-delete-pending: the unlink succeeds, and the name can be neither replaced nor created until the kernel lets go', async () => {
    await withHost({ ...slow, fileMode: 'windows-delete-pending' }, async (host) => {
      const { file, upload } = await heldOpen(host);
      const other = path.join(path.dirname(file), '.other.tmp');
      fs.writeFileSync(other, 'x');
      await unlink(file);
      expect(fs.existsSync(file)).to.equal(false);
      expect(await errno(rename(other, file))).to.equal('EPERM');
      expect(await errno(copyFile(other, file))).to.equal('EPERM');
      await upload;
      await rename(other, file);
      expect(fs.readFileSync(file, 'utf8')).to.equal('x');
      expect(host.counters.outsideUnlinksWhileOpen).to.equal(0);
      expect(host.counters.nodeMediaPlacements, 'a rename onto a visible media name').to.equal(1);
    });
  });

  it('posix: Node’s calls go through untouched (the unlink under the reader is what the counter records)', async () => {
    await withHost(slow, async (host) => {
      const { file, upload } = await heldOpen(host);
      await unlink(file);
      await upload;
      expect(host.counters.outsideUnlinksWhileOpen).to.equal(1);
    });
  });

  it('a native copy that resolves early answers before its bytes are on disk', async () => {
    await withHost({ timeScale: 1, diskBandwidth: 1_000_000, nativeCopyResolvesEarly: true }, async (host) => {
      const src = path.join(host.paths.tempPath, 'src');
      const dst = path.join(host.paths.tempPath, 'dst');
      fs.writeFileSync(src, makePng({ bytes: 500_000, seed: 6 }));
      const result = await host.core.util.copyFile(src, dst);
      expect(result.result).to.equal(0);
      expect(fs.statSync(dst).size, 'bytes on disk when it answered').to.be.lessThan(500_000);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(fs.statSync(dst).size).to.equal(500_000);
    });
  });
});
