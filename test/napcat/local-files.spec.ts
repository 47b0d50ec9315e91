// file:// and local paths through the resolver: content-addressed like base64, hashed once per
// (device, inode, size, mtime), and handed to NapCat's own path whenever NapCat must judge.
import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { localPathOf } from '../../src/napcat/local-files';
import { MediaResolver } from '../../src/napcat/media-resolver';
import type { Method, SendContext } from '../../src/napcat/shapes';
import { changedError } from '../../src/store/errors';
import { MediaStore } from '../../src/store/media-store';
import { makePng } from '../host/media/samples';
import { fakeDeps } from './fakes';
import { hooked } from './hooked';

/** The MediaResolver hook as installed over `original`. */
const over = (hook: MediaResolver, original: Method): Method => hooked((o, s, a) => hook.resolve(o, s, a), original);

type Resolved = { path: string; fileName: string; isLocal?: boolean };

describe('MediaResolver: file:// and local paths (send the bytes once)', () => {
  let dir: string;
  let store: MediaStore;
  const context = (): SendContext => ({ deleteAfterSentFiles: [], peer: { chatType: 2, peerUid: '1' } });

  function napcat() {
    const calls: unknown[][] = [];
    const original = async (...args: unknown[]) => {
      calls.push(args);
      return { path: 'napcat', fileName: 'napcat', isLocal: true };
    };
    return { calls, original };
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mc-local-'));
    store = await MediaStore.open({ dir: path.join(dir, 'store') });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('one file sent 30 times, by file:// and by path, at once and in turn: stored once, then a stat and a lease per send, named as NapCat names it', async () => {
    const png = makePng({ bytes: 30_000, seed: 3 });
    const file = path.join(dir, 'photo.jpg');
    await writeFile(file, png);
    const deps = fakeDeps({}, { store });
    const { calls, original } = napcat();
    const resolver = new MediaResolver(deps);
    const wrapped = over(resolver, original);
    const send = (uri: string) => deps.scopes.run(async () => (await wrapped({ type: 'image', data: { file: uri } }, context())) as Resolved);
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => send(i % 2 ? file : `file://${file}`)));
    const inTurn: Resolved[] = [];
    for (let i = 0; i < 10; i++) inTurn.push(await send(`file://${file}`));
    const all = [...burst, ...inTurn];
    expect(calls, "NapCat's resolver").to.have.length(0);
    expect(new Set(all.map((r) => r.path)).size).to.equal(1);
    expect(all.every((r) => r.isLocal === true && r.fileName === 'photo.jpg')).to.equal(true);
    expect((await readFile(all[0].path)).equals(png)).to.equal(true);
    expect(store.stats()).to.include({ writes: 1, misses: 1 });
    expect(deps.stats.snapshot().store.hits, 'the sends in turn: a stat and a lease each').to.equal(10);
    expect(store.stats().leases, 'every lease released with its send').to.equal(0);
  });

  it('a file changed on disk is hashed again and its new bytes are sent; the segment’s own name wins', async () => {
    const file = path.join(dir, 'a.png');
    const first = makePng({ bytes: 20_000, seed: 4 });
    const second = makePng({ bytes: 20_000, seed: 5 });
    await writeFile(file, first);
    const deps = fakeDeps({}, { store });
    const wrapped = over(new MediaResolver(deps), napcat().original);
    const send = () => deps.scopes.run(async () => (await wrapped({ type: 'file', data: { file: `file://${file}`, name: 'report.png' } }, context())) as Resolved);
    const a = await send();
    await writeFile(file, second);
    await utimes(file, new Date(), new Date(Date.now() + 5_000));
    const b = await send();
    expect(a.path).to.not.equal(b.path);
    expect((await readFile(b.path)).equals(second)).to.equal(true);
    expect([a.fileName, b.fileName]).to.deep.equal(['report.png', 'report.png']);
    expect(store.stats()).to.include({ misses: 2 });
  });

  it('whatever NapCat must judge goes to NapCat as it came: missing, a folder, an empty file, a token, one over maxPayloadBytes, one rewritten while stored', async () => {
    const folder = path.join(dir, 'folder');
    await mkdir(folder);
    const empty = path.join(dir, 'empty.png');
    await writeFile(empty, '');
    const big = path.join(dir, 'big.png');
    await writeFile(big, makePng({ bytes: 9_000, seed: 6 }));
    const busy = path.join(dir, 'busy.png');
    await writeFile(busy, makePng({ bytes: 2_000, seed: 7 }));
    const uris = [`file://${path.join(dir, 'missing.png')}`, folder, `file://${empty}`, '3B1F1E3A6C2D4E5F.image', big, `file://${busy}`];
    const deps = fakeDeps({ maxPayloadBytes: 8_000 }, {
      store: Object.assign(Object.create(store) as MediaStore, {
        putFile: (source: string) => (source === busy ? Promise.reject(changedError(source)) : store.putFile(source, { consume: false })),
      }),
    });
    const { calls, original } = napcat();
    const wrapped = over(new MediaResolver(deps), original);
    for (const uri of uris) {
      const segment = { type: 'image', data: { file: uri } };
      const result = await deps.scopes.run(() => wrapped(segment, context()) as Promise<unknown>);
      expect(result, uri).to.deep.equal({ path: 'napcat', fileName: 'napcat', isLocal: true });
      expect(calls.at(-1)?.[0], 'the segment as it came').to.equal(segment);
    }
    expect(calls).to.have.length(uris.length);
    expect(store.stats()).to.include({ entries: 0, writes: 0 });
    const snap = deps.stats.snapshot();
    expect(snap.fallbacks).to.deep.equal({ TOO_LARGE: 1, CHANGED: 1 });
    expect(deps.faults, 'none of them is a fault of ours').to.deep.equal([]);
  });

  it('finds the file NapCat finds: percent-decoded file:// URIs, relative paths from the working folder', async () => {
    const named = path.join(dir, '我的 图片#1.png');
    await writeFile(named, makePng({ bytes: 1_000, seed: 8 }));
    expect(localPathOf(`file://${encodeURI(named).replace(/#/g, '%23')}`)).to.equal(named);
    expect(localPathOf(`file://${named}`), 'a raw name is decoded as NapCat decodes it').to.equal(named);
    expect(localPathOf(named)).to.equal(named);
    expect(localPathOf(path.relative(process.cwd(), named))).to.equal(path.relative(process.cwd(), named));
    expect(localPathOf('file://%E0%A4%A')).to.equal(undefined); // NapCat cannot decode it either
    expect(localPathOf('3B1F1E3A6C2D4E5F.image')).to.equal(undefined);
  });
});
