// One HTTP exchange as the cache sees it, whichever way it travelled (direct `fetch`, or
// through NapCat's download proxy): status and headers first, the body as a stream the cache
// may read or drop.

export interface HttpResponse {
  status: number;
  statusText: string;
  /** Lower-case names; repeated fields joined with ', '. */
  headers: Record<string, string>;
  body: AsyncIterable<Uint8Array>;
  /** Drops the body without reading it (a 304, a redirect, a failure status). */
  discard(): void;
}

export type RequestHeaders = Record<string, string>;
