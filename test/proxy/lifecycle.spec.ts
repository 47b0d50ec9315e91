// Starting and stopping: the command line (`npm run proxy -- …`), a bad config, and a
// stop that lets the sends in flight finish (Ctrl-C drains).
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost, makePng, type Host } from '../host';
import { imageSegment, proxyInFront, RawClient, type ProxyFixture } from './support';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'src/proxy/cli.ts');

function runCli(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('proxy: start and stop', function () {
  this.timeout(60_000);
  let host: Host | undefined;
  let fixture: ProxyFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    await host?.close();
    fixture = undefined;
    host = undefined;
  });

  it('a bad flag or value exits 2 with a message naming it', async () => {
    const unknown = runCli(['--frobnicate']);
    expect(await unknown.exited).to.equal(2);
    expect(unknown.output()).to.include('unknown option --frobnicate');
    const bad = runCli(['--upstream', 'ftp://x', '--listen', '127.0.0.1:0']);
    expect(await bad.exited).to.equal(2);
    expect(bad.output()).to.match(/命令行 \/ command line: upstream: .*must be a ws: or wss: or http: or https: URL/);
  });

  it('runs from the command line, relays a send, and leaves with 0 on SIGINT', async () => {
    host = await createHost({ timeScale: 0.05 });
    const { wsUrl } = await host.front.start();
    const cli = runCli(['--upstream', wsUrl, '--listen', '127.0.0.1:0', '--cache-dir', path.join(host.paths.root, 'proxy-cache')]);
    const end = Date.now() + 30_000;
    let match: RegExpMatchArray | null = null;
    while (!(match = cli.output().match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(match, cli.output()).to.not.equal(null);
    const c = new RawClient(`${match![1].replace('http', 'ws')}/api`);
    await c.opened;
    const reply = await c.call('send_group_msg', { group_id: 1, message: [imageSegment(makePng({ bytes: 20_000, seed: 111 }))] }, 'cli');
    expect(reply).to.include({ status: 'ok', echo: 'cli' });
    c.close();
    cli.child.kill('SIGINT');
    expect(await cli.exited).to.equal(0);
    expect(cli.output()).to.include('letting sends in flight finish');
  });

  it('close() drains: sends already received finish, new ones are refused, then everything closes', async () => {
    host = await createHost({ timeScale: 0.05, seed: 12 });
    fixture = await proxyInFront(host);
    const c = new RawClient(`${fixture.wsUrl}/api`);
    await c.opened;
    const image = makePng({ bytes: 400_000, seed: 112 });
    for (let i = 0; i < 8; i++) c.ws.send(JSON.stringify({ action: 'send_group_msg', params: { group_id: 800 + i, message: [imageSegment(image)] }, echo: `d${i}` }));
    await c.until((fs) => fs.some((f) => f.echo === 'd0'), 20_000);
    const closing = fixture.proxy.close(20_000);
    c.ws.send(JSON.stringify({ action: 'send_group_msg', params: { group_id: 900, message: [imageSegment(image)] }, echo: 'late' }));
    await closing;
    // Every frame the proxy wrote before its close frame has been read once the client sees the close.
    const closeCode = await c.closed;
    const frames = c.frames;
    expect(frames.filter((f) => String(f.echo).startsWith('d')).map((f) => f.status)).to.deep.equal(Array(8).fill('ok'));
    expect(frames.find((f) => f.echo === 'late')?.message).to.match(/shutting down/);
    expect(host.counters.sendsOk, 'NapCat carried out exactly the 8 sends received before the stop').to.equal(8);
    expect(fixture.proxy.sessions).to.equal(0);
    expect(closeCode).to.equal(1001);
  });
});
