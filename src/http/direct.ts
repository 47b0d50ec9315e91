// The direct way: Node's own `fetch`, which is what NapCat's downloader uses too, so the
// request carries the same default headers (and the same transparent decompression). Redirects
// come back to the cache (`manual`), which consults its store on every hop.
import type { HttpResponse, RequestHeaders } from './response';

export async function fetchDirect(url: string, headers: RequestHeaders, signal: AbortSignal): Promise<HttpResponse> {
  const response = await fetch(url, { headers, redirect: 'manual', signal });
  const flat: Record<string, string> = {};
  response.headers.forEach((value, name) => (flat[name] = value));
  const body = response.body;
  return {
    status: response.status,
    statusText: response.statusText,
    headers: flat,
    body: chunks(body),
    discard: () => void body?.cancel().catch(() => undefined),
  };
}

async function* chunks(body: ReadableStream<Uint8Array> | null): AsyncIterable<Uint8Array> {
  if (!body) return;
  const reader = body.getReader();
  let done = false;
  try {
    for (let read = await reader.read(); !(done = read.done); read = await reader.read()) yield read.value;
  } finally {
    // Left early (over the limit, timed out): stop the transfer instead of letting it run on.
    if (!done) await reader.cancel().catch(() => undefined);
  }
}
