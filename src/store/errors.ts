// Typed failures. `fallback` tells the hook layer whether to hand the request back to
// NapCat's own path (our fault) or to fail it (the client's fault).

export type StoreErrorCode =
  | 'EMPTY' // client: decodes to 0 bytes
  | 'TOO_LARGE' // over maxEntryBytes: not the store's to keep; the caller's own path handles it
  | 'IO' // ours: ENOSPC, EACCES, EMFILE, EROFS… (errno kept)
  | 'LOCK' // ours: cross-process lock not acquired in time
  | 'CLOSED' // ours: the store was closed
  | 'CHANGED' // the caller's file changed while it was stored (putFile without consume): its own path takes it
  | 'FOREIGN_DIR'; // ours: the root holds files the store did not make (open refused it)

const CLIENT_FAULTS: ReadonlySet<StoreErrorCode> = new Set(['EMPTY']);

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  /** true when the caller should fall back to NapCat's own code path. */
  readonly fallback: boolean;
  /** The errno code ('ENOSPC', …) of the underlying failure, when there was one. */
  readonly errno?: string;

  constructor(code: StoreErrorCode, message: string, options: { cause?: unknown; errno?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StoreError';
    this.code = code;
    this.fallback = !CLIENT_FAULTS.has(code);
    this.errno = options.errno;
  }
}

export function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const ACTIONS = {
  write: ['写入', 'write'],
  read: ['读取', 'read'],
  publish: ['发布', 'publish'],
  delete: ['删除', 'delete'],
  prepare: ['准备目录', 'prepare directory'],
  lock: ['加锁', 'lock'],
} as const;
export type IoAction = keyof typeof ACTIONS;

/** Wraps any failure of a file operation as an `IO` StoreError, keeping the errno. */
export function ioError(action: IoAction, path: string, err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const errno = errnoOf(err) ?? 'EUNKNOWN';
  const [zh, en] = ACTIONS[action];
  return new StoreError('IO', `媒体缓存${zh}失败（${errno}）：${path} / media cache ${en} failed (${errno}): ${path}`, {
    cause: err,
    errno,
  });
}

export function emptyError(): StoreError {
  return new StoreError('EMPTY', '媒体内容为空（0 字节） / media is empty (0 bytes)');
}

/** A content over `maxEntryBytes`, with both numbers for whoever says what happens next. */
export class TooLargeError extends StoreError {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super('TOO_LARGE', `媒体过大：${size} 字节，超过上限 ${limit} 字节 / media too large: ${size} bytes exceeds the limit of ${limit} bytes`);
  }
}

export function tooLargeError(size: number, max: number): TooLargeError {
  return new TooLargeError(size, max);
}

export function lockTimeoutError(path: string, waitMs: number, cause: unknown): StoreError {
  return new StoreError(
    'LOCK',
    `等待跨进程锁超过 ${waitMs} ms：${path}（另一个 NapCat 进程正在处理同一内容）/ ` +
      `waited over ${waitMs} ms for the cross-process lock ${path} (another NapCat process is working on the same content)`,
    { cause, errno: 'ELOCKED' },
  );
}

export function changedError(path: string): StoreError {
  return new StoreError(
    'CHANGED',
    `文件在存入缓存时被改动，未存入：${path} / the file changed while it was being stored; not stored: ${path}`,
  );
}

export function closedError(): StoreError {
  return new StoreError('CLOSED', '媒体缓存已关闭 / media store is closed');
}
