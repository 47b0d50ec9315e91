import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import {
  CATALOG,
  NAPCAT_EMPTY_FILE,
  cacheUnusable,
  emptyBase64,
  notSent,
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
    text: sendTimedOut({ timeoutMs: 12_000, napcat: 'Timeout: NTEvent serviceAndMethod:NodeIKernelMsgService/sendMsg' }),
    napcat: 'Timeout: NTEvent serviceAndMethod:NodeIKernelMsgService/sendMsg',
    details: ['12 秒', '12 s', 'not re-sent', '没有重发'],
  },
  NOT_SENT: { text: notSent({ timeoutMs: 10_000 }), details: ['10000 ms', 'never reached QQ', '没有交给 QQ', 'safe to send again', 'pacing'] },
  EMPTY_BASE64: { text: emptyBase64({ characters: 3 }), napcat: NAPCAT_EMPTY_FILE, details: ['3 个字符', '0 字节', '3 characters, 0 bytes'] },
  URL_FAILED: {
    text: urlFailed({ url: 'https://example.com/a.png', failure: { kind: 'status', status: 404, statusText: 'Not Found' }, napcat: '下载文件失败: Not Found' }),
    napcat: '下载文件失败: Not Found',
    details: ['HTTP 404 Not Found', 'https://example.com/a.png', 'imageDownloadProxy'],
  },
  CACHE_UNUSABLE: {
    text: cacheUnusable({ errno: 'EACCES', dir: '/data/cache', meanwhile: { zh: '请求暂走 NapCat 原流程', en: 'requests take NapCat’s own path meanwhile' } }),
    details: ['EACCES', '/data/cache', '请求暂走 NapCat 原流程', 'requests take NapCat’s own path meanwhile', 'cacheDir'],
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

  it('a bot matching on `rich media transfer failed` or `Timeout:` still matches', () => {
    expect(SAMPLES.UPLOAD_FAILED.text).to.include('rich media transfer failed');
    expect(SAMPLES.SEND_TIMEOUT.text).to.match(/\bTimeout:/);
  });

  it('there is no category for media over maxPayloadBytes (sent by NapCat’s own path) nor for odd base64 characters (NapCat takes them)', () => {
    // Each on its own: `not.include.members` passes unless both are there.
    const categories: string[] = CATALOG.map((e) => e.category);
    for (const gone of ['TOO_LARGE', 'INVALID_BASE64']) expect(categories, gone).to.not.include(gone);
    const docs = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    expect(docs).to.include('maxPayloadBytes').and.include('not refused');
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
