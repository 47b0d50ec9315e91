// Everything the model does, counted, so tests and the bench assert behaviour
// (writes, copies, uploads, failures, deletions) instead of calls.
export type UploadFailure = 'missing' | 'busy' | 'denied' | 'short' | 'changed' | 'io';

export interface Counters {
  /** `<NapCatTempPath>/<uuid>` files written by NapCat (base64, data:, http downloads, legacy local copies). */
  tempFilesWritten: number;
  tempBytesWritten: number;
  /** http(s) downloads made by NapCat's URI resolution. */
  downloads: number;
  /** Native `util.copyFile` calls started, failed (result ignored by NapCat), and overlapping another copy onto the same destination. */
  nativeCopies: number;
  nativeCopyFailures: number;
  overlappingCopies: number;
  bytesCopied: number;
  /** Bytes the kernel and the highway read from media files (pre-hash + transfer). */
  bytesRead: number;
  /** Bytes that crossed the simulated network. */
  bytesTransferred: number;
  /** Kernel media uploads started / that moved bytes / completed by server dedup (秒传) / verified ok. */
  uploadsStarted: number;
  uploadsTransferred: number;
  instantUploads: number;
  uploadsOk: number;
  uploadFailures: Record<UploadFailure, number>;
  /** Kernel media downloads (`downloadRichMedia`, for a packet forward's `id` node) started / failed. */
  mediaDownloads: number;
  mediaDownloadFailures: number;
  /** Highway (packet-mode forward) uploads started / failed. */
  highwayUploads: number;
  highwayFailures: number;
  /** NapCat deletion queue: files unlinked, attempts that failed (by errno), tasks given up. */
  deletions: number;
  deletionErrors: Record<string, number>;
  deletionsDropped: number;
  /** `core.MsgApi.sendMsg` outcomes (every attempt, including a plugin's retries). */
  sendsOk: number;
  sendsFailed: number;
  sendsTimedOut: number;
  /** OneBot responses from actions (HTTP, WebSocket, ctx.actions). */
  responsesOk: number;
  responsesFailed: number;
  /** NapCat's own md5 passes over a media file (`uploadFile`'s streaming `calculateFileMD5`). */
  md5Passes: number;
  /** Names unlinked by code outside the model while the kernel held them open (Windows would refuse or make them delete-pending). */
  outsideUnlinksWhileOpen: number;
  /** Files Node's own rename/copyFile put onto a visible name in the media tree (a plugin's placements; NapCat's copies are native). */
  nodeMediaPlacements: number;
}

export function createCounters(): Counters {
  return {
    tempFilesWritten: 0,
    tempBytesWritten: 0,
    downloads: 0,
    nativeCopies: 0,
    nativeCopyFailures: 0,
    overlappingCopies: 0,
    bytesCopied: 0,
    bytesRead: 0,
    bytesTransferred: 0,
    uploadsStarted: 0,
    uploadsTransferred: 0,
    instantUploads: 0,
    uploadsOk: 0,
    uploadFailures: { missing: 0, busy: 0, denied: 0, short: 0, changed: 0, io: 0 },
    mediaDownloads: 0,
    mediaDownloadFailures: 0,
    highwayUploads: 0,
    highwayFailures: 0,
    deletions: 0,
    deletionErrors: {},
    deletionsDropped: 0,
    sendsOk: 0,
    sendsFailed: 0,
    sendsTimedOut: 0,
    responsesOk: 0,
    responsesFailed: 0,
    md5Passes: 0,
    outsideUnlinksWhileOpen: 0,
    nodeMediaPlacements: 0,
  };
}

export function totalUploadFailures(counters: Counters): number {
  return Object.values(counters.uploadFailures).reduce((a, b) => a + b, 0);
}

/** Counters kept by the native side (the worker thread); the rest are kept by NapCat's JS. */
export const NATIVE_COUNTERS = [
  'nativeCopies',
  'nativeCopyFailures',
  'overlappingCopies',
  'bytesCopied',
  'bytesRead',
  'bytesTransferred',
  'uploadsStarted',
  'uploadsTransferred',
  'instantUploads',
  'uploadsOk',
  'uploadFailures',
  'mediaDownloads',
  'mediaDownloadFailures',
  'highwayUploads',
  'highwayFailures',
  'outsideUnlinksWhileOpen',
] as const satisfies ReadonlyArray<keyof Counters>;

export type NativeCounters = Pick<Counters, (typeof NATIVE_COUNTERS)[number]>;

export function nativeSnapshot(counters: Counters): NativeCounters {
  const snapshot = {} as Record<string, unknown>;
  for (const key of NATIVE_COUNTERS) {
    const value = counters[key];
    snapshot[key] = typeof value === 'object' ? { ...value } : value;
  }
  return snapshot as unknown as NativeCounters;
}
