// One hop (no redirects followed): through the download proxy when one is set, falling back to
// a direct request when the proxy itself fails, as NapCat's downloader does; failures become
// UrlFetchErrors that say which kind of failure it was.
import { fetchDirect } from './direct';
import { UrlFetchError } from './errors';
import type { HttpResponse, RequestHeaders } from './response';
import { fetchViaProxy } from './via-proxy';

export interface HopOptions {
  /** NapCat's `imageDownloadProxy`; empty or undefined = direct. */
  proxy?: string;
  signal: AbortSignal;
  timeoutMs: number;
  /** Told when the proxy failed and the request went direct. */
  onProxyFailure?: (error: unknown) => void;
}

export async function requestOnce(url: string, headers: RequestHeaders, options: HopOptions): Promise<HttpResponse> {
  try {
    if (options.proxy) {
      try {
        return await fetchViaProxy(url, headers, options.proxy, options.signal);
      } catch (error) {
        if (options.signal.aborted) throw error;
        options.onProxyFailure?.(error);
      }
    }
    return await fetchDirect(url, headers, options.signal);
  } catch (error) {
    throw transportError(url, error, options);
  }
}

/** What went wrong below HTTP, classified: our timeout, or the network's errno. */
export function transportError(url: string, error: unknown, options: { signal: AbortSignal; timeoutMs: number }): UrlFetchError {
  if (error instanceof UrlFetchError) return error;
  if (options.signal.aborted) return new UrlFetchError('TIMEOUT', url, { timeoutMs: options.timeoutMs }, error);
  return new UrlFetchError('NETWORK', url, { errno: errnoOf(error) }, error);
}

function errnoOf(error: unknown): string {
  // fetch wraps the socket's error as `cause` of a TypeError('fetch failed').
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return error instanceof Error ? error.message.slice(0, 120) : String(error).slice(0, 120);
}
