// Cross-process visibility of holders. Each store instance that has a content in its index or
// leased keeps one empty file `leases/<hash>/<owner-tag>.<instance>`. A process deletes a
// content only under that content's lock, and only when no marker of a live process other
// than its own instance remains. Markers of dead processes are removed on sight.
import { join } from 'node:path';
import { type StoreLayout, isMarkerName } from './layout';
import type { StoreFs } from './store-fs';
import { readdirIfExists, unlinkIfExists } from './store-fs';
import { type ProcessIdentity, isAlive, parseIdentity } from './process-identity';

export async function addMarker(fs: StoreFs, layout: StoreLayout, hash: string, marker: string): Promise<void> {
  const dir = layout.leaseDir(hash);
  for (let attempt = 0; ; attempt++) {
    await fs.mkdir(dir, { recursive: true });
    try {
      await fs.createFile(join(dir, marker), '');
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return; // this instance marked it already
      // A sweep in another process may remove the empty folder between our mkdir and write.
      if (code !== 'ENOENT' || attempt === 2) throw err;
    }
  }
}

export async function removeMarker(fs: StoreFs, layout: StoreLayout, hash: string, marker: string): Promise<void> {
  await unlinkIfExists(fs, join(layout.leaseDir(hash), marker));
}

/** True when a live process other than this instance holds `hash`; prunes dead markers on the way. */
export async function heldElsewhere(
  fs: StoreFs,
  layout: StoreLayout,
  hash: string,
  self: ProcessIdentity,
  ownMarker: string | undefined,
): Promise<boolean> {
  const dir = layout.leaseDir(hash);
  for (const name of await readdirIfExists(fs, dir)) {
    if (name === ownMarker || !isMarkerName(name)) continue; // not ours to judge or delete
    const owner = parseIdentity(name);
    if (owner && (await isAlive(owner, self))) return true;
    await unlinkIfExists(fs, join(dir, name));
  }
  return false;
}

/** Removes the marker folder once empty; a folder still in use stays. */
export async function removeMarkerDir(fs: StoreFs, layout: StoreLayout, hash: string): Promise<void> {
  await fs.rmdir(layout.leaseDir(hash)).catch(() => undefined);
}
