// Persists what the WebUI saved. Only `<dataPath>/config.json` is ever written (plugin.json
// files belong to the operator and to the release), and only the fields that differ from
// the layers below: a later edit of plugin.json then still takes effect for every field
// the WebUI did not change. The write is atomic (exclusive temp file, fsync, rename), so a
// reader — this process, another NapCat process, or a crash — sees the old file or the
// new one, never half of one.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import type { MediaCacheConfig } from './defaults';
import { FIELDS, readField, sameFieldValue, type FieldValue } from './fields';
import { configFiles } from './paths';

export type SavedConfig = Record<string, FieldValue | Record<string, FieldValue>>;

/** Returns what was written (nested, like a hand-written file). */
export async function saveWebUiConfig(
  dataPath: string,
  config: Readonly<MediaCacheConfig>,
  lower: Readonly<MediaCacheConfig>,
): Promise<SavedConfig> {
  const saved = diffFromLower(config, lower);
  const target = configFiles('', dataPath).webui;
  await mkdir(dataPath, { recursive: true });
  const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(`${JSON.stringify(saved, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  return saved;
}

export function diffFromLower(config: Readonly<MediaCacheConfig>, lower: Readonly<MediaCacheConfig>): SavedConfig {
  const out: SavedConfig = {};
  for (const { path } of FIELDS) {
    const value = readField(config, path);
    if (sameFieldValue(value, readField(lower, path))) continue;
    const [head, tail] = path.split('.') as [string, string | undefined];
    if (tail === undefined) out[head] = value;
    else out[head] = { ...((out[head] as Record<string, FieldValue> | undefined) ?? {}), [tail]: value };
  }
  return out;
}
