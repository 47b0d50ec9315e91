// Public surface of the store layer.
export { MediaStore } from './media-store';
export type { MediaStoreOptions } from './options';
export type { Lease, MediaInfo, StoreStats } from './types';
export { StoreError, type StoreErrorCode } from './errors';
export type { StoreFs, StoreFileHandle } from './store-fs';
