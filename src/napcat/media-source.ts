import type { FileDigest } from '../store/incoming';
import type { Lease } from '../store/types';

/** The part of MediaStore the hooks use. */
export interface MediaSource {
  putBase64(base64: string): Promise<Lease>;
  /** putBase64's fast path alone, synchronously: a lease for text stored before, or undefined (MediaStore.hitBase64). */
  hitBase64(base64: string): Lease | undefined;
  putBytes(bytes: Uint8Array): Promise<Lease>;
  /** Stores a file; with `consume` the store takes it over, `digest` saves its first read (MediaStore.putFile). */
  putFile(source: string, options: { consume: boolean; digest?: FileDigest }): Promise<Lease>;
  acquire(hash: string): Lease | undefined;
  /** Takes a content whose file proved corrupt out of service (MediaStore.quarantine). */
  quarantine(hash: string): Promise<boolean>;
}
