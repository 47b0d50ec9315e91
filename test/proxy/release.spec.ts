// The proxy's release: `dist/napcat-media-cache-proxy/proxy.mjs` (rollup's second output)
// and `napcat-media-cache-proxy-<version>.zip`, run as an operator runs it: unzipped into
// an empty folder (no node_modules) and started with plain `node proxy.mjs …`.
import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { buildPlugin } from '../integration/support';
import { keywordsIn } from '../release/keywords';
import { ROOT } from '../release/release';
import { readZip } from '../release/zip-reader';
import { createHost, makePng, type Host } from '../host';
import { imageSegment, RawClient } from './support';

const SCRIPT = path.join(ROOT, 'scripts', 'pack-proxy.mjs');

function packProxy(outDir: string): { file: string; bytes: Buffer } {
  execFileSync(process.execPath, [SCRIPT, '--out-dir', outDir], { encoding: 'utf8', stdio: 'pipe' });
  const zips = fs.readdirSync(outDir).filter((f) => f.endsWith('.zip'));
  expect(zips).to.have.length(1);
  const file = path.join(outDir, zips[0]);
  return { file, bytes: fs.readFileSync(file) };
}

describe('proxy release (proxy.mjs and its zip)', function () {
  this.timeout(180_000);
  const temps: string[] = [];
  let host: Host | undefined;
  const temp = async (prefix: string) => {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), prefix));
    temps.push(dir);
    return dir;
  };
  before(() => buildPlugin());
  after(async () => {
    await host?.close();
    for (const dir of temps) await fs.promises.rm(dir, { recursive: true, force: true });
  });

  it('is napcat-media-cache-proxy-<version>.zip with proxy.mjs, README.md and LICENSE, the same bytes every time', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const first = packProxy(await temp('proxy-pack-'));
    expect(path.basename(first.file)).to.equal(`napcat-media-cache-proxy-${version}.zip`);
    const entries = readZip(first.bytes);
    expect(entries.map((e) => e.name)).to.deep.equal(['proxy.mjs', 'README.md', 'LICENSE']);
    expect(entries[0].data.equals(fs.readFileSync(path.join(ROOT, 'dist/napcat-media-cache-proxy/proxy.mjs')))).to.equal(true);
    expect(packProxy(await temp('proxy-pack-')).bytes.equals(first.bytes), 'reproducible').to.equal(true);
    const hits = entries.flatMap((e) => keywordsIn(e.data.toString('utf8')).map((w) => `${e.name}: ${w}`));
    expect(hits).to.deep.equal([]);
  });

  it('proxy.mjs is one ESM file importing only Node builtins (ws and json5 inside)', () => {
    const code = fs.readFileSync(path.join(ROOT, 'dist/napcat-media-cache-proxy/proxy.mjs'), 'utf8');
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const specifiers = [...code.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
    expect(specifiers.filter((s) => !builtins.has(s)), 'non-builtin imports').to.deep.equal([]);
    expect(code.startsWith('#!/usr/bin/env node\n')).to.equal(true);
    expect(code).to.not.match(/sourceMappingURL/);
  });

  it('unzipped into an empty folder, `node proxy.mjs` relays a broadcast to the model with 0 failures', async () => {
    const folder = await temp('proxy-run-');
    for (const e of readZip(packProxy(await temp('proxy-pack-')).bytes)) fs.writeFileSync(path.join(folder, e.name), e.data);
    host = await createHost({ timeScale: 0.05, seed: 13 });
    const { wsUrl } = await host.front.start();
    const child = spawn(process.execPath, ['proxy.mjs', '--upstream', wsUrl, '--listen', '127.0.0.1:0'], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const end = Date.now() + 20_000;
      let match: RegExpMatchArray | null = null;
      while (!(match = output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      expect(match, output).to.not.equal(null);
      const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
      expect(output).to.include(`media cache proxy ${version} listening`);
      const c = new RawClient(`${match![1].replace('http', 'ws')}/api`);
      await c.opened;
      const image = makePng({ bytes: 200_000, seed: 121 });
      for (let i = 0; i < 20; i++) c.ws.send(JSON.stringify({ action: 'send_group_msg', params: { group_id: i, message: [imageSegment(image)] }, echo: i }));
      const frames = await c.until((fs) => fs.length === 20, 30_000);
      expect(frames.filter((f) => f.status !== 'ok').map((f) => f.message)).to.deep.equal([]);
      expect(host.counters.uploadsTransferred).to.equal(1);
      expect(fs.existsSync(path.join(folder, 'media-cache')), 'the default store folder').to.equal(true);
      c.close();
    } finally {
      child.kill('SIGINT');
      expect(await exited).to.equal(0);
    }
  });
});
