import { expect } from 'chai';
import { describeProblem } from '../../src/config';
import { parseProxyArgs } from '../../src/proxy/config/args';
import { COMMAND_LINE, loadProxyConfig } from '../../src/proxy/config/load';
import { upstreamTokenOf } from '../../src/proxy/config/settings';

const files = (map: Record<string, string>) => async (file: string) => {
  if (!(file in map)) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
  return map[file];
};

describe('proxy config', () => {
  it('parses the flags of the issue, inline and spaced, and repeats --napcat-path-map', () => {
    const args = parseProxyArgs(['--upstream', 'ws://127.0.0.1:3001', '--listen=127.0.0.1:3011', '--token', 't', '--cache-dir', '/c', '--napcat-path-map', '/data/cache=/app/cache', '--napcat-path-map=/x=/y']);
    expect(args.layer).to.deep.equal({ upstream: 'ws://127.0.0.1:3001', listen: '127.0.0.1:3011', token: 't', cacheDir: '/c', napcatPathMap: ['/data/cache=/app/cache', '/x=/y'] });
    expect(() => parseProxyArgs(['--bogus'])).to.throw(/unknown option --bogus/);
    expect(() => parseProxyArgs(['--token'])).to.throw(/--token needs a value/);
  });

  it('layers defaults < file < flags, and shares the plugin\'s media settings and their checks', async () => {
    const loaded = await loadProxyConfig(['--config', '/p.json', '--token', 'flag', '--upstream', 'http://127.0.0.1:3000'], files({
      '/p.json': JSON.stringify({ upstream: 'ws://napcat:3001', token: 'file', upstreamToken: 'up', retry: { maxAttempts: 5 }, maxConcurrentUploads: 8, napcatTimeout: { baseMs: 20000 } }),
    }));
    expect(loaded.fatal, loaded.problems.map(describeProblem).join('\n')).to.equal(false);
    expect(loaded.config.proxy).to.include({ upstream: 'http://127.0.0.1:3000', token: 'flag', upstreamToken: 'up', listen: '127.0.0.1:3011', rewrite: 'auto' });
    expect(loaded.config.proxy.napcatTimeout).to.deep.equal({ baseMs: 20000, uploadSpeedKBps: 256, maxMs: 1_800_000 });
    expect(loaded.config.media.retry.maxAttempts).to.equal(5);
    expect(loaded.config.media.maxConcurrentUploads).to.equal(8);
    expect(upstreamTokenOf(loaded.config.proxy)).to.equal('up');
  });

  it('the upstream token defaults to the token', async () => {
    const loaded = await loadProxyConfig(['--upstream', 'ws://h:1', '--token', 'same']);
    expect(upstreamTokenOf(loaded.config.proxy)).to.equal('same');
  });

  it('stops on a bad value, naming the source and the field (and never showing a token)', async () => {
    const loaded = await loadProxyConfig(['--config', '/p.json', '--listen', 'nowhere'], files({
      '/p.json': JSON.stringify({ upstream: 'ftp://x', retry: { maxAttempts: 99 }, napcatPathMap: ['relative=/x'], token: 'secret\nline', frobnicate: 1 }),
    }));
    expect(loaded.fatal).to.equal(true);
    const lines = loaded.problems.map(describeProblem);
    expect(lines.some((l) => l.startsWith('/p.json: upstream: ') && l.includes('ws: or wss: or http: or https:'))).to.equal(true);
    expect(lines.some((l) => l.startsWith('/p.json: retry.maxAttempts: '))).to.equal(true);
    expect(lines.some((l) => l.startsWith('/p.json: napcatPathMap: '))).to.equal(true);
    expect(lines.some((l) => l.startsWith(`${COMMAND_LINE}: listen: `))).to.equal(true);
    expect(lines.some((l) => l.startsWith('/p.json: frobnicate: ') && l.includes('unknown'))).to.equal(true);
    const tokenLine = lines.find((l) => l.startsWith('/p.json: token: '))!;
    expect(tokenLine).to.not.include('secret');
  });

  it('a top-level "__proto__" in the file is reported and ignored like any unknown key, as in the plugin', async () => {
    const loaded = await loadProxyConfig(['--config', '/p.json', '--upstream', 'ws://h:1'], files({
      '/p.json': '{"__proto__": {"maxConcurrentUploads": 7, "enabled": false}}',
    }));
    const lines = loaded.problems.map(describeProblem);
    expect(lines.some((l) => l.startsWith('/p.json: __proto__: ') && l.includes('unknown')), lines.join('\n')).to.equal(true);
    expect(loaded.config.media.maxConcurrentUploads).to.not.equal(7);
    expect(loaded.config.media.enabled).to.equal(true);
  });

  it('needs exactly one of --upstream and --reverse', async () => {
    expect((await loadProxyConfig([])).problems.map((p) => p.path)).to.deep.equal(['upstream']);
    const both = await loadProxyConfig(['--upstream', 'ws://a:1', '--reverse', 'ws://b:2']);
    expect(both.fatal).to.equal(true);
    expect((await loadProxyConfig(['--reverse', 'ws://bot:8080/onebot'])).fatal).to.equal(false);
  });

  it('reports an unreadable or broken file by its path', async () => {
    const missing = await loadProxyConfig(['--upstream', 'ws://a:1', '--config', '/none.json'], files({}));
    expect(missing.problems.map(describeProblem)).to.deep.equal(['/none.json: 无法读取 / cannot read: ENOENT']);
    const broken = await loadProxyConfig(['--upstream', 'ws://a:1', '--config', '/b.json'], files({ '/b.json': '{' }));
    expect(broken.problems[0].message).to.match(/not valid JSON/);
    expect(broken.fatal).to.equal(true);
  });
});
