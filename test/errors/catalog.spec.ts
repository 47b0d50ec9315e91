import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import {
  CATALOG,
  cacheUnusable,
  invalidBase64,
  payloadTooLarge,
  sendTimedOut,
  uploadStillFailing,
  urlFailed,
  type FailureCategory,
} from '../../src/errors/catalog';

const NAPCAT = 'EventChecker Failed: NTEvent … EventRet:\n{"result": -1, "errMsg": "rich media transfer failed"}\n';

/** One message per category, with the details each must carry. */
const SAMPLES: Record<FailureCategory, { text: string; napcat?: string; details: string[] }> = {
  UPLOAD_FAILED: { text: uploadStillFailing({ attempts: 3, verified: true, napcat: NAPCAT }), napcat: NAPCAT, details: ['3', 'verified intact', '核对完好', 'maxConcurrentUploads', 'pacing'] },
  SEND_TIMEOUT: {
    text: sendTimedOut({ seconds: 12, napcat: 'Timeout: NTEvent serviceAndMethod:NodeIKernelMsgService/sendMsg' }),
    napcat: 'Timeout: NTEvent serviceAndMethod:NodeIKernelMsgService/sendMsg',
    details: ['12 秒', '12 s', 'not re-sent', '没有重发'],
  },
  TOO_LARGE: { text: payloadTooLarge({ size: 150 * 1024 * 1024, limit: 100 * 1024 * 1024 }), details: ['150.0 MiB', '100.0 MiB', 'file://', 'maxPayloadBytes'] },
  INVALID_BASE64: { text: invalidBase64({ position: 1234, character: '%' }), details: ['1234', '"%"'] },
  URL_FAILED: {
    text: urlFailed({ url: 'https://example.com/a.png', failure: { kind: 'status', status: 404, statusText: 'Not Found' }, napcat: '下载文件失败: Not Found' }),
    napcat: '下载文件失败: Not Found',
    details: ['HTTP 404 Not Found', 'https://example.com/a.png', 'imageDownloadProxy'],
  },
  CACHE_UNUSABLE: {
    text: cacheUnusable({ errno: 'EACCES', dir: '/data/cache', instead: { zh: '改走 NapCat 原流程', en: 'sent through NapCat’s own path' } }),
    details: ['EACCES', '/data/cache', '改走 NapCat 原流程', 'NapCat’s own path instead', 'cacheDir'],
  },
};

describe('error catalog', () => {
  for (const entry of CATALOG) {
    const sample = SAMPLES[entry.category];
    it(`${entry.category}: Chinese first, English beside, details and the way out, NapCat’s text last`, () => {
      expect(sample.text).to.match(/^[\u4e00-\u9fff]/);
      const [zh, en] = sample.text.split(' / ');
      expect(zh).to.include(entry.title.zh).and.include(entry.action.zh);
      expect(en).to.include(entry.title.en).and.include(entry.action.en);
      for (const detail of sample.details) expect(sample.text).to.include(detail);
      if (sample.napcat) expect(sample.text.endsWith(sample.napcat), 'NapCat’s own text is kept whole at the end').to.equal(true);
    });
  }

  it('a bot matching on `rich media transfer failed` still matches', () => {
    expect(SAMPLES.UPLOAD_FAILED.text).to.include('rich media transfer failed');
  });

  it('URL failures say the timeout, the network errno, or too many redirects', () => {
    const napcat = '下载文件失败';
    expect(urlFailed({ url: 'http://x/a', failure: { kind: 'timeout', seconds: 30 }, napcat })).to.include('30 秒').and.include('timed out after 30 s');
    expect(urlFailed({ url: 'http://x/a', failure: { kind: 'network', errno: 'ECONNREFUSED' }, napcat })).to.include('ECONNREFUSED');
    expect(urlFailed({ url: 'http://x/a', failure: { kind: 'redirects' }, napcat })).to.include('too many redirects');
    const long = urlFailed({ url: `http://x/${'a'.repeat(500)}`, failure: { kind: 'redirects' }, napcat });
    expect(long, 'the URL is cut to 200 characters, shown once').to.include(`${'a'.repeat(191)}…`).and.not.include('a'.repeat(192));
  });

  it('docs/errors.md has one row per category with both titles, and the README points to it', () => {
    const docs = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const rows = docs.split('\n').filter((l) => /^\| `[A-Z0-9_]+` \|/.test(l));
    expect(rows.map((r) => /`([A-Z0-9_]+)`/.exec(r)?.[1])).to.deep.equal(CATALOG.map((e) => e.category));
    for (const entry of CATALOG) {
      const row = rows.find((r) => r.includes(`\`${entry.category}\``))!;
      expect(row).to.include(entry.title.zh).and.include(entry.title.en);
    }
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const entry of CATALOG) expect(readme, entry.category).to.include(entry.category);
    expect(readme).to.include('docs/errors.md');
  });
});
