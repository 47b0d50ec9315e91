// Every failure the plugin (or the proxy) reports to a bot, with a way out: what happened and
// what to do, Chinese first with English beside, and NapCat's own text kept whole at the END,
// because bots match on it (`rich media transfer failed`, `Timeout`). docs/errors.md is the
// same table for people; test/errors/catalog.spec.ts checks that the two agree.

export type FailureCategory = 'UPLOAD_FAILED' | 'SEND_TIMEOUT' | 'TOO_LARGE' | 'INVALID_BASE64' | 'URL_FAILED' | 'CACHE_UNUSABLE';

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
    category: 'TOO_LARGE',
    title: { zh: '媒体超过 maxPayloadBytes', en: 'media over maxPayloadBytes' },
    action: {
      zh: '压缩后再发，或改发 file:// 本地路径，或调高 maxPayloadBytes',
      en: 'compress it, send a file:// path instead, or raise maxPayloadBytes',
    },
  },
  {
    category: 'INVALID_BASE64',
    title: { zh: '无效的 base64', en: 'invalid base64' },
    action: { zh: '检查发送端的编码（位置见消息）', en: 'check the sender’s encoding at the position given' },
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

export function sendTimedOut(p: { seconds: number; napcat: string }): string {
  return compose('SEND_TIMEOUT', { zh: `QQ 在 ${p.seconds} 秒内没有确认`, en: `QQ did not confirm within ${p.seconds} s` }, p.napcat);
}

export function payloadTooLarge(p: { size: number; limit: number; napcat?: string }): string {
  const size = formatSize(p.size);
  const limit = formatSize(p.limit);
  return compose('TOO_LARGE', { zh: `${size}，上限 ${limit}`, en: `${size}, limit ${limit}` }, p.napcat);
}

/** `position` counts from 0 in the base64 text; `character` is what stands there. */
export function invalidBase64(p: { position: number; character: string; napcat?: string }): string {
  const shown = JSON.stringify(p.character);
  return compose(
    'INVALID_BASE64',
    { zh: `第 ${p.position} 个字符 ${shown} 不是 base64 字符`, en: `character ${shown} at position ${p.position} is not base64` },
    p.napcat,
  );
}

export type UrlFailure =
  | { kind: 'status'; status: number; statusText: string }
  | { kind: 'timeout'; seconds: number }
  | { kind: 'network'; errno: string }
  | { kind: 'redirects' };

export function urlFailed(p: { url: string; failure: UrlFailure; napcat: string }): string {
  const f = p.failure;
  const detail =
    f.kind === 'status'
      ? { zh: `HTTP ${f.status}${f.statusText ? ` ${f.statusText}` : ''}`, en: `HTTP ${f.status}${f.statusText ? ` ${f.statusText}` : ''}` }
      : f.kind === 'timeout'
        ? { zh: `${f.seconds} 秒内未下载完`, en: `timed out after ${f.seconds} s` }
        : f.kind === 'network'
          ? { zh: `网络错误 ${f.errno}`, en: `network error ${f.errno}` }
          : { zh: '重定向次数过多', en: 'too many redirects' };
  // Once, in the first half: a URL can be long, and both readers recognise it.
  const url = p.url.length > 200 ? `${p.url.slice(0, 200)}…` : p.url;
  return compose('URL_FAILED', { zh: `${detail.zh}（${url}）`, en: detail.en }, p.napcat);
}

/** `instead` says what the plugin did meanwhile, e.g. NapCat's own path. */
export function cacheUnusable(p: { errno: string; dir: string; instead: { zh: string; en: string }; napcat?: string }): string {
  return compose(
    'CACHE_UNUSABLE',
    { zh: `${p.errno}（${p.dir}），已${p.instead.zh}`, en: `${p.errno} (${p.dir}); ${p.instead.en} instead` },
    p.napcat,
  );
}

function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB (${bytes} B)`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB (${bytes} B)`;
  return `${bytes} B`;
}
