// The sidecar that remembers md5, size and ext of a published file, so that no process (this
// one after a restart, or another one sharing the store) hashes the same content with md5
// again. Written under the content's lock, beside the content (as soon as its md5 is known);
// believed only under that lock, and only when the content file is there with the right size,
// so a meta whose content never arrived (a crash between the two) is never used: the sweep
// drops it, and the next put of that content rewrites it. A torn or missing one is simply
// rebuilt from the bytes by the next put of that content. Like content, it is written to a
// temp file and renamed into place: a full disk leaves no empty meta behind, and a link
// planted under its name is replaced, never written through.
import { dirname } from 'node:path';
import { EXT, type StoreLayout } from './layout';
import { type StoreFs, unlinkIfExists } from './store-fs';

export interface Meta {
  hash: string;
  md5: string;
  size: number;
  ext: string;
}

const MD5 = /^[0-9a-f]{32}$/;

export function isMeta(value: unknown, hash: string): value is Meta {
  const m = value as Partial<Meta> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    m.hash === hash &&
    typeof m.md5 === 'string' &&
    MD5.test(m.md5) &&
    Number.isSafeInteger(m.size) &&
    (m.size as number) > 0 &&
    typeof m.ext === 'string' &&
    EXT.test(m.ext)
  );
}

/** The stored meta of `hash`, or undefined when it is missing or not valid. */
export async function readMeta(fs: StoreFs, layout: StoreLayout, hash: string): Promise<Meta | undefined> {
  let text: string;
  try {
    text = await fs.readFile(layout.meta(hash), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const value: unknown = JSON.parse(text);
    return isMeta(value, hash) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the meta of `meta.hash` through the temp file `tmp`; on failure nothing of it stays. */
export async function writeMeta(fs: StoreFs, layout: StoreLayout, meta: Meta, tmp: string): Promise<void> {
  const path = layout.meta(meta.hash);
  try {
    await fs.createFile(tmp, JSON.stringify({ hash: meta.hash, md5: meta.md5, size: meta.size, ext: meta.ext }));
    // The 256 shard folders are made once and never removed, so the first rename nearly always
    // succeeds: a mkdir per put would be one more threadpool round trip on every miss.
    try {
      await fs.rename(tmp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await fs.mkdir(dirname(path), { recursive: true });
      await fs.rename(tmp, path);
    }
  } catch (err) {
    await unlinkIfExists(fs, tmp).catch(() => undefined);
    throw err;
  }
}
