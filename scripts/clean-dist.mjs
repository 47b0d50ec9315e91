// Rebuild dist/ from scratch so a stale file never ships.
import { rm } from 'node:fs/promises';
await rm(new URL('../dist/napcat-plugin-media-cache/', import.meta.url), { recursive: true, force: true });
