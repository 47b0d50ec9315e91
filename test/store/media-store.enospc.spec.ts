import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { MediaStore } from '../../src/store/media-store';
import { filesUnder, pngLike, tempDir } from './helpers';

/** Fills the filesystem of `dir` until not one more byte fits. */
function fillUp(dir: string): void {
  const ballast = join(dir, 'ballast');
  const { bavail, bsize } = fs.statfsSync(dir);
  fs.writeFileSync(ballast, Buffer.alloc(bavail * bsize));
  try {
    for (;;) fs.appendFileSync(ballast, Buffer.alloc(512));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
}

// Issue 11 item 13: on a full disk the meta's writeFile created the file, then failed to write
// it, and the clean-up (chained on that write succeeding) was skipped: a 0-byte meta stayed.
// A real tmpfs, so the kernel's own ENOSPC; runs as root (CI does), a failed mount fails it.
describe('store/media-store on a disk with 0 bytes free (a real tmpfs)', function () {
  this.timeout(60_000);
  let mountPoint = '';
  let mounted = false;

  before(async () => {
    mountPoint = await tempDir();
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint], { stdio: 'pipe' });
      mounted = true;
    } catch (error) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? error).trim();
      throw new Error(`无法挂载 tmpfs（此测试需要 root）/ cannot mount a tmpfs at ${mountPoint} (this test needs root): ${stderr}`);
    }
  });

  after(() => {
    if (mounted) execFileSync('umount', [mountPoint]);
    fs.rmSync(mountPoint, { recursive: true, force: true });
  });

  it('every put fails with ENOSPC as a fallback, and nothing of any put remains: no content, meta, temp file or marker', async () => {
    const dir = join(mountPoint, 'store');
    const store = await MediaStore.open({ dir });
    await store.swept();
    fillUp(mountPoint);
    const errors: string[] = [];
    for (let i = 0; i < 10; i++) {
      const bytes = pngLike(40_000 + i);
      const put = i % 2 ? store.putBytes(bytes) : store.putBase64(bytes.toString('base64'));
      errors.push(await put.then(() => 'ok', (e: { code: string; errno?: string; fallback: boolean }) => `${e.code}/${e.errno}/${e.fallback}`));
    }
    await store.close();
    expect(errors).to.deep.equal(Array(10).fill('IO/ENOSPC/true'));
    for (const tree of ['content', 'meta', 'tmp', 'leases']) expect(await filesUnder(dir, tree), tree).to.deep.equal([]);
  });
});
