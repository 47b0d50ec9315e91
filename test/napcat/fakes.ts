// Tiny hook dependencies for unit tests: a real SendScopes/ManagedPaths/PathLeases, the
// store and copies faked by what they return.
import { DEFAULT_CONFIG, type MediaCacheConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { FailOpen } from '../../src/napcat/fail-open';
import type { HookDeps } from '../../src/napcat/hook-deps';
import { ManagedPaths } from '../../src/napcat/managed-paths';
import { MediaCopies } from '../../src/napcat/media-copies';
import { SendScopes } from '../../src/napcat/send-scopes';
import { MediaStats } from '../../src/stats';
import { PathLeases } from '../../src/store/path-leases';

export function fakeDeps(config: Partial<MediaCacheConfig> = {}): HookDeps & { faults: string[] } {
  const faults: string[] = [];
  const stats = new MediaStats({ version: 'test' });
  return {
    faults,
    core: {},
    oneBot: {},
    store: {
      putBase64: () => Promise.reject(new Error('no store in this test')),
      putBytes: () => Promise.reject(new Error('no store in this test')),
      acquire: () => undefined,
    },
    pathLeases: new PathLeases({ graceMs: 0, unlink: async () => {} }),
    scopes: new SendScopes({ logger: silentLogger, maxAgeMs: () => 60_000 }),
    copies: new MediaCopies(async () => {}),
    managed: new ManagedPaths(),
    failOpen: new FailOpen(silentLogger, (f, c) => faults.push(`${f}:${c}`)),
    stats,
    logger: silentLogger,
    config: () => ({ ...DEFAULT_CONFIG, ...config, retry: { maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0 } }),
  };
}
