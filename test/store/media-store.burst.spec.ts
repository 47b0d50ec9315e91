import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { filesUnder, storeFixture } from './helpers';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'burst-child.ts');

// Issue 11 item 2: every put opened its temp file before taking its lock, with no bound, so a
// burst of distinct images held one descriptor per put: under `ulimit -n 1024` every put failed
// with EMFILE (and so did opens elsewhere in the process).
describe('store/media-store a burst of distinct content under a file-descriptor limit', function () {
  this.timeout(120_000);
  const t = storeFixture();

  it('2,000 distinct 50 KB puts under ulimit -n 1024 all succeed, with the store holding at most 64 descriptors', () => {
    const out = execFileSync('bash', ['-c', `ulimit -n 1024 && exec "${process.execPath}" --import tsx "${FIXTURE}" "${t.dir}" 2000 51200`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const result = JSON.parse(out.trim().split('\n').pop()!) as { ok: number; errors: Record<string, number>; storeFds: number };
    console.log(`      ${result.ok}/2000 puts succeeded; the store held at most ${result.storeFds} descriptors (limit 64)`);
    expect(result.errors).to.deep.equal({});
    expect(result.ok).to.equal(2000);
    expect(result.storeFds).to.be.at.most(64);
  });

  it('leaves every content written once and no temp file', async () => {
    execFileSync(process.execPath, ['--import', 'tsx', FIXTURE, t.dir, '300', '20000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    expect(await filesUnder(t.dir, 'content')).to.have.length(300);
    expect(await filesUnder(t.dir, 'tmp')).to.deep.equal([]);
  });
});
