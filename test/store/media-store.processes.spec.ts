import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { MediaStore } from '../../src/store/media-store';
import { sharedContent } from './fixtures/content';
import { filesUnder, storeFixture } from './helpers';

const FIXTURES = join(import.meta.dirname, 'fixtures');

function child(fixture: string, args: string[]): { proc: ChildProcess; lines: AsyncIterator<string>; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(FIXTURES, fixture), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  async function* read() {
    let buffered = '';
    for await (const chunk of proc.stdout!) {
      buffered += String(chunk);
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        yield buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
      }
    }
  }
  return { proc, lines: read(), exited };
}

async function nextLine(lines: AsyncIterator<string>): Promise<string> {
  const { value, done } = await lines.next();
  if (done) throw new Error('child exited early');
  return value;
}

describe('store/media-store MediaStore across processes', () => {
  const t = storeFixture();

  it('4 processes × 100 concurrent puts of one content into one t.dir: one write in total, all read back identical', async () => {
    const children = Array.from({ length: 4 }, () => child('put-child.ts', [t.dir, 'shared', '100']));
    for (const c of children) expect(await nextLine(c.lines)).to.equal('ready');
    for (const c of children) c.proc.stdin!.write('go\n');
    const results = await Promise.all(children.map(async (c) => JSON.parse(await nextLine(c.lines))));
    expect(await Promise.all(children.map((c) => c.exited))).to.deep.equal([0, 0, 0, 0]);

    const writes = results.reduce((sum, r) => sum + r.writes, 0);
    expect(writes, 'content files written across all processes').to.equal(1);
    for (const r of results) expect(r.identical).to.equal(100);
    expect(new Set(results.flatMap((r) => r.paths)).size).to.equal(1);
    expect(new Set(results.flatMap((r) => r.md5s)).size).to.equal(1);
    const files = await filesUnder(t.dir, 'content');
    expect(files).to.have.length(1);
    expect((await readFile(join(t.dir, files[0]))).equals(sharedContent('shared', 512 * 1024))).to.equal(true);
    expect(await filesUnder(t.dir, 'tmp')).to.deep.equal([]);
    expect(await filesUnder(t.dir, 'leases'), 'markers after every process closed').to.deep.equal([]);
  });

  it('a writer killed mid-write leaves no partial file under a final name; the next start removes its temp file', async () => {
    const writer = child('killed-writer.ts', [t.dir, 'killed']);
    const line = await nextLine(writer.lines);
    expect(line).to.match(/^partial /);
    const tmp = line.slice('partial '.length);
    writer.proc.kill('SIGKILL');
    await writer.exited;

    expect((await stat(tmp)).size).to.be.greaterThan(0);
    expect(await filesUnder(t.dir, 'content')).to.deep.equal([]);
    // The meta goes down beside the write, so it may be there, naming a content that is not.
    expect((await filesUnder(t.dir, 'meta')).length).to.be.at.most(1);

    const store = await MediaStore.open({ dir: t.dir, lockStaleMs: 2000 });
    try {
      await store.swept();
      expect(await filesUnder(t.dir, 'tmp')).to.deep.equal([]);
      expect(await filesUnder(t.dir, 'meta')).to.deep.equal([]); // the sweep dropped it
      // Its lock is abandoned too: the next put of that content waits for it to go stale, then writes.
      const bytes = sharedContent('killed', 1024 * 1024);
      const lease = await store.putBytes(bytes);
      expect((await readFile(lease.media.path)).equals(bytes)).to.equal(true);
      expect(store.stats().writes).to.equal(1);
      lease.release();
    } finally {
      await store.close();
    }
  });

  it('importing the store loads no lock library; using it loads one, once per process', async () => {
    const probe = child('import-probe.ts', []);
    const result = JSON.parse(await nextLine(probe.lines));
    expect(await probe.exited).to.equal(0);
    expect(result.afterImport).to.deep.equal(result.before);
    expect(result.before.loaded).to.equal(false);
    expect(result.afterUse.loaded).to.equal(true);
    expect(result.afterUse.sigint).to.be.at.most(result.before.sigint + 1);
  });
});
