import type { MediaCacheConfig } from '../config';
import type { Logger } from '../logger';
import type { MediaStats } from '../stats';
import type { PathLeases } from '../store/path-leases';
import type { AddedLatency } from './added-latency';
import type { EntryRepair } from './entry-repair';
import type { FailOpen } from './fail-open';
import type { FileNames } from './file-names';
import type { KernelHolds } from './kernel-holds';
import type { ManagedPaths } from './managed-paths';
import type { MediaCopies } from './media-copies';
import type { MediaSource } from './media-source';
import type { SendScopes } from './send-scopes';
import type { SendSources } from './send-sources';

/** Everything a hook needs, built once per plugin_init. */
export interface HookDeps {
  core: unknown;
  oneBot: unknown;
  store: MediaSource;
  pathLeases: PathLeases;
  /** Files of timed-out sends, kept while NTQQ may still read them. */
  holds: KernelHolds;
  scopes: SendScopes;
  copies: MediaCopies;
  /** The base64 text behind each store file of the current send, to rebuild a corrupt one. */
  sources: SendSources;
  repair: EntryRepair;
  /** The plugin's own time per media segment, for `MediaStats.addedLatency`. */
  latency: AddedLatency;
  /** The names of local files sent by path, per send, for the store files that stand in for them. */
  names: FileNames;
  managed: ManagedPaths;
  failOpen: FailOpen;
  stats: MediaStats;
  logger: Logger;
  config: () => Readonly<MediaCacheConfig>;
}
