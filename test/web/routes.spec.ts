import { expect } from 'chai';
import type { PluginRouter } from '../../src/napcat/types';
import { MediaStats } from '../../src/stats';
import { registerRoutes, statusPageHtml, type WebRouter } from '../../src/web';
import { recordingLogger } from '../config/recording-logger';
import { fakeResponse, fakeRouter } from './fake-router';

const ID = 'napcat-plugin-media-cache';
// Distinctive values: if any of them shows up on a NoAuth route, data has leaked.
const SENTINELS = ['987654', '876543', '765432'];

function busyStats() {
  const stats = new MediaStats({ version: '9.9.9' });
  stats.add('sendsSeen', 987654);
  stats.add('storeHits', 876543);
  stats.add('bytesNotWritten', 765432);
  stats.failure('IO');
  return stats;
}

describe('web registerRoutes', () => {
  it('NapCat’s router type fits (compile-time check)', () => {
    const host = fakeRouter({ noAuth: true, memory: true }).router as unknown as PluginRouter;
    const accepted: WebRouter = host;
    expect(accepted).to.equal(host);
  });

  it('serves the live snapshot as {code:0,data} on an AUTHENTICATED GET /stats', () => {
    const stats = busyStats();
    const { router, registrations } = fakeRouter({ noAuth: true, memory: true });
    const routes = registerRoutes(router, { pluginId: ID, stats, logger: recordingLogger().logger });
    expect(routes.statsPath).to.equal(`/api/Plugin/ext/${ID}/stats`);
    const reg = registrations.find((r) => r.path === '/stats')!;
    expect(reg.kind).to.equal('auth');
    stats.add('retries', 4); // the route reads live values, not a copy from registration time
    const { res, written } = fakeResponse();
    reg.handler!({}, res);
    expect(written.status).to.equal(200);
    const body = written.json as { code: number; data: ReturnType<MediaStats['snapshot']> };
    expect(body.code).to.equal(0);
    expect(body.data.sends.seen).to.equal(987654);
    expect(body.data.uploads.retries).to.equal(4);
    expect(body.data.failures).to.deep.equal({ IO: 1 });
  });

  it('serves the config on an authenticated GET /config only when given', () => {
    const withConfig = fakeRouter({ noAuth: true });
    registerRoutes(withConfig.router, { pluginId: ID, stats: busyStats(), config: () => ({ debug: true }), logger: recordingLogger().logger });
    const reg = withConfig.registrations.find((r) => r.path === '/config')!;
    expect(reg.kind).to.equal('auth');
    const { res, written } = fakeResponse();
    reg.handler!({}, res);
    expect(written.json).to.deep.equal({ code: 0, data: { debug: true } });

    const without = fakeRouter({ noAuth: true });
    registerRoutes(without.router, { pluginId: ID, stats: busyStats(), logger: recordingLogger().logger });
    expect(without.registrations.map((r) => r.path)).to.deep.equal(['/stats', '/status']);
  });

  it('answers {code:-1,message} with 500 when reading fails, and logs it', () => {
    const { logger, lines } = recordingLogger();
    const { router, registrations } = fakeRouter();
    const stats = {
      snapshot() {
        throw new Error('gone');
      },
    };
    registerRoutes(router, { pluginId: ID, stats, logger });
    const { res, written } = fakeResponse();
    registrations[0].handler!({}, res);
    expect(written.status).to.equal(500);
    expect(written.json).to.deep.equal({ code: -1, message: '读取 stats 失败 / reading stats failed: gone' });
    expect(lines.filter((l) => l.level === 'warn')).to.have.length(1);
  });

  it('serves the page on a NoAuth GET with no data in it, and security headers', () => {
    const { router, registrations } = fakeRouter({ noAuth: true, memory: true });
    const routes = registerRoutes(router, { pluginId: ID, stats: busyStats(), logger: recordingLogger().logger });
    expect(routes.statusPagePath).to.equal(`/plugin/${ID}/api/status`);
    const publicRoutes = registrations.filter((r) => r.kind !== 'auth');
    expect(publicRoutes.map((r) => [r.kind, r.path])).to.deep.equal([['noauth', '/status']]);
    const { res, written } = fakeResponse();
    publicRoutes[0].handler!({}, res);
    expect(written.json).to.equal(undefined);
    expect(written.sent).to.equal(statusPageHtml(ID));
    for (const s of SENTINELS) expect(String(written.sent)).to.not.contain(s);
    expect(written.headers['Content-Type']).to.equal('text/html; charset=utf-8');
    expect(written.headers['Content-Security-Policy']).to.contain("connect-src 'self'").and.contain("default-src 'none'");
    expect(written.headers['Referrer-Policy']).to.equal('no-referrer');
  });

  it('falls back to staticOnMem on hosts without NoAuth routes, still with no data', () => {
    const { router, registrations } = fakeRouter({ memory: true });
    const routes = registerRoutes(router, { pluginId: ID, stats: busyStats(), logger: recordingLogger().logger });
    expect(routes.statusPagePath).to.equal(`/plugin/${ID}/mem/status/index.html`);
    const mem = registrations.filter((r) => r.kind === 'memory');
    expect(mem).to.have.length(1);
    expect(mem[0].files!.map((f) => f.path)).to.deep.equal(['/index.html']);
    expect(mem[0].files![0].content).to.equal(statusPageHtml(ID));
  });

  it('registers no page on hosts with neither, says so once, and keeps the authenticated route', () => {
    const { logger, lines } = recordingLogger();
    const { router, registrations } = fakeRouter();
    const routes = registerRoutes(router, { pluginId: ID, stats: busyStats(), logger });
    expect(routes.statusPagePath).to.equal(undefined);
    expect(registrations.map((r) => [r.kind, r.path])).to.deep.equal([['auth', '/stats']]);
    expect(lines).to.have.length(1);
    expect(lines[0].text).to.contain(`/api/Plugin/ext/${ID}/stats`);
  });
});
