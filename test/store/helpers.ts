// Shared test fixtures for the store: temp dirs, real minimal images, a fault-injecting fs.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../src/logger';
import type { MediaStore } from '../../src/store/media-store';
import { nodeFs, type StoreFs } from '../../src/store/store-fs';

/** 1×1 images, complete files (not just signatures). */
export const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
export const GIF_1x1 = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
export const JPEG_1x1 = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////' +
    'wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
);

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'media-store-test-'));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export interface StoreFixture {
  /** A fresh temp dir for each test. */
  dir: string;
  /** The store a test opens; closed after the test, before its dir is removed. */
  store: MediaStore | undefined;
}

/** Registers the per-test temp dir and store cleanup every store spec needs. */
export function storeFixture(): StoreFixture {
  const t: StoreFixture = { dir: '', store: undefined };
  beforeEach(async () => {
    t.dir = await tempDir();
  });
  afterEach(async () => {
    await t.store?.close();
    t.store = undefined;
    await removeDir(t.dir);
  });
  return t;
}

/** Relative paths of all files under `dir/sub`. */
export async function filesUnder(dir: string, sub: string): Promise<string[]> {
  const entries = await readdir(join(dir, sub), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1));
}

/** Seeded generator (mulberry32), so failures reproduce: the one the model host uses. */
export { seededRandom } from '../host/random';

/**
 * A PNG signature and an empty IDAT chunk header, then random bytes: a distinct content with a
 * known extension (file-type reads chunk headers up to the first IDAT: random ones would make it
 * say png or nothing by chance).
 */
export function pngLike(size: number): Buffer {
  const b = randomBytes(size);
  PNG_1x1.copy(b, 0, 0, 8);
  b.writeUInt32BE(0, 8);
  b.write('IDAT', 12, 'latin1');
  return b;
}

export function errnoError(code: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${code}: injected`);
  err.code = code;
  return err;
}

export interface RecordingLogger extends Logger {
  warnings: string[];
}

export function recordingLogger(): RecordingLogger {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, warn: (...a) => void warnings.push(a.join(' ')), error: (...a) => void warnings.push(a.join(' ')) };
}

/** Counts calls per fs function; `fail` decides, per call, whether to throw an errno instead. */
export function countingFs(fail?: (op: keyof StoreFs, path: string) => string | undefined) {
  const calls: Record<string, number> = {};
  const wrap =
    <A extends unknown[], R>(op: keyof StoreFs, fn: (path: string, ...rest: A) => Promise<R>) =>
    async (path: string, ...rest: A): Promise<R> => {
      calls[op] = (calls[op] ?? 0) + 1;
      const code = fail?.(op, path);
      if (code) throw errnoError(code);
      return fn(path, ...rest);
    };
  const fs: StoreFs = {
    open: wrap('open', nodeFs.open),
    mkdir: wrap('mkdir', nodeFs.mkdir),
    readdir: wrap('readdir', nodeFs.readdir),
    readFile: wrap('readFile', nodeFs.readFile),
    createFile: wrap('createFile', nodeFs.createFile),
    rename: wrap('rename', nodeFs.rename),
    copyFile: wrap('copyFile', nodeFs.copyFile),
    stat: wrap('stat', nodeFs.stat),
    statNow: (path) => {
      calls.statNow = (calls.statNow ?? 0) + 1;
      const code = fail?.('statNow', path);
      if (code) throw errnoError(code);
      return nodeFs.statNow(path);
    },
    unlink: wrap('unlink', nodeFs.unlink),
    rmdir: wrap('rmdir', nodeFs.rmdir),
  };
  const total = () => Object.values(calls).reduce((a, b) => a + b, 0);
  return { fs, calls, total };
}
