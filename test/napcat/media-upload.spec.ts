import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MediaUpload } from '../../src/napcat/media-upload';
import type { Method, UploadResult } from '../../src/napcat/shapes';
import type { Lease } from '../../src/store/types';
import { makePng } from '../host/media/samples';
import { FakeStore } from './fake-store';
import { fakeDeps } from './fakes';
import { hooked } from './hooked';

/** The MediaUpload hook as installed over `original`. */
const over = (hook: MediaUpload, original: Method): Method => hooked((o, s, a) => hook.upload(o, s, a), original);

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describe('MediaUpload (core.apis.FileApi.uploadFile)', () => {
  let dir: string;
  let ori: string;
  let store: FakeStore;
  let nativeCopies: number;
  const png = makePng({ bytes: 50_000, seed: 2 });

  /** `core.context.session.getMsgService()`, as the fast path reaches NTQQ's media path. */
  const core = () => ({
    context: {
      session: {
        getMsgService: () => ({
          getRichMediaFilePathForGuild: (req: { md5HexStr: string; fileName: string }) => path.join(ori, req.md5HexStr + path.extname(req.fileName)),
        }),
      },
    },
  });

  /** NapCat's own uploadFile: its md5 pass over the file, then the copy to Ori/<md5>. */
  function napcat() {
    const calls: unknown[][] = [];
    const original = async (...args: unknown[]): Promise<UploadResult> => {
      calls.push(args);
      const file = args[0] as string;
      const bytes = await readFile(file);
      const sum = md5(bytes);
      const ext = path.extname(file);
      const target = args[3] === false ? file : path.join(ori, sum + ext);
      if (target !== file) await copyFile(file, target);
      return { md5: sum, fileName: path.basename(file), path: target, fileSize: bytes.length, ext };
    };
    return { calls, original };
  }

  function deps(config = {}) {
    nativeCopies = 0;
    return fakeDeps(config, {
      store,
      core: core(),
      copy: async (a, b) => {
        nativeCopies++;
        await copyFile(a, b);
      },
    });
  }

  /** A store put as the resolver makes it: leased, known to the hooks, its base64 kept in the scope. */
  async function resolved(d: ReturnType<typeof deps>, bytes: Buffer, withSource = true): Promise<Lease> {
    const text = bytes.toString('base64');
    const lease = await store.putBase64(text);
    d.scopes.hold(lease, lease.media.path);
    d.managed.addStoreFile(lease.media);
    if (withSource) d.sources.remember(lease.media.path, text);
    return lease;
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mc-upload-'));
    ori = path.join(dir, 'Ori');
    await mkdir(ori);
    store = new FakeStore(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('a store file: NapCat’s shape from the store, its md5 pass never run, one copy for 10 concurrent sends, the media path leased', async () => {
    const d = deps();
    const { calls, original } = napcat();
    const upload = over(new MediaUpload(d), original);
    let results: UploadResult[] = [];
    let media!: Lease['media'];
    await d.scopes.run(async () => {
      media = (await resolved(d, png)).media;
      results = (await Promise.all(Array.from({ length: 10 }, () => upload(media.path, 2, 0)))) as UploadResult[];
      expect(d.pathLeases.held(results[0].path), 'leased while the send runs').to.equal(true);
    });
    const mediaPath = path.join(ori, `${media.md5}.png`);
    for (const r of results) expect(r).to.deep.equal({ md5: md5(png), fileName: path.basename(media.path), path: mediaPath, fileSize: png.length, ext: '.png' });
    expect(calls, "NapCat's uploadFile (its md5 pass)").to.have.length(0);
    expect(nativeCopies).to.equal(1);
    expect((await readFile(mediaPath)).equals(png)).to.equal(true);
    expect(d.managed.has(mediaPath), 'kept out of NapCat’s deletion list').to.equal(true);
    expect(d.pathLeases.held(mediaPath), 'released with the send').to.equal(false);
    expect(d.stats.snapshot().ntqq).to.deep.equal({ copiesMade: 1, copiesAvoided: 9 });
  });

  it('a file that is not ours goes to NapCat’s original with the same arguments; its media path is leased', async () => {
    const d = deps();
    const { calls, original } = napcat();
    const file = path.join(dir, 'local.png');
    await writeFile(file, png);
    let result!: UploadResult;
    await d.scopes.run(async () => {
      result = (await over(new MediaUpload(d), original)(file, 2, 0, true)) as UploadResult;
      expect(d.pathLeases.held(result.path)).to.equal(true);
    });
    expect(calls).to.deep.equal([[file, 2, 0, true]]);
    expect(result.path).to.equal(path.join(ori, `${md5(png)}.png`));
    expect(d.managed.placed(result.path)).to.deep.equal({ src: file, size: png.length });
  });

  it('without the copy (uploadGroupFile false) the store file itself is returned and nothing is copied', async () => {
    const d = deps();
    const { calls, original } = napcat();
    await d.scopes.run(async () => {
      const media = (await resolved(d, png)).media;
      const r = (await over(new MediaUpload(d), original)(media.path, 3, 0, false)) as UploadResult;
      expect(r).to.include({ path: media.path, md5: media.md5, fileSize: media.size });
    });
    expect(calls).to.have.length(0);
    expect(nativeCopies).to.equal(0);
    expect(await readdir(ori)).to.deep.equal([]);
  });

  it('a type only NapCat can name (a voice file) takes NapCat’s own pass', async () => {
    const d = deps();
    const { calls, original } = napcat();
    const voice = Buffer.concat([Buffer.from('#!SILK_V3'), randomBytes(5000)]);
    await d.scopes.run(async () => {
      const media = (await resolved(d, voice)).media;
      const r = (await over(new MediaUpload(d), original)(media.path, 4, 0)) as UploadResult;
      expect(r.md5).to.equal(md5(voice));
    });
    expect(calls).to.have.length(1);
  });

  describe('a corrupt store file', () => {
    const flip = async (file: string) => {
      const bad = await readFile(file);
      for (let i = 100; i < 400; i++) bad[i] ^= 0xff;
      await writeFile(file, bad);
    };

    it('is quarantined once and rebuilt from the request’s base64 before 5 concurrent sends copy it; the right bytes are placed', async () => {
      const d = deps();
      const { calls, original } = napcat();
      const upload = over(new MediaUpload(d), original);
      const results = (await Promise.all(
        Array.from({ length: 5 }, () =>
          d.scopes.run(async () => {
            const media = (await resolved(d, png)).media;
            if (!existsSync(`${media.path}.flipped`)) {
              await flip(media.path);
              await writeFile(`${media.path}.flipped`, '');
            }
            return upload(media.path, 2, 0);
          }),
        ),
      )) as UploadResult[];
      expect(results.every((r) => r.md5 === md5(png))).to.equal(true);
      expect(md5(await readFile(results[0].path)), 'bytes at the media path').to.equal(md5(png));
      expect(store.calls.quarantine).to.equal(1);
      expect(d.stats.snapshot().failures.CORRUPT_ENTRY).to.equal(1);
      expect(calls, 'never NapCat’s path for a corrupt file').to.have.length(0);
    });

    it('without a source to rebuild from, the send fails clearly and nothing is placed or sent', async () => {
      const d = deps();
      const { calls, original } = napcat();
      const err = await d.scopes.run(async () => {
        const media = (await resolved(d, png, false)).media;
        await flip(media.path);
        return (over(new MediaUpload(d), original)(media.path, 2, 0) as Promise<unknown>).catch((e: unknown) => e);
      });
      expect(String((err as Error).message)).to.match(/^缓存文件已损坏.* \/ cached file is corrupt/);
      expect(calls).to.have.length(0);
      expect(await readdir(ori), 'nothing placed at the media path').to.deep.equal([]);
      expect(store.calls.quarantine, 'the bad entry is still taken out of service').to.equal(1);
    });

    it('read by NapCat’s own pass (its md5 differs from the store’s) is rebuilt and passed again, so the right md5 is sent', async () => {
      const d = deps();
      const { calls, original } = napcat();
      const voice = Buffer.concat([Buffer.from('#!SILK_V3'), randomBytes(5000)]);
      let r!: UploadResult;
      await d.scopes.run(async () => {
        const media = (await resolved(d, voice)).media;
        await flip(media.path);
        r = (await over(new MediaUpload(d), original)(media.path, 4, 0)) as UploadResult;
      });
      expect(r.md5).to.equal(md5(voice));
      expect(calls, 'the bad pass and the good one').to.have.length(2);
      expect(store.calls.quarantine).to.equal(1);
    });
  });

  it('NapCat’s upload finishing after cleanup began is passed through untouched, not turned into a failure', async () => {
    const d = deps();
    const { calls, original } = napcat();
    const file = path.join(dir, 'local.png');
    await writeFile(file, png);
    let finish!: () => void;
    const slow = async (...args: unknown[]) => {
      await new Promise<void>((resolve) => (finish = resolve));
      return original(...args);
    };
    const pending = d.scopes.run(() => over(new MediaUpload(d), slow)(file, 2, 0, true) as Promise<UploadResult>);
    await new Promise((r) => setImmediate(r));
    await d.pathLeases.close({ deletePending: true });
    finish();
    const result = await pending;
    expect(result).to.deep.equal({ md5: md5(png), fileName: 'local.png', path: path.join(ori, `${md5(png)}.png`), fileSize: png.length, ext: '.png' });
    expect(calls).to.have.length(1);
    expect(d.faults).to.deep.equal([]);
  });
});
