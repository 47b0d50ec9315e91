// Node's own unlink, rename and copyFile (a plugin's, NapCat's JS) meet the host's file
// semantics: on Windows a file the kernel has open cannot be deleted or replaced, and the
// native copy may answer before its bytes are on disk.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { copyFile, rename, unlink } from 'node:fs/promises';
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
