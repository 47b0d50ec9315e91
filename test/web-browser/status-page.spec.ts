// The status page in a real browser (Debian's chromium through playwright-core), served by
// the model NapCat's WebUI port with the built plugin loaded: the page finds the WebUI
// token, reads the authenticated /stats route, renders the counters, and follows a burst.
// Leaves a screenshot in test-artifacts/status-page.png. CI installs chromium with
// scripts/install-chromium.sh; without it this spec fails, it never skips.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { makePng, type Host } from '../host';
import { startOrigin } from '../http/origin';
import { burst, failed, hostWithPlugin, imageSegment, PLUGIN_ID, pluginStats } from '../integration/support';
import { sendTimedOut } from '../../src/errors/catalog';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCREENSHOT = path.join(ROOT, 'test-artifacts', 'status-page.png');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Counters the burst must move; compared one by one with the /stats route. */
const COUNTERS = ['sends.seen', 'store.hits', 'store.misses', 'store.coalescedPuts', 'ntqq.copiesMade', 'uploads.led'];

/** Each counter's raw `data-value` ('' while unfilled). */
function readFields(page: Page, fields: string[]): Promise<Record<string, string>> {
  return page.evaluate(
    (names) => Object.fromEntries(names.map((n) => [n, document.querySelector(`[data-field="${n}"]`)?.getAttribute('data-value') ?? ''])),
    fields,
  );
}

function pick(snapshot: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], snapshot);
}

describe('status page in headless chromium', function () {
  this.timeout(120_000);
  let host: Host;
  let context: BrowserContext;
  let userDataDir: string;
  let pageUrl: string;

  before(async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(
        `未找到 chromium / chromium not found at ${CHROMIUM}: 运行 / run \`bash scripts/install-chromium.sh\` (CI does), or set CHROMIUM_PATH`,
      );
    }
    host = await hostWithPlugin({ timeScale: 0.25, seed: 9 });
    const base = await host.webui.start();
    pageUrl = `${base}/plugin/${PLUGIN_ID}/api/status`;
    userDataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'chromium-profile-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1100, height: 900 },
      locale: 'zh-CN',
    });
    context.setDefaultTimeout(15_000);
  });

  after(async () => {
    await context?.close();
    await host?.close();
    if (userDataDir) await fs.promises.rm(userDataDir, { recursive: true, force: true });
  });

  it('asks for a token instead of showing data when none is found or the token is wrong', async () => {
    const page = await context.newPage();
    await page.goto(pageUrl);
    await page.waitForSelector('#status[data-state="auth"]');
    expect(await page.isVisible('#auth')).to.equal(true);
    expect(await page.textContent('#status')).to.contain('未找到 WebUI 登录令牌');

    await page.goto(`${pageUrl}?token=wrong-token`);
    await page.waitForSelector('#status[data-state="auth"]');
    expect(await page.textContent('#status')).to.match(/^令牌无效（401）/);
    expect(Object.values(await readFields(page, COUNTERS)), 'nothing rendered without a valid token').to.deep.equal(COUNTERS.map(() => ''));
    await page.close();
  });

  it('renders the counters with the WebUI token, follows a burst, and matches /stats', async () => {
    const page = await context.newPage();
    await page.goto(`${pageUrl}?token=${encodeURIComponent(host.webui.token)}`);
    await page.waitForSelector('#status[data-state="ok"]');
    // The token leaves the address bar (it stays in this tab's sessionStorage).
    expect(page.url()).to.equal(pageUrl);
    expect(await page.textContent('#version')).to.equal(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
    const before = await readFields(page, COUNTERS);
    expect(before['sends.seen']).to.equal('0');
    expect(before['store.hits']).to.equal('0');
    expect(await page.textContent('[data-field="sends.seen"]')).to.equal('0');
    expect(await page.locator('.card .label').first().textContent()).to.equal('媒体发送 / Sends seen');

    const image = makePng({ bytes: 400_000, seed: 13 });
    // Spread over ~3 s so the page's 1.5 s polls see the burst in progress and the chart gets points.
    const responses = await burst(host, 30, () => [imageSegment(image)], 3000);
    expect(failed(responses).map((r) => r.message)).to.deep.equal([]);
    const stats = await pluginStats(host);
    expect(stats.sends.seen).to.equal(30);

    await page.waitForFunction(() => document.querySelector('[data-field="sends.seen"]')?.getAttribute('data-value') === '30');
    const after = await readFields(page, COUNTERS);
    for (const field of COUNTERS) expect(after[field], field).to.equal(String(pick(stats, field)));
    expect(Number(after['store.hits']) + Number(after['store.coalescedPuts']), 'hits + coalesced puts').to.equal(29);
    expect(after['store.misses']).to.equal('1');
    expect(await page.textContent('[data-field="store.bytesNotWritten"]')).to.match(/^\d+(\.\d)? (KiB|MiB)$/);
    expect(await page.textContent('#failures')).to.equal('无 / none');

    // The chart has plotted the sends/s line: pixels of the page's --a colour on the canvas.
    await page.waitForTimeout(1600);
    const plotted = await page.evaluate(() => {
      const canvas = document.getElementById('chart') as HTMLCanvasElement;
      const hex = getComputedStyle(document.documentElement).getPropertyValue('--a').trim();
      const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (want.every((v, k) => Math.abs(data[i + k] - v) < 24) && data[i + 3] > 200) n++;
      return n;
    });
    expect(plotted, 'sends/s line pixels on #chart').to.be.greaterThan(20);

    // One content, led once, and its leader succeeded: one row; nothing failed.
    expect(stats.leaders).to.deep.include({ succeeded: 1, failed: 0, timedOut: 0 });
    const [content] = stats.leaders.contents;
    const row = await page.$$eval(`#leaders tr[data-content="${content.content}"] td`, (cells) => cells.map((c) => c.textContent));
    expect(row.slice(0, 4)).to.deep.equal([content.content, '1', '0', '0']);
    expect(await page.$$eval('#leaders tr', (rows) => rows.length)).to.equal(1);
    expect(await page.getAttribute('#categories [data-reason="URL_FAILED"]', 'data-value')).to.equal('0');

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(fs.statSync(SCREENSHOT).size).to.be.greaterThan(10_000);
    await page.close();
  });

  it('shows URL cache hits, bytes not downloaded and a URL failure by its category, as /stats has them', async () => {
    const origin = await startOrigin();
    const png = makePng({ bytes: 100_000, seed: 21 });
    origin.route('/cached.png', (_req, res) => res.writeHead(200, { 'cache-control': 'max-age=600' }).end(png));
    const page = await context.newPage();
    try {
      await page.goto(`${pageUrl}?token=${encodeURIComponent(host.webui.token)}`);
      await page.waitForSelector('#status[data-state="ok"]');
      const url = `${origin.base}/cached.png`;
      const sent = await burst(host, 10, () => [{ type: 'image', data: { file: url } }], 500);
      expect(failed(sent).map((r) => r.message)).to.deep.equal([]);
      const missing = await burst(host, 1, () => [{ type: 'image', data: { file: `${origin.base}/missing.png` } }], 0);
      expect(failed(missing)[0]?.message).to.match(/^下载 URL 失败：HTTP 404/);
      expect(origin.count('/cached.png'), 'one download for ten sends').to.equal(1);

      const stats = await pluginStats(host);
      expect(stats.url.downloads).to.equal(1);
      expect(stats.url.hits + stats.url.shared).to.equal(9);
      await page.waitForFunction(
        (hits) => document.querySelector('[data-field="url.downloads"]')?.getAttribute('data-value') === '1' &&
          document.querySelector('#categories [data-reason="URL_FAILED"]')?.getAttribute('data-value') === '1' &&
          String(Number(document.querySelector('[data-field="url.hits"]')?.getAttribute('data-value')) +
            Number(document.querySelector('[data-field="url.shared"]')?.getAttribute('data-value'))) === hits,
        '9',
      );
      const fields = await readFields(page, ['url.hits', 'url.shared', 'url.revalidated', 'url.bytesNotDownloaded']);
      for (const [field, value] of Object.entries(fields)) expect(value, field).to.equal(String(pick(stats, field)));
      expect(Number(fields['url.bytesNotDownloaded'])).to.equal(9 * png.length);
      expect(await page.textContent('[data-field="url.bytesNotDownloaded"]')).to.match(/^\d+(\.\d)? (KiB|MiB)$/);
    } finally {
      await page.close();
      await origin.close();
    }
  });

  // Issue 13 §5 on a second NapCat whose QQ server never answers (every send ends in NapCat's
  // Timeout, 1 s of wall time here) and with pacing at 4/s: the page follows the pacing queue
  // while it lasts, then shows every new field as /stats has it.
  it('shows pacing (queue, sends, waits), a Timeout by its category and the leader that timed out, as /stats has them', async () => {
    const outage = await hostWithPlugin(
      { timeScale: 0.25, seed: 3, latencyMs: 3_600_000, timeout: { baseTimeout: 4000, uploadSpeedKBps: 1_000_000 } },
      { pacing: { mediaSendsPerSecond: 4, burst: 1 } },
    );
    const page = await context.newPage();
    try {
      const base = await outage.webui.start();
      await page.goto(`${base}/plugin/${PLUGIN_ID}/api/status?token=${encodeURIComponent(outage.webui.token)}`);
      await page.waitForSelector('#status[data-state="ok"]');
      const image = makePng({ bytes: 100_000, seed: 41 });
      const sending = burst(outage, 12, () => [imageSegment(image)], 0);
      // 12 sends at 4/s queue for about 3 s: a 1.5 s poll sees them waiting.
      await page.waitForFunction(() => Number(document.querySelector('[data-field="pacing.queued"]')?.getAttribute('data-value')) > 0);
      const answers = await sending;
      expect(failed(answers)).to.have.length(12);
      const timedOut = answers.filter((r) => r.message.startsWith('发送超时：QQ 在 4 秒内没有确认'));
      expect(timedOut.length, 'the leader’s answer at least').to.be.at.least(1);
      expect(timedOut[0].message, 'NapCat’s Timeout last').to.equal(sendTimedOut({ timeoutMs: 4000, napcat: timedOut[0].message.split(' — ').slice(1).join(' — ') }));

      const stats = await pluginStats(outage);
      expect(stats.pacing.sends).to.equal(12);
      expect(stats.pacing.queued).to.equal(0);
      expect(stats.pacing.waitedMs.max, 'the 12th waited about 11 tokens (2.75 s)').to.be.within(2_000, 4_000);
      expect(stats.failuresByCategory.SEND_TIMEOUT + stats.failuresByCategory.NOT_SENT).to.equal(12);
      expect(stats.leaders.timedOut).to.be.at.least(1);
      expect(stats.leaders.contents).to.have.length(1);

      // Every send has been answered: /stats is final now, and the page's next poll shows it.
      const fields = ['pacing.queued', 'pacing.waitMs', 'pacing.sends', 'pacing.waitedMs.p95', 'pacing.waitedMs.max', 'leaders.succeeded', 'leaders.failed', 'leaders.timedOut'];
      const now = await pluginStats(outage);
      const want = Object.fromEntries(fields.map((f) => [f, String(pick(now, f))]));
      await page.waitForFunction(
        (expected) => Object.entries(expected).every(([f, v]) => document.querySelector(`[data-field="${f}"]`)?.getAttribute('data-value') === v),
        want,
      );
      const shown = await readFields(page, fields);
      for (const field of fields) expect(shown[field], field).to.equal(want[field]);
      expect(await page.textContent('[data-field="pacing.waitedMs.max"]')).to.match(/^\d+ ms$/);
      for (const category of ['SEND_TIMEOUT', 'NOT_SENT', 'UPLOAD_FAILED', 'EMPTY_BASE64']) {
        expect(await page.getAttribute(`#categories [data-reason="${category}"]`, 'data-value'), category).to.equal(String(now.failuresByCategory[category as keyof typeof now.failuresByCategory]));
      }
      const content = now.leaders.contents[0];
      const row = await page.$$eval(`#leaders tr[data-content="${content.content}"] td`, (cells) => cells.map((c) => c.textContent));
      expect(row.slice(0, 4)).to.deep.equal([content.content, String(content.succeeded), String(content.failed), String(content.timedOut)]);
    } finally {
      await page.close();
      await outage.close();
    }
  });
});
