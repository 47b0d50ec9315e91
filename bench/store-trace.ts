// Where a store miss spends its time: every file call of a few misses, with when it started
// and ended (ms since the put began). How the serialised md5/write and the lock costs in
// docs/store.md ("Measured") were found.
//   npx tsx --expose-gc bench/store-trace.ts [--mib 5] [--misses 6]
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MediaStore } from '../src/store/index';
import { type StoreFileHandle, type StoreFs, nodeFs } from '../src/store/store-fs';
import { quiesce } from './lib/measure';

interface Call {
  what: string;
  start: number;
  end: number;
}

/** nodeFs, logging each call (and each write/close of an opened file) relative to `zero()`. */
function tracingFs(calls: Call[], zero: () => number): StoreFs {
  const timed = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    const start = performance.now() - zero();
    try {
      return await run();
    } finally {
      calls.push({ what, start, end: performance.now() - zero() });
    }
  };
  const where = (path: string) => `${basename(join(path, '..')).slice(0, 12)}/${basename(path).slice(0, 12)}`;
  const fs = {} as Record<keyof StoreFs, unknown>;
  for (const [name, call] of Object.entries(nodeFs) as Array<[keyof StoreFs, (...args: unknown[]) => Promise<unknown>]>) {
    fs[name] = (...args: unknown[]) => timed(`${name} ${where(String(args[0]))}`, () => call(...args));
  }
  fs.open = async (path: string, flags: 'wx'): Promise<StoreFileHandle> => {
    const handle = await timed(`open ${where(path)}`, () => nodeFs.open(path, flags));
    return {
      write: (buffer, offset, length) => timed(`  write ${length} bytes`, () => handle.write(buffer, offset, length)),
      close: () => timed('  close', () => handle.close()),
    };
  };
  return fs as unknown as StoreFs;
}

export async function traceMisses(mib: number, misses: number, log = (line: string) => console.log(line)): Promise<void> {
  const calls: Call[] = [];
  let t0 = 0;
  const root = await mkdtemp(join(tmpdir(), 'store-trace-'));
  const store = await MediaStore.open({ dir: root, fs: tracingFs(calls, () => t0) });
  try {
    for (let i = 0; i < misses; i++) {
      // As a request gives it: JSON.parse of the body, then the prefix sliced off.
      const text = (JSON.parse(JSON.stringify({ file: `base64://${randomBytes(mib * 1024 * 1024).toString('base64')}` })) as { file: string }).file.slice(9);
      await quiesce();
      calls.length = 0;
      t0 = performance.now();
      const lease = await store.putBase64(text);
      const total = performance.now() - t0;
      lease.release();
      log(`miss ${i + 1}/${misses} (${mib} MiB): ${total.toFixed(2)} ms${i === 0 ? ' (first: warm-up)' : ''}`);
      for (const c of calls.sort((a, b) => a.start - b.start)) {
        log(`  ${c.start.toFixed(2).padStart(7)} → ${c.end.toFixed(2).padStart(7)} ms  ${c.what}`);
      }
    }
  } finally {
    await store.close();
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  await traceMisses(arg('mib', 5), arg('misses', 4));
}
