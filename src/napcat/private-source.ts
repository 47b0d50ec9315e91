import { randomUUID } from 'node:crypto';
import { copyFile, link } from 'node:fs/promises';
import path from 'node:path';
import type { MediaInfo } from '../store/types';

/**
 * A name of its own for a store file, in NapCat's temp folder, for one send. NapCat's video
 * builder writes `${src}.${ext}` beside its source (always, up to v4.17.48) and queues it for
 * deletion: with the store file as the source that copy would land in the store's content tree
 * and be shared, and deleted, under other sends of the same video. Beside this name it is the
 * send's own, in NapCat's temp folder, as NapCat alone would have it. A hard link (no bytes
 * written); a copy where a link cannot be made (another volume).
 */
export async function privateSource(tempDir: string, media: MediaInfo): Promise<string> {
  const own = path.join(tempDir, `${randomUUID()}${media.ext}`);
  try {
    await link(media.path, own);
  } catch {
    await copyFile(media.path, own);
  }
  return own;
}
