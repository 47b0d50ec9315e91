import { expect } from 'chai';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { makePng, makeSilk, type Host } from '../host';
import { PLUGIN_ID, hostWithPlugin } from './support';

/** Removes every content file of the plugin's store, as a disk cleaner (or a person) would. */
function removeStoredFiles(host: Host): number {
  const content = path.join(host.pluginManager.getPluginDataPath(PLUGIN_ID), 'cache', 'content');
  const files = fs.readdirSync(content, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
  for (const f of files) fs.rmSync(path.join(f.parentPath, f.name));
  return files.length;
}

// Issue 11 item 3: a store entry whose file was deleted from outside was served until it idled
// out: the same URL image and the same base64 voice then failed where NapCat alone sends them.
describe('integration: cache files removed from outside while the plugin runs', function () {
  this.timeout(60_000);
  let host: Host | undefined;
  let server: http.Server | undefined;
  afterEach(async () => {
    await host?.close();
    server?.close();
    host = undefined;
    server = undefined;
  });

  it('the same URL image and the same base64 voice are sent again, and the store holds them again', async () => {
    const png = makePng({ bytes: 120_000, seed: 31 });
    server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/a.png`;
    const silk = makeSilk({ frames: 200, seed: 31 });
    host = await hostWithPlugin({ timeScale: 0.05 }, { urlCoalesceSeconds: 1, graceSeconds: 1 });
    const send = (data: Record<string, unknown>, type: string) => host!.call('send_group_msg', { group_id: 77, message: [{ type, data }] });
    const image = () => send({ file: url }, 'image');
    const voice = () => send({ file: `base64://${silk.toString('base64')}` }, 'record');

    expect([(await image()).status, (await voice()).status]).to.deep.equal(['ok', 'ok']);
    expect(removeStoredFiles(host), 'files removed').to.equal(2);
    await new Promise((r) => setTimeout(r, 1100)); // past urlCoalesceSeconds: NapCat downloads again

    const again = [await image(), await voice()];
    expect(again.map((r) => `${r.status} ${r.message ?? ''}`.trim())).to.deep.equal(['ok', 'ok']);
    const content = path.join(host.pluginManager.getPluginDataPath(PLUGIN_ID), 'cache', 'content');
    const stored = fs.readdirSync(content, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    expect(stored, 'both published again').to.have.length(2);
  });
});

// Issue 11 item 5: with cacheDir set (from the WebUI, say) to a folder holding other files,
// the start-up sweep deleted every name in its tmp/ that was not a live process tag.
describe('integration: cacheDir set to a folder that holds other files', function () {
  this.timeout(60_000);
  let host: Host | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('is refused with one bilingual line; the plugin runs on the default folder and deletes nothing there', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-home-'));
    try {
      fs.mkdirSync(path.join(home, 'tmp'));
      fs.writeFileSync(path.join(home, 'tmp', 'draft.txt'), 'mine');
      fs.writeFileSync(path.join(home, 'notes.txt'), 'mine too');
      host = await hostWithPlugin({ timeScale: 0.05 }, { cacheDir: home });
      const png = makePng({ bytes: 30_000, seed: 41 });
      const r = await host.call('send_group_msg', { group_id: 1, message: [{ type: 'image', data: { file: `base64://${png.toString('base64')}` } }] });
      expect(r.status).to.equal('ok');
      const refusal = host.logs.filter((l) => l.text.includes(home) && l.text.includes('default folder'));
      expect(refusal.map((l) => l.level), 'one warning').to.deep.equal(['warn']);
      expect(refusal[0].text).to.match(/缓存目录 .* \/ cache folder /);
      const fallback = path.join(host.pluginManager.getPluginDataPath(PLUGIN_ID), 'cache');
      expect(fs.readdirSync(path.join(fallback, 'content'), { recursive: true }).length, 'stored in the default folder').to.be.greaterThan(0);
      await host.close();
      host = undefined;
      expect(fs.readdirSync(home).sort()).to.deep.equal(['notes.txt', 'tmp']);
      expect(fs.readdirSync(path.join(home, 'tmp'))).to.deep.equal(['draft.txt']);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
