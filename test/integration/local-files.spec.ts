import { expect } from 'chai';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHost, makePng, type Host } from '../host';
import { burst, failed, installBuilt, pluginStats } from './support';

// "Send the bytes once" (issue 13 §4): a bot that sends one file by path to many chats. Without
// the plugin NapCat hashes and copies the file for every send (and the copies race); with it
// the file is hashed and stored once and every send is a stat and a lease, with exactly the
// bytes, md5 and names NapCat would use.
describe('integration: one file sent by path to 30 groups', function () {
  this.timeout(120_000);
  const hosts: Host[] = [];
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-by-path-'))));
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const ori = (host: Host) => host.listMedia().filter((f) => f.includes(`${path.sep}Ori${path.sep}`)).map((f) => path.basename(f));
  const image = (uri: string) => () => [{ type: 'image', data: { file: uri } }];

  it('NapCat hashes and copies it 30 times; with the plugin never, 1 store copy and 1 NTQQ copy, same media name, 0 failures', async () => {
    // A PNG named .jpg: NapCat names the media path after the file (Ori/<md5>.jpg), not after its bytes.
    const png = makePng({ bytes: 300_000, seed: 17 });
    const file = path.join(dir, 'photo.jpg');
    fs.writeFileSync(file, png);
    const uri = `file://${file}`;
    const options = { timeScale: 0.25, seed: 4 };

    const bare = await createHost(options);
    hosts.push(bare);
    const without = await burst(bare, 30, image(uri));
    expect(bare.counters.md5Passes, 'NapCat alone: an md5 pass per send').to.equal(30);
    expect(bare.counters.nativeCopies, 'NapCat alone: a copy per send').to.equal(30);
    const napcatNames = new Set(ori(bare));

    const host = await createHost(options);
    hosts.push(host);
    await installBuilt(host, { graceSeconds: 60 });
    const responses = await burst(host, 30, image(uri));
    const c = host.counters;
    console.log(`      without plugin: ${failed(without).length}/30 failed; with plugin: ${failed(responses).length}/30 failed, md5 passes ${c.md5Passes}, copies ${c.nativeCopies + c.nodeMediaPlacements}`);
    expect(failed(responses).map((r) => r.message)).to.deep.equal([]);
    expect(c.md5Passes, "NapCat's md5 pass").to.equal(0);
    expect(c.nativeCopies + c.nodeMediaPlacements, 'copies onto the NTQQ path').to.equal(1);
    expect(c.uploadsTransferred).to.equal(1);
    expect(new Set(ori(host)), 'the media path NapCat names').to.deep.equal(napcatNames);
    expect([...napcatNames].every((n) => n.endsWith('.jpg'))).to.equal(true);
    const stats = await pluginStats(host);
    expect(stats.store.misses, 'stored once').to.equal(1);
    expect(stats.store.hits + stats.store.coalescedPuts).to.equal(29);
    expect(fs.readFileSync(file).equals(png), 'the bot’s file untouched').to.equal(true);
  });

  it('a file changed on disk is sent as it now is; a deleted one fails exactly as NapCat fails it', async () => {
    const file = path.join(dir, 'pic.png');
    fs.writeFileSync(file, makePng({ bytes: 50_000, seed: 21 }));
    const host = await createHost({ timeScale: 0.25 });
    hosts.push(host);
    await installBuilt(host);
    const first = await burst(host, 3, image(file), 0);
    const changed = makePng({ bytes: 50_000, seed: 22 });
    fs.writeFileSync(file, changed);
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    const second = await burst(host, 3, image(file), 0);
    expect(failed([...first, ...second])).to.deep.equal([]);
    const md5s = new Set(ori(host).map((n) => n.split('.')[0]));
    expect(md5s.size, 'two contents sent').to.equal(2);
    expect(md5s.has(createHash('md5').update(changed).digest('hex'))).to.equal(true);

    fs.rmSync(file);
    const gone = await burst(host, 1, image(`file://${file}`), 0);
    const bare = await createHost({ timeScale: 0.25 });
    hosts.push(bare);
    const napcat = await burst(bare, 1, image(`file://${file}`), 0);
    expect(gone[0].status).to.equal('failed');
    expect(gone[0].message, 'NapCat’s own failure, word for word').to.equal(napcat[0].message);
  });
});
