// StoreHandle when the cache folder cannot be used: said once per failed open in the error
// catalog's words (CACHE_UNUSABLE), counted, and recovered from once the folder is fixed.
import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cacheUnusable } from '../../src/errors/catalog';
import { StoreHandle } from '../../src/napcat/store-handle';
import { recordingLogger } from '../config/recording-logger';

describe('napcat/store-handle: a cache folder that cannot be used', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'mc-handle-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('says CACHE_UNUSABLE with the errno, the folder and what happens meanwhile, counts each failed open, and recovers', async () => {
    const blocker = path.join(dir, 'blocker');
    await writeFile(blocker, 'a file where the cache folder’s parent should be');
    const cacheDir = path.join(blocker, 'cache');
    const { logger, lines } = recordingLogger();
    let unusable = 0;
    const handle = new StoreHandle(
      { dir: cacheDir, fallbackDir: path.join(dir, 'default'), logger },
      logger,
      { counts: () => undefined, unusable: () => unusable++ },
      0,
    );
    try {
      const first = await handle.putBytes(Buffer.from('x')).catch((e: unknown) => e);
      expect(first).to.be.instanceOf(Error);
      const warnings = lines.filter((l) => l.level === 'warn').map((l) => l.text);
      expect(warnings).to.have.length(1);
      const said = cacheUnusable({
        errno: 'ENOTDIR',
        dir: cacheDir,
        meanwhile: {
          zh: '请求暂走 NapCat 原流程（不会失败），0 秒后再试打开',
          en: "requests take NapCat's own path meanwhile (none fails), opening again in 0 s",
        },
      });
      expect(warnings[0].startsWith(said), warnings[0]).to.equal(true);
      expect(unusable).to.equal(1);

      // Fixed: the next put opens the store and goes through.
      await rm(blocker);
      const lease = await handle.putBytes(Buffer.from('hello'));
      expect(lease.media.size).to.equal(5);
      lease.release();
      expect(unusable, 'no count once it opens').to.equal(1);
    } finally {
      await handle.close();
    }
  });

  it('a put within the retry period is refused without a new open: one log line and one count per failed open', async () => {
    const blocker = path.join(dir, 'blocker');
    await writeFile(blocker, '');
    const { logger, lines } = recordingLogger();
    let unusable = 0;
    const handle = new StoreHandle(
      { dir: path.join(blocker, 'cache'), fallbackDir: path.join(dir, 'default'), logger },
      logger,
      { counts: () => undefined, unusable: () => unusable++ },
      60_000,
    );
    try {
      for (let i = 0; i < 5; i++) expect(await handle.putBytes(Buffer.from('x')).then(() => 'ok', () => 'refused')).to.equal('refused');
      expect(lines.filter((l) => l.level === 'warn')).to.have.length(1);
      expect(lines[0].text).to.include('opening again in 60 s');
      expect(unusable).to.equal(1);
    } finally {
      await handle.close();
    }
  });
});
