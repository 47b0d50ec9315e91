// Why a URL could not be fetched, in terms a bot operator can act on: the origin's status,
// a size over the limit, a timeout, a network error. Text for people is built from these
// fields by the error catalog (src/errors/catalog.ts); this file only classifies.

export type UrlFetchErrorCode =
  | 'HTTP_STATUS' // the origin answered, with a status that carries no image (4xx/5xx, or a 3xx without Location)
  | 'TOO_LARGE' // the body is (or announced itself) larger than maxBodyBytes
  | 'TIMEOUT' // no complete answer within timeoutMs
  | 'NETWORK' // no answer at all: DNS, refused, reset, TLS…
  | 'REDIRECTS' // more than MAX_REDIRECTS hops
  | 'BAD_URL'; // not an absolute http(s) URL

export interface UrlFetchErrorDetails {
  status?: number;
  statusText?: string;
  /** Bytes seen (or announced by Content-Length) when the limit was crossed. */
  size?: number;
  limit?: number;
  timeoutMs?: number;
  /** errno-style code of a network failure ('ECONNREFUSED', 'ENOTFOUND', …). */
  errno?: string;
}

export class UrlFetchError extends Error {
  readonly code: UrlFetchErrorCode;
  readonly url: string;
  readonly details: UrlFetchErrorDetails;

  constructor(code: UrlFetchErrorCode, url: string, details: UrlFetchErrorDetails = {}, cause?: unknown) {
    super(`${code} ${shortUrl(url)}${describe(details)}`, cause === undefined ? undefined : { cause });
    this.name = 'UrlFetchError';
    this.code = code;
    this.url = url;
    this.details = details;
  }
}

/** URLs can carry tokens and be megabytes long (data in the query): logs get the head only. */
export function shortUrl(url: string): string {
  return url.length > 200 ? `${url.slice(0, 200)}…` : url;
}

function describe(d: UrlFetchErrorDetails): string {
  const parts: string[] = [];
  if (d.status !== undefined) parts.push(`status ${d.status}${d.statusText ? ` ${d.statusText}` : ''}`);
  if (d.size !== undefined) parts.push(`size ${d.size}`);
  if (d.limit !== undefined) parts.push(`limit ${d.limit}`);
  if (d.timeoutMs !== undefined) parts.push(`after ${d.timeoutMs} ms`);
  if (d.errno !== undefined) parts.push(d.errno);
  return parts.length > 0 ? `: ${parts.join(', ')}` : '';
}
