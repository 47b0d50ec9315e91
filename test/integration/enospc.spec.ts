import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makePng, type Host } from '../host';
import { burst, failed, hostWithPlugin, imageSegment, pluginStats } from './support';

const TMPFS_BYTES = 4 * 1024 * 1024;
const IMAGE_BYTES = 300_000;

/** Fills `dir` with one ballast file until the disk says no; returns its path. */
function fill(dir: string, leaveBytes: number): string {
  const ballast = path.join(dir, 'ballast');
  const free = fs.statfsSync(dir).bavail * fs.statfsSync(dir).bsize;
  fs.writeFileSync(ballast, Buffer.alloc(Math.max(0, free - leaveBytes)));
  return ballast;
}

// The store on a real, small tmpfs: puts fail with the kernel's own ENOSPC in the middle of a
// burst, through the bundle that ships. Runs as root (CI does); a failed mount fails the test.
describe('integration: the cache disk fills up (ENOSPC on a small tmpfs) during a burst', function () {
  this.timeout(120_000);
  let mountPoint: string | undefined;
  let mounted = false;
  let host: Host | undefined;
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);

  before(() => {
    mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-enospc-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES}`, 'tmpfs', mountPoint], { stdio: 'pipe' });
      mounted = true;
    } catch (error) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? error).trim();
      throw new Error(`无法挂载 tmpfs（此测试需要 root）/ cannot mount a tmpfs at ${mountPoint} (this test needs root): ${stderr}`);
    }
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
  });

  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
    await host?.close();
    if (mounted && mountPoint) execFileSync('umount', [mountPoint]);
    if (mountPoint) fs.rmSync(mountPoint, { recursive: true, force: true });
  });

  it('every request succeeds through NapCat’s path while the disk is full; once space is freed the store serves hits again', async () => {
    const cacheDir = path.join(mountPoint!, 'cache');
    host = await hostWithPlugin({ timeScale: 0.05, seed: 6 }, { cacheDir, graceSeconds: 1 });
    const images = Array.from({ length: 8 }, (_, k) => makePng({ bytes: IMAGE_BYTES, seed: 200 + k }));
    // Room for about one and a half images: the second write runs out of space half-way.
    const ballast = fill(mountPoint!, IMAGE_BYTES * 1.5);

    const full = await burst(host, 80, (i) => [imageSegment(images[i % images.length])], 1000, 6);
    const during = await pluginStats(host);
    console.log(`      disk full: failed ${failed(full).length}/80; store writes ${during.store.misses}; fallbacks ${JSON.stringify(during.fallbacks)}`);
    expect(failed(full).map((r) => r.message), 'requests lost to the full disk').to.deep.equal([]);
    expect(during.fallbacks['base64:IO'], 'puts that hit ENOSPC and went down NapCat’s path').to.be.greaterThan(0);
    expect(during.store.misses, 'writes before the disk filled').to.be.within(1, images.length - 2);
    expect(fs.readdirSync(path.join(cacheDir, 'tmp')), 'partial writes left behind').to.deep.equal([]);
    const faults = host.logs.filter((l) => l.text.includes('falls back to NapCat'));
    expect(faults.map((l) => l.text.match(/ENOSPC/)?.[0]), 'the burst’s fault, logged once with its errno').to.deep.equal(['ENOSPC']);

    fs.rmSync(ballast);
    const refill = await burst(host, 16, (i) => [imageSegment(images[i % images.length])], 1000, 7);
    const hitsBefore = (await pluginStats(host)).store.hits;
    const again = await burst(host, 40, (i) => [imageSegment(images[i % images.length])], 1000, 8);
    const after = await pluginStats(host);
    console.log(`      space freed: store writes ${after.store.misses}, store hits ${hitsBefore} → ${after.store.hits}`);
    expect(failed(refill).concat(failed(again)).map((r) => r.message)).to.deep.equal([]);
    const stored = fs.readdirSync(path.join(cacheDir, 'content'), { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    expect(stored, 'every image stored once space was back').to.have.length(images.length);
    expect(after.store.hits - hitsBefore, 'every send of the last burst served from the store').to.equal(40);
    expect(unhandled, 'uncaught errors').to.deep.equal([]);
  });
});
