// Messages between NapCat's JS thread and the native thread (QQ's own threads do the
// copy and the upload; they keep running while NapCat's JS is busy).
import type { NativeCounters } from '../counters';
import type { FileMode } from './files';
import type { MediaRef, UploadOutcome } from './uploader';
import type { NativeCopyResult } from './native-copy';

export interface AccountSetup {
  fileMode: FileMode;
  bandwidth: number;
  latencyMs: number;
  diskBandwidth: number;
  seed: number;
  /** The native copy answers once the destination is open, before its bytes are written. */
  copyResolvesEarly: boolean;
}

/** Node's own file calls that native sharing rules apply to (node-fs-sharing.ts; `rm` of a file is an unlink). */
export type NodeFsCall = 'unlink' | 'rename' | 'copyFile' | 'link';

export interface NativeOps {
  attach: { args: AccountSetup; result: null };
  detach: { args: Record<string, never>; result: null };
  copy: { args: { src: string; dst: string }; result: NativeCopyResult };
  upload: { args: { ref: MediaRef }; result: UploadOutcome };
  highway: { args: { ref: Required<MediaRef> }; result: null };
  download: { args: { md5: string; dst: string }; result: NativeCopyResult };
  exists: { args: { path: string }; result: boolean };
  unlink: { args: { path: string }; result: null };
  nodeFs: { args: { call: NodeFsCall; paths: string[]; flags: number }; result: null };
  serverList: { args: Record<string, never>; result: string[] };
}

export type NativeOp = keyof NativeOps;

export interface NativeRequest<K extends NativeOp = NativeOp> {
  id: number;
  account: string;
  op: K;
  args: NativeOps[K]['args'];
  /** Answered through the shared sync buffer (the caller is blocked in Atomics.wait), not by message. */
  sync?: boolean;
}

/** Layout of the sync buffer: Int32 [0] state (0 waiting, 1 answered), [1] byte length of the JSON reply from byte 8. */
export const SYNC_BUFFER_BYTES = 64 * 1024;

export interface NativeReply {
  id: number;
  value?: unknown;
  error?: { message: string; code?: string };
  account: string;
  counters?: NativeCounters;
}
