// Reads a response body into memory, never past the byte limit: a Content-Length over it fails
// before any byte is read, a body that grows past it is cut off there. (NapCat's downloader
// also holds the whole body in memory before writing it.)
import { UrlFetchError } from './errors';
import type { HttpResponse } from './response';

export async function readBody(url: string, response: HttpResponse, limit: number): Promise<Buffer> {
  const announced = Number(response.headers['content-length']);
  // With a content-encoding the length is of the compressed bytes: only the decoded count is checked.
  if (!response.headers['content-encoding'] && Number.isFinite(announced) && announced > limit) {
    response.discard();
    throw new UrlFetchError('TOO_LARGE', url, { size: announced, limit });
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.length;
    if (size > limit) {
      response.discard();
      throw new UrlFetchError('TOO_LARGE', url, { size, limit });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
