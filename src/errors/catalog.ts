import { shortUrl } from '../http/errors';

// Every failure the plugin (or the proxy) reports, with a way out: what happened and what to
// do, Chinese first with English beside, and NapCat's own text kept whole at the END, because
// bots match on it (`rich media transfer failed`, `Timeout`). All but CACHE_UNUSABLE are the
// answer a bot gets; CACHE_UNUSABLE is said in the log (requests meanwhile take NapCat's own
// path and fail nothing). docs/errors.md is the same table for people;
// test/errors/catalog.spec.ts checks that the two agree.

// Not in it: media over `maxPayloadBytes`. It is not refused: NapCat's own path sends it
// (src/napcat/oversize.ts says so in one info line). Nor "invalid base64": the text is decoded
// exactly as NapCat's `Buffer.from(text, 'base64')` decodes it, which takes any character, so
// the only base64 that cannot be sent is text that decodes to nothing (EMPTY_BASE64).
export type FailureCategory = 'UPLOAD_FAILED' | 'SEND_TIMEOUT' | 'NOT_SENT' | 'EMPTY_BASE64' | 'URL_FAILED' | 'CACHE_UNUSABLE';

/** One row of the table: the category's name, and what to do about it, in both languages. */
export interface CatalogEntry {
  category: FailureCategory;
  title: { zh: string; en: string };
  action: { zh: string; en: string };
}

export const CATALOG: readonly CatalogEntry[] = [
  {
    category: 'UPLOAD_FAILED',
    title: { zh: '重试后上传仍失败', en: 'upload still failing after retries' },
    action: {
      zh: 'QQ 可能在限流：调低 maxConcurrentUploads、开启 pacing，稍后再试',
      en: 'QQ may be throttling: lower maxConcurrentUploads, enable pacing, retry later',
    },
  },
  {
    category: 'SEND_TIMEOUT',
    title: { zh: '发送超时', en: 'send timed out' },
    action: {
      zh: '消息可能已经送达，所以没有重发；先确认再决定是否重发',
      en: 'the message may have been delivered, so it was not re-sent; check before sending again',
    },
  },
  {
    category: 'NOT_SENT',
    title: { zh: '未发送', en: 'not sent' },
    action: {
      zh: '消息没有交给 QQ，可以直接重发；若常发生，开启 pacing 或调高 NapCat 的 timeout',
      en: 'it never reached QQ, so it is safe to send again; if this happens often, enable pacing or raise NapCat’s timeout',
    },
  },
  {
    category: 'EMPTY_BASE64',
    title: { zh: '解码后为空的 base64', en: 'base64 decodes to nothing' },
    action: {
      zh: '检查发送端：文本里没有可解码的 base64 数据，没有可发送的内容',
      en: 'check the sender: the text holds no decodable base64 data, so there is nothing to send',
    },
  },
  {
    category: 'URL_FAILED',
    title: { zh: '下载 URL 失败', en: 'URL download failed' },
    action: {
      zh: '检查链接能否从 NapCat 所在机器访问（imageDownloadProxy 代理设置）',
      en: 'check the link is reachable from the NapCat host (and its imageDownloadProxy)',
    },
  },
  {
    category: 'CACHE_UNUSABLE',
    title: { zh: '缓存目录不可用', en: 'cache folder unusable' },
    action: {
      zh: '检查 cacheDir 的权限与剩余空间；修好后插件自动恢复',
      en: 'check cacheDir’s permissions and free space; the plugin recovers once it is fixed',
    },
  },
];

const ENTRY = Object.fromEntries(CATALOG.map((e) => [e.category, e])) as Record<FailureCategory, CatalogEntry>;

/** `中文：细节；建议 / English: detail; advice — NapCat's own text`. */
function compose(category: FailureCategory, detail: { zh: string; en: string }, napcat?: string): string {
  const { title, action } = ENTRY[category];
  const text = `${title.zh}：${detail.zh}；${action.zh} / ${title.en}: ${detail.en}; ${action.en}`;
  return napcat ? `${text} — ${napcat}` : text;
}

export function uploadStillFailing(p: { attempts: number; verified: boolean; napcat: string }): string {
  const zh = `已尝试 ${p.attempts} 次${p.verified ? '，文件已核对完好' : ''}`;
  const en = `${p.attempts} attempts${p.verified ? ', file verified intact' : ''}`;
  return compose('UPLOAD_FAILED', { zh, en }, p.napcat);
}

/** `timeoutMs`: the time NapCat gave the message; said in seconds, whole or to a tenth. */
export function sendTimedOut(p: { timeoutMs: number; napcat: string }): string {
  const seconds = Math.round(p.timeoutMs / 100) / 10;
  return compose('SEND_TIMEOUT', { zh: `QQ 在 ${seconds} 秒内没有确认`, en: `QQ did not confirm within ${seconds} s` }, p.napcat);
}

/** NapCat's timeout for the message ran out while it waited in the plugin: it was never handed to QQ. */
export function notSent(p: { timeoutMs: number }): string {
  return compose('NOT_SENT', {
    zh: `等待同一媒体的上传已用完 NapCat 为此消息设的超时（${p.timeoutMs} ms）`,
    en: `waiting for the upload of the same media used up NapCat’s timeout for this message (${p.timeoutMs} ms)`,
  });
}

/**
 * What NapCat itself answers for text that decodes to nothing: it writes the empty file, and
 * every element builder refuses a 0-byte file so (onebot/api/file.ts, v4.18.5).
 */
export const NAPCAT_EMPTY_FILE = '文件异常，大小为0';

/** Text that decodes to 0 bytes, refused before NapCat is asked; NapCat's answer for it last. */
export function emptyBase64(p: { characters: number }): string {
  return compose(
    'EMPTY_BASE64',
    { zh: `${p.characters} 个字符，解码得 0 字节`, en: `${p.characters} characters, 0 bytes decoded` },
    NAPCAT_EMPTY_FILE,
  );
}

export type UrlFailure =
  | { kind: 'status'; status: number; statusText: string }
  | { kind: 'timeout'; seconds: number }
  | { kind: 'network'; errno: string }
  | { kind: 'redirects' };

export function urlFailed(p: { url: string; failure: UrlFailure; napcat: string }): string {
  const f = p.failure;
  const status = f.kind === 'status' ? `HTTP ${f.status}${f.statusText ? ` ${f.statusText}` : ''}` : '';
  const detail =
    f.kind === 'status'
      ? { zh: status, en: status }
      : f.kind === 'timeout'
        ? { zh: `${f.seconds} 秒内未下载完`, en: `timed out after ${f.seconds} s` }
        : f.kind === 'network'
          ? { zh: `网络错误 ${f.errno}`, en: `network error ${f.errno}` }
          : { zh: '重定向次数过多', en: 'too many redirects' };
  // Once, in the first half: a URL can be long, and both readers recognise it.
  return compose('URL_FAILED', { zh: `${detail.zh}（${shortUrl(p.url)}）`, en: detail.en }, p.napcat);
}

/** `meanwhile` says what the plugin does instead, e.g. NapCat's own path. */
export function cacheUnusable(p: { errno: string; dir: string; meanwhile: { zh: string; en: string } }): string {
  return compose('CACHE_UNUSABLE', { zh: `${p.errno}（${p.dir}），${p.meanwhile.zh}`, en: `${p.errno} (${p.dir}); ${p.meanwhile.en}` });
}
