// The proxy's /stats: the plugin's snapshot (same names, same status page) with the store
// counters read from the store itself, plus a `proxy` section for what only a proxy has:
// connections, frames passed, the lanes and the rewrite state.
import type { LaneStats } from '../flight/lanes';
import { MediaStats, type StatsSnapshot } from '../stats';
import type { StoreStats } from '../store/types';

export interface ProxyCounters {
  /** Bot (or, in reverse mode, NapCat) WebSocket connections accepted. */
  connections: number;
  /** HTTP action requests forwarded. */
  httpRequests: number;
  /** Frames passed unchanged, each way. */
  framesToNapcat: number;
  framesToBot: number;
  /** Actions answered by the proxy because NapCat could not be reached. */
  upstreamUnavailable: number;
}

export interface ProxySnapshot extends StatsSnapshot {
  proxy: ProxyCounters & { lanes: LaneStats; rewrite: string; fileReads: number; urlDownloads: number };
}

export interface ProxyStatsSources {
  store: () => StoreStats | undefined;
  lanes: () => LaneStats;
  rewrite: () => string;
  fileReads: () => number;
  urlDownloads: () => number;
}

export class ProxyStats {
  readonly media: MediaStats;
  readonly counters: ProxyCounters = { connections: 0, httpRequests: 0, framesToNapcat: 0, framesToBot: 0, upstreamUnavailable: 0 };
  #sources: ProxyStatsSources | undefined;

  constructor(version: string) {
    this.media = new MediaStats({ version });
  }

  /** Connects the live sources once they exist (the store opens after the stats). */
  wire(sources: ProxyStatsSources): void {
    this.#sources = sources;
    this.media.gauge('storeBytes', () => sources.store()?.bytes ?? 0);
    this.media.gauge('storeEntries', () => sources.store()?.entries ?? 0);
    this.media.gauge('leasesHeld', () => sources.store()?.leases ?? 0);
  }

  snapshot(): ProxySnapshot {
    const snap = this.media.snapshot();
    const s = this.#sources;
    const store = s?.store();
    if (store) {
      snap.store.hits = store.fastPathHits + store.hashedHits;
      snap.store.misses = store.misses;
      snap.store.coalescedPuts = store.coalesced;
      snap.store.bytesNotWritten = store.bytesNotWritten;
    }
    const lanes = s?.lanes() ?? { running: 0, waiting: 0, lanes: 0, queued: 0, opened: 0, overstayed: 0 };
    return {
      ...snap,
      proxy: { ...this.counters, lanes, rewrite: s?.rewrite() ?? 'unknown', fileReads: s?.fileReads() ?? 0, urlDownloads: s?.urlDownloads() ?? 0 },
    };
  }
}
