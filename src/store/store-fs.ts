// The file functions the store uses, as an interface so tests can inject ENOSPC, EACCES or
// EMFILE at any step without stubbing Node's modules. Every file the store creates is created
// exclusively (O_EXCL: never through a link planted under that name, never over a file).
import { constants, statSync } from 'node:fs';
import * as fsp from 'node:fs/promises';

export interface StoreFileHandle {
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  close(): Promise<void>;
}

export interface StoreFs {
  open(path: string, flags: 'wx'): Promise<StoreFileHandle>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  readdir(path: string): Promise<string[]>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  /** Creates a new file holding `data`; EEXIST when the name is taken (by anything, a link included). */
  createFile(path: string, data: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Copies to a new file; EEXIST when `to` is taken. */
  copyFile(from: string, to: string): Promise<void>;
  stat(path: string): Promise<{ size: number; mtimeMs: number }>;
  /**
   * A stat on the calling thread, undefined when nothing is there. For the one check a hit
   * makes: a few µs, where a trip through the threadpool (busy with the store's own writes)
   * cost more than the rest of the hit.
   */
  statNow(path: string): { size: number } | undefined;
  unlink(path: string): Promise<void>;
  rmdir(path: string): Promise<void>;
}

export const nodeFs: StoreFs = {
  open: (path, flags) => fsp.open(path, flags),
  mkdir: (path, options) => fsp.mkdir(path, options),
  readdir: (path) => fsp.readdir(path),
  readFile: (path, encoding) => fsp.readFile(path, encoding),
  createFile: (path, data) => fsp.writeFile(path, data, { flag: 'wx' }),
  rename: (from, to) => fsp.rename(from, to),
  copyFile: (from, to) => fsp.copyFile(from, to, constants.COPYFILE_EXCL),
  stat: (path) => fsp.stat(path),
  statNow: (path) => statSync(path, { throwIfNoEntry: false }),
  unlink: (path) => fsp.unlink(path),
  rmdir: (path) => fsp.rmdir(path),
};

/** Resolves undefined when the path does not exist; other errors propagate. */
export async function statIfExists(fs: StoreFs, path: string): Promise<{ size: number; mtimeMs: number } | undefined> {
  try {
    return await fs.stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Removes a file; a file already gone is fine. */
export async function unlinkIfExists(fs: StoreFs, path: string): Promise<void> {
  try {
    await fs.unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Lists a directory. A missing one lists as empty, and so does a file where a directory was
 * expected (a `.DS_Store` among the shard folders): one stray name must not stop a listing.
 */
export async function readdirIfExists(fs: StoreFs, path: string): Promise<string[]> {
  try {
    return await fs.readdir(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
}
