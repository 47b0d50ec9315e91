import { expect } from 'chai';
import vm from 'node:vm';
import { MediaStats } from '../../src/stats';
import { statusPageHtml } from '../../src/web';

const ID = 'napcat-plugin-media-cache';
const html = statusPageHtml(ID);
const script = html.slice(html.indexOf('<script>') + '<script>'.length, html.lastIndexOf('</script>'));
const fields = [...html.matchAll(/data-field="([^"]+)"[^>]*>([^<]*)</g)].map((m) => ({ path: m[1], text: m[2] }));

describe('web status page HTML', () => {
  it('holds no data: every counter is a placeholder and nothing numeric is pre-filled', () => {
    expect(fields.length).to.be.greaterThan(10);
    for (const f of fields) expect(f.text, f.path).to.equal('—');
    expect(html).to.not.match(/data-value=/);
  });

  it('is self-contained and references only the authenticated stats route', () => {
    expect(html).to.not.match(/<script[^>]+src=|<link|<img|<iframe|url\(|@import|https?:\/\//i);
    const routes = [...html.matchAll(/\/(?:api|plugin)\/[A-Za-z/…]*/g)].map((m) => m[0]);
    expect(routes.length).to.be.greaterThan(0);
    for (const r of routes) expect(r, r).to.match(/^\/api\/Plugin\/ext\/|^\/plugin\/$/);
    expect(script).to.contain("'/api/Plugin/ext/' + encodeURIComponent(PLUGIN_ID) + '/stats'");
  });

  it('every data-field names a real snapshot field', () => {
    const snap = new MediaStats({ version: '0' }).snapshot() as unknown as Record<string, unknown>;
    for (const f of fields) {
      const value = f.path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], snap);
      expect(value, f.path).to.not.equal(undefined);
    }
  });

  it('has Chinese-first labels with English beside them', () => {
    const labels = [...html.matchAll(/<div class="label">([^<]+)</g)].map((m) => m[1]);
    expect(labels).to.have.length(fields.length);
    for (const l of labels) expect(l).to.match(/^[^/]*[\u4e00-\u9fff][^/]* \/ [A-Za-z]/);
  });

  it('embeds the plugin id inertly', () => {
    const hostile = statusPageHtml('x</script><script>alert(1)//');
    expect(hostile.match(/<\/script>/g)).to.have.length(1);
    expect(() => new vm.Script(script)).to.not.throw();
  });
});

// Runs the page's script against a minimal stand-in for the browser, enough to check how it
// finds the token, what it fetches, and what it writes into the DOM.
function runPage(options: { localToken?: string; search?: string; respond: (url: string, init: RequestInit) => Response }) {
  const calls: { url: string; init: RequestInit }[] = [];
  const elements = new Map<string, FakeElement>();
  const cells = fields.map((f) => new FakeElement({ 'data-field': f.path, 'data-format': 'int' }));
  const store = (init: Record<string, string>) => ({
    data: { ...init },
    getItem(k: string) {
      return this.data[k] ?? null;
    },
    setItem(k: string, v: string) {
      this.data[k] = v;
    },
  });
  const local = store(options.localToken === undefined ? {} : { token: options.localToken });
  const session = store({});
  const replaced: string[] = [];
  const sandbox = {
    document: {
      hidden: false,
      getElementById: (id: string) => elements.get(id) ?? elements.set(id, new FakeElement({})).get(id),
      querySelectorAll: () => cells,
      createElement: () => new FakeElement({}),
      addEventListener() {},
      documentElement: {},
    },
    window: { history: { replaceState: (_s: unknown, _t: string, url: string) => replaced.push(url) }, devicePixelRatio: 1 },
    location: { pathname: `/plugin/${ID}/api/status`, search: options.search ?? '', hash: '' },
    localStorage: local,
    sessionStorage: session,
    URLSearchParams,
    fetch: async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return options.respond(url, init);
    },
    setTimeout: () => 1,
    clearTimeout() {},
    getComputedStyle: () => ({ getPropertyValue: () => '' }),
  };
  vm.runInNewContext(script, sandbox);
  const settle = () => new Promise((r) => setTimeout(r, 10));
  return { calls, elements, cells, session, replaced, settle };
}

class FakeElement {
  textContent = '';
  hidden = false;
  children: FakeElement[] = [];
  className = '';
  value = '';
  clientWidth = 0;
  clientHeight = 0;
  width = 0;
  height = 0;
  constructor(readonly attrs: Record<string, string>) {}
  getAttribute(n: string) {
    return this.attrs[n] ?? null;
  }
  setAttribute(n: string, v: string) {
    this.attrs[n] = v;
  }
  appendChild(c: FakeElement) {
    this.children.push(c);
  }
  addEventListener() {}
  getContext() {
    return null;
  }
}

describe('web status page script', () => {
  const ok = (data: unknown) => new Response(JSON.stringify({ code: 0, data }), { status: 200 });

  it('uses the WebUI token from localStorage (JSON-quoted) as a Bearer and fills the fields', async () => {
    const stats = new MediaStats({ version: '1.0.0' });
    stats.add('storeHits', 42);
    stats.failure('IO');
    const page = runPage({ localToken: JSON.stringify('webui-credential'), respond: () => ok(stats.snapshot()) });
    await page.settle();
    expect(page.calls).to.have.length(1);
    expect(page.calls[0].url).to.equal(`/api/Plugin/ext/${ID}/stats`);
    expect((page.calls[0].init.headers as Record<string, string>).Authorization).to.equal('Bearer webui-credential');
    const hits = page.cells.find((c) => c.attrs['data-field'] === 'store.hits')!;
    expect(hits.attrs['data-value']).to.equal('42');
    expect(page.elements.get('status')!.attrs['data-state']).to.equal('ok');
    expect(page.elements.get('failures')!.children.map((c) => c.attrs['data-reason'])).to.deep.equal(['IO']);
  });

  it('fills the URL cache and pacing fields, the failures by category and one row per content’s leader outcomes', async () => {
    const stats = new MediaStats({ version: '1.0.0' });
    stats.add('urlHits', 4);
    stats.add('urlBytesNotDownloaded', 4096);
    stats.gauge('pacingQueued', () => 3);
    stats.gauge('pacingWaitMs', () => 250);
    stats.paced(0.01);
    stats.paced(120);
    stats.failed('URL_FAILED');
    stats.leaderOutcome('0123456789abcdef0123456789abcdef', 'succeeded');
    stats.leaderOutcome('fedcba9876543210fedcba9876543210', 'failed');
    const page = runPage({ localToken: 'token', respond: () => ok(stats.snapshot()) });
    await page.settle();
    const value = (field: string) => page.cells.find((c) => c.attrs['data-field'] === field)?.attrs['data-value'];
    expect([value('url.hits'), value('url.bytesNotDownloaded'), value('pacing.queued'), value('pacing.waitMs')]).to.deep.equal(['4', '4096', '3', '250']);
    expect([value('pacing.sends'), value('pacing.waitedMs.max')]).to.deep.equal(['2', '120']);
    const categories = page.elements.get('categories')!.children;
    expect(categories[0].attrs).to.include({ 'data-reason': 'URL_FAILED', 'data-value': '1' });
    expect(categories).to.have.length(6);
    const rows = page.elements.get('leaders')!.children;
    expect(rows.map((r) => r.attrs['data-content'])).to.deep.equal(['fedcba987654', '0123456789ab']);
    expect(rows[0].children.slice(0, 4).map((c) => c.textContent)).to.deep.equal(['fedcba987654', '0', '1', '0']);
  });

  it('prefers ?token= from the URL, keeps it for the session and removes it from the address bar', async () => {
    const page = runPage({ localToken: 'other', search: '?token=abc', respond: () => ok(new MediaStats({ version: '0' }).snapshot()) });
    await page.settle();
    expect((page.calls[0].init.headers as Record<string, string>).Authorization).to.equal('Bearer abc');
    expect(page.session.data[`${ID}.token`]).to.equal('abc');
    expect(page.replaced).to.deep.equal([`/plugin/${ID}/api/status`]);
  });

  it('shows the token prompt and fetches nothing when no token is found', async () => {
    const page = runPage({ respond: () => ok({}) });
    await page.settle();
    expect(page.calls).to.have.length(0);
    expect(page.elements.get('status')!.attrs['data-state']).to.equal('auth');
    expect(page.elements.get('auth')!.hidden).to.equal(false);
  });

  it('says clearly when the token is rejected (401) and fills nothing', async () => {
    const page = runPage({ localToken: 'expired', respond: () => new Response('{"code":-1}', { status: 401 }) });
    await page.settle();
    const status = page.elements.get('status')!;
    expect(status.attrs['data-state']).to.equal('auth');
    expect(status.textContent).to.contain('401').and.contain('WebUI');
    expect(page.cells.every((c) => c.attrs['data-value'] === undefined)).to.equal(true);
  });
});
