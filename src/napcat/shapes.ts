// The NapCat *internal* API shapes this plugin wraps (napcat-pipeline.md §6), written
// from the documented contract, not copied. Everything is optional or loose on purpose:
// class names are minified from v4.18.6 and shapes drift between versions, so every
// target is found by duck-typing at install time (see `methodOf`).

export type Method = (...args: unknown[]) => unknown;

export interface Peer {
  chatType: number;
  peerUid: string;
  guildId?: string;
}

/** `SendMessageContext` handed to converters and element builders. */
export interface SendContext {
  deleteAfterSentFiles: string[];
  peer?: Peer;
  usePacketVideoMetadata?: boolean;
}

/** What `handleOb11FileLikeMessage` resolves to; `isLocal` is absent on ≤ v4.17.48. */
export interface FileLikeResult {
  path: string;
  fileName: string;
  isLocal?: boolean;
}

/** What `core.apis.FileApi.uploadFile` resolves to. */
export interface UploadResult {
  md5: string;
  fileName: string;
  path: string;
  fileSize: number;
  ext: string;
}

/** NTQQ element types (`types/msg.ts`). */
export const ElementType = { PIC: 2, FILE: 3, PTT: 4, VIDEO: 5 } as const;

/** A send element as `core.MsgApi.sendMsg` receives it; only the media parts we read. */
export interface SendElement {
  elementType?: number;
  picElement?: { md5HexStr?: string; sourcePath?: string };
  videoElement?: { videoMd5?: string; filePath?: string; thumbPath?: unknown };
  pttElement?: { md5HexStr?: string; filePath?: string };
  fileElement?: { filePath?: string; fileMd5?: string };
}

/** `core.context.session.getMsgService()`: the native message service. */
export interface MsgService {
  getRichMediaFilePathForGuild(request: {
    md5HexStr: string;
    fileName: string;
    elementType: number;
    elementSubType: number;
    thumbSize: number;
    needCreate: boolean;
    downloadType: number;
    file_uuid: string;
  }): string;
}

/** Reads `obj[key]` only when `obj` is an object; never throws on odd shapes. */
export function field(obj: unknown, key: string): unknown {
  return obj !== null && (typeof obj === 'object' || typeof obj === 'function')
    ? (obj as Record<string, unknown>)[key]
    : undefined;
}

/** Follows a property path (`['oneBot', 'apis', 'MsgApi']`) through unknown objects. */
export function pathOf(root: unknown, keys: readonly string[]): unknown {
  let at = root;
  for (const key of keys) at = field(at, key);
  return at;
}

/** The object at `keys` when it has every named method, else undefined. */
export function objectWithMethods(root: unknown, keys: readonly string[], methods: readonly string[]): object | undefined {
  const obj = pathOf(root, keys);
  if (obj === null || typeof obj !== 'object') return undefined;
  return methods.every((m) => typeof field(obj, m) === 'function') ? obj : undefined;
}

export function isSendContext(value: unknown): value is SendContext {
  return Array.isArray(field(value, 'deleteAfterSentFiles'));
}

export function isUploadResult(value: unknown): value is UploadResult {
  return typeof field(value, 'md5') === 'string' && typeof field(value, 'path') === 'string';
}

/** `core.context.session.getMsgService()` or undefined when the shape differs. */
export function msgServiceOf(core: unknown): MsgService | undefined {
  const session = pathOf(core, ['context', 'session']);
  const get = field(session, 'getMsgService');
  if (typeof get !== 'function') return undefined;
  const service = (get as Method).call(session);
  return typeof field(service, 'getRichMediaFilePathForGuild') === 'function' ? (service as MsgService) : undefined;
}

/** NapCat's `maxTimeout` (ms): the longest a send may take; 1800000 when absent (≤ v4.17.48). */
export function napcatMaxTimeoutMs(oneBot: unknown): number {
  const value = pathOf(oneBot, ['configLoader', 'configData', 'timeout', 'maxTimeout']);
  return typeof value === 'number' && value > 0 ? value : 1_800_000;
}
