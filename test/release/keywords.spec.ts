// NapCat v4.18.6+ rejects a plugin whose .js/.mjs/.cjs/.ts files contain any of 22
// keywords (napcat-plugins.md §5.1; still scanned on the forks that drop the whitelist).
// The bundle, every file of the release zip, and this guard's own sources hold none.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlugin, PLUGIN_ID } from '../integration/support';
import { keywordsIn, rejectedKeywords } from './keywords';
import { packRelease, ROOT, runPack } from './release';

const HERE = path.dirname(fileURLToPath(import.meta.url));

describe('release keyword guard (NapCat v4.18.6+ loader)', function () {
  this.timeout(120_000);
  const temps: string[] = [];
  const tempDir = async (prefix: string): Promise<string> => {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), prefix));
    temps.push(dir);
    return dir;
  };
  after(async () => {
    for (const dir of temps) await fs.promises.rm(dir, { recursive: true, force: true });
  });

  it('decodes 22 distinct, non-empty keywords', () => {
    const words = rejectedKeywords();
    expect(words).to.have.length(22);
    expect(new Set(words).size).to.equal(22);
    for (const w of words) expect(w.length).to.be.within(2, 5);
  });

  it('the built bundle holds none of them', () => {
    const bundle = fs.readFileSync(path.join(buildPlugin(), 'index.mjs'), 'utf8');
    expect(bundle.length).to.be.greaterThan(10_000);
    expect(keywordsIn(bundle)).to.deep.equal([]);
  });

  it('no file in the release zip holds any of them', async () => {
    const release = packRelease(await tempDir('media-cache-kw-'));
    expect(release.entries).to.have.length(5);
    const hits = release.entries.flatMap((e) => keywordsIn(e.data.toString('utf8')).map((w) => `${e.name}: ${w}`));
    expect(hits).to.deep.equal([]);
  });

  it("this guard's own sources hold none of them", () => {
    const files = fs.readdirSync(HERE).filter((f) => f.endsWith('.ts'));
    expect(files).to.include.members(['keywords.ts', 'keywords.spec.ts']);
    const hits = files.flatMap((f) => keywordsIn(fs.readFileSync(path.join(HERE, f), 'utf8')).map((w) => `${f}: ${w}`));
    expect(hits).to.deep.equal([]);
  });

  it('catches a keyword in a plugin file, and in the zip the pack script makes of it', async () => {
    const words = rejectedKeywords();
    // A copy of the repo's pack script and build, with one keyword planted in the bundle.
    const root = await tempDir('media-cache-kw-planted-');
    const dist = path.join(root, 'dist', PLUGIN_ID);
    fs.mkdirSync(path.join(root, 'scripts'), { recursive: true });
    fs.mkdirSync(dist, { recursive: true });
    for (const f of fs.readdirSync(path.join(ROOT, 'scripts')).filter((n) => n.endsWith('.mjs'))) {
      fs.copyFileSync(path.join(ROOT, 'scripts', f), path.join(root, 'scripts', f));
    }
    for (const f of ['index.mjs', 'package.json', 'plugin.json']) fs.copyFileSync(path.join(buildPlugin(), f), path.join(dist, f));
    fs.writeFileSync(path.join(root, 'README.md'), '# 测试 / test\n');
    fs.copyFileSync(path.join(ROOT, 'LICENSE'), path.join(root, 'LICENSE'));
    const planted = words[words.length - 1];
    fs.appendFileSync(path.join(dist, 'index.mjs'), `\nexport const note = ${JSON.stringify(`x ${planted} y`)};\n`);

    expect(keywordsIn(fs.readFileSync(path.join(dist, 'index.mjs'), 'utf8'))).to.deep.equal([planted]);
    // Case-sensitive, as NapCat matches: the lower-cased word is not a hit.
    expect(keywordsIn(`x ${planted.toLowerCase()} y`)).to.deep.equal([]);

    const out = path.join(root, 'out');
    fs.mkdirSync(out);
    const release = runPack(out, path.join(root, 'scripts', 'pack.mjs'));
    const hits = release.entries.flatMap((e) => keywordsIn(e.data.toString('utf8')).map((w) => `${e.name}: ${w}`));
    expect(hits).to.deep.equal([`index.mjs: ${planted}`]);
  });
});
