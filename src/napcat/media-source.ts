import type { Lease } from '../store/types';

/** The part of MediaStore the hooks use. */
export interface MediaSource {
  putBase64(base64: string): Promise<Lease>;
  putBytes(bytes: Uint8Array): Promise<Lease>;
  /** Stores a file; with `consume` the store takes it over (MediaStore.putFile). */
  putFile(source: string, options: { consume: boolean }): Promise<Lease>;
  acquire(hash: string): Lease | undefined;
  /** Takes a content whose file proved corrupt out of service (MediaStore.quarantine). */
  quarantine(hash: string): Promise<boolean>;
}
