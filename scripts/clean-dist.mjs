// Rebuild dist/ from scratch so a stale file never ships.
import { rm } from 'node:fs/promises';
for (const dir of ['napcat-plugin-media-cache', 'napcat-media-cache-proxy']) {
  await rm(new URL(`../dist/${dir}/`, import.meta.url), { recursive: true, force: true });
}
