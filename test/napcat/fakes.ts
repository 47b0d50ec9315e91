// Tiny hook dependencies for unit tests: a real SendScopes/ManagedPaths/PathLeases/EntryRepair,
// the store and the native copy faked by what they do.
import { copyFile } from 'node:fs/promises';
import { DEFAULT_CONFIG, type MediaCacheConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { AddedLatency } from '../../src/napcat/added-latency';
import { EntryRepair } from '../../src/napcat/entry-repair';
import { FailOpen } from '../../src/napcat/fail-open';
import { FileNames } from '../../src/napcat/file-names';
import { KernelHolds } from '../../src/napcat/kernel-holds';
import type { HookDeps } from '../../src/napcat/hook-deps';
import type { MediaSource } from '../../src/napcat/media-source';
import { ManagedPaths } from '../../src/napcat/managed-paths';
import { MediaCopies, type FileCopy } from '../../src/napcat/media-copies';
import { SendScopes } from '../../src/napcat/send-scopes';
import { SendSources } from '../../src/napcat/send-sources';
import { MediaStats } from '../../src/stats';
import { PathLeases } from '../../src/store/path-leases';

export interface FakeOptions {
  store?: MediaSource;
  /** The native copy; default a plain fs copy. */
  copy?: FileCopy;
  core?: unknown;
}

export function fakeDeps(config: Partial<MediaCacheConfig> = {}, options: FakeOptions = {}): HookDeps & { faults: string[] } {
  const faults: string[] = [];
  const stats = new MediaStats({ version: 'test' });
  const scopes = new SendScopes({ logger: silentLogger, maxAgeMs: () => 60_000 });
  const store: MediaSource = options.store ?? {
    putBase64: () => Promise.reject(new Error('no store in this test')),
    hitBase64: () => undefined,
    putBytes: () => Promise.reject(new Error('no store in this test')),
    putFile: () => Promise.reject(new Error('no store in this test')),
    acquire: () => undefined,
    quarantine: async () => false,
  };
  const copies = new MediaCopies(options.copy ?? ((src, dst) => copyFile(src, dst)));
  const sources = new SendSources(scopes);
  const managed = new ManagedPaths();
  const repair = new EntryRepair({ store, copies, sources, scopes, managed, stats, logger: silentLogger });
  return {
    faults,
    core: options.core ?? {},
    oneBot: {},
    store,
    pathLeases: new PathLeases({ graceMs: 0, unlink: async () => {} }),
    holds: new KernelHolds(),
    scopes,
    copies,
    sources,
    repair,
    latency: new AddedLatency(scopes, stats),
    names: new FileNames(scopes),
    managed,
    failOpen: new FailOpen(silentLogger, (f, c) => faults.push(`${f}:${c}`)),
    stats,
    logger: silentLogger,
    config: () => ({ ...DEFAULT_CONFIG, ...config, retry: { maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0 } }),
  };
}
