// `npm run pack`: the zip holds exactly the five release files, is byte-for-byte
// reproducible, and — unzipped into a model NapCat's plugins/ and enabled in
// config/plugins.json as an operator would — loads at boot and carries a burst.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHost, makePng, type Host } from '../host';
import { burst, failed, imageSegment, PLUGIN_ID, pluginStats } from '../integration/support';
import { packRelease, ROOT, runPack, type Release } from './release';

const FILES = ['index.mjs', 'package.json', 'plugin.json', 'README.md', 'LICENSE'];
/** 1980-01-01 in DOS date format: the zip carries no build time. */
const DOS_1980_01_01 = (0 << 9) | (1 << 5) | 1;

describe('release zip (npm run pack)', function () {
  this.timeout(120_000);
  const temps: string[] = [];
  const hosts: Host[] = [];
  let release: Release;

  const tempDir = async (prefix: string): Promise<string> => {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), prefix));
    temps.push(dir);
    return dir;
  };

  before(async () => {
    release = packRelease(await tempDir('media-cache-pack-'));
  });
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.close();
  });
  after(async () => {
    for (const dir of temps) await fs.promises.rm(dir, { recursive: true, force: true });
  });

  it('is named <name>-<version>.zip and holds exactly the five release files at its root', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(path.basename(release.file)).to.equal(`${PLUGIN_ID}-${pkg.version}.zip`);
    expect(release.entries.map((e) => e.name)).to.deep.equal(FILES);
  });

  it('ships the built files unchanged and no source maps or sources', () => {
    const dist = path.join(ROOT, 'dist', PLUGIN_ID);
    for (const entry of release.entries) {
      const source = ['README.md', 'LICENSE'].includes(entry.name) ? path.join(ROOT, entry.name) : path.join(dist, entry.name);
      expect(entry.data.equals(fs.readFileSync(source)), `${entry.name} equals ${source}`).to.equal(true);
    }
    const bundle = release.entries[0].data.toString('utf8');
    expect(bundle).to.not.match(/sourceMappingURL/);
    expect(bundle).to.not.match(/from ['"](chai|sinon|mocha)['"]/);
  });

  it('is reproducible: fixed timestamps and modes, the same bytes on a second run', async () => {
    for (const entry of release.entries) {
      expect([entry.dosDate, entry.dosTime], entry.name).to.deep.equal([DOS_1980_01_01, 0]);
      expect(entry.mode.toString(8), entry.name).to.equal('100644');
    }
    // Newer mtimes on every input must not change a byte.
    const later = new Date(Date.now() + 60_000);
    for (const name of ['index.mjs', 'package.json', 'plugin.json']) fs.utimesSync(path.join(ROOT, 'dist', PLUGIN_ID, name), later, later);
    const again = runPack(await tempDir('media-cache-pack-'));
    expect(again.bytes.equals(release.bytes), 'second zip byte-identical').to.equal(true);
  });

  it('unzipped into a model NapCat and enabled in plugins.json, loads at boot and sends one image to 30 peers with 0 failures and 1 transfer', async () => {
    const root = await tempDir('napcat-release-root-');
    const pluginDir = path.join(root, 'plugins', PLUGIN_ID);
    fs.mkdirSync(pluginDir, { recursive: true });
    for (const entry of release.entries) fs.writeFileSync(path.join(pluginDir, entry.name), entry.data);
    fs.mkdirSync(path.join(root, 'config'), { recursive: true });
    fs.writeFileSync(path.join(root, 'config', 'plugins.json'), JSON.stringify({ [PLUGIN_ID]: true }));

    const host = await createHost({ root, timeScale: 0.25, seed: 7 });
    hosts.push(host);
    const record = host.pluginManager.getPluginInfo(PLUGIN_ID);
    expect(record?.status, record?.error).to.equal('loaded');
    expect(record!.entry).to.equal(path.join(pluginDir, 'index.mjs'));
    // NapCat imports the entry twice at boot (validate, then load), both from the unzipped folder.
    expect(host.pluginManager.imports.filter((u) => u.includes(`/plugins/${PLUGIN_ID}/index.mjs?t=`))).to.have.length(2);

    const image = makePng({ bytes: 300_000, seed: 11 });
    const responses = await burst(host, 30, () => [imageSegment(image)], 600);
    expect(failed(responses).map((r) => r.message), 'failed sends').to.deep.equal([]);
    expect(responses).to.have.length(30);
    const c = host.counters;
    expect(c.uploadsTransferred, 'uploads that moved bytes').to.equal(1);
    expect(c.instantUploads, 'uploads the server deduplicated').to.equal(29);
    expect(c.nativeCopies + c.nodeMediaPlacements, 'copies onto the NTQQ path').to.equal(1);
    const stats = await pluginStats(host);
    expect(stats.sends.seen).to.equal(30);
    // One write; every other put found the content or joined the write in flight.
    expect(stats.store.misses, 'store writes').to.equal(1);
    expect(stats.store.hits + stats.store.coalescedPuts, 'store hits + coalesced puts').to.equal(29);
    expect(stats.uploads.led, 'uploads led').to.equal(1);
  });
});
