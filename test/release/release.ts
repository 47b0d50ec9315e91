// Builds the plugin (once per run) and runs the real pack script into a directory of
// the caller's, so the release specs check the zip `npm run pack` makes.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlugin } from '../integration/support';
import { readZip, type ZipEntry } from './zip-reader';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PACK_SCRIPT = path.join(ROOT, 'scripts', 'pack.mjs');

export interface Release {
  file: string;
  bytes: Buffer;
  entries: ZipEntry[];
}

/** Runs `node <script> --out-dir <outDir>` and reads the one zip it wrote. */
export function runPack(outDir: string, script = PACK_SCRIPT): Release {
  try {
    execFileSync(process.execPath, [script, '--out-dir', outDir], { encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`打包脚本失败 / pack script failed: ${(e.stderr || e.stdout || e.message).trim()}`);
  }
  const zips = fs.readdirSync(outDir).filter((f) => f.endsWith('.zip'));
  if (zips.length !== 1) throw new Error(`expected one zip in ${outDir}, found: ${zips.join(', ') || 'none'}`);
  const file = path.join(outDir, zips[0]);
  const bytes = fs.readFileSync(file);
  return { file, bytes, entries: readZip(bytes) };
}

/** `npm run pack` as CI runs it: build, then pack. */
export function packRelease(outDir: string): Release {
  buildPlugin();
  return runPack(outDir);
}
