// encodeSilk (core/helper/audio.ts, §3): silk input is used as is; anything else is
// "converted" (no ffmpeg here: a deterministic silk stream derived from the input)
// into `<NapCatTempPath>/<uuid>` with no extension.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Counters } from '../counters';

export interface SilkResult {
  converted: boolean;
  path: string;
  duration: number;
}

function isSilk(head: Buffer): boolean {
  return head.toString('latin1', 0, 10) === '\x02#!SILK_V3' || head.toString('latin1', 0, 9) === '#!SILK_V3';
}

export async function encodeSilk(filePath: string, tempDir: string, counters: Counters): Promise<SilkResult> {
  const input = await fs.promises.readFile(filePath);
  if (isSilk(input)) return { converted: false, path: filePath, duration: Math.max(1, Math.round(input.length / 1024 / 3)) };
  const output = path.join(tempDir, crypto.randomUUID());
  const silk = Buffer.concat([Buffer.from('\x02#!SILK_V3', 'latin1'), crypto.createHash('sha256').update(input).digest(), input]);
  await fs.promises.writeFile(output, silk);
  counters.tempFilesWritten++;
  counters.tempBytesWritten += silk.length;
  return { converted: true, path: output, duration: Math.max(1, Math.round(input.length / 1024 / 3)) };
}
