/**
 * Windows answers an unlink or rename with EBUSY, EPERM or EACCES while another process
 * holds the file (QQ still uploading it, an antivirus, the search indexer), and for a name
 * deleted while open until the last handle closes. That is "in use, try later", not a
 * fault: the same call succeeds once the holder lets go.
 */
const IN_USE = new Set(['EBUSY', 'EPERM', 'EACCES']);

export function isInUse(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && IN_USE.has(code);
}

/** The file stayed in use for the whole budget. */
export class FileInUseError extends Error {
  readonly code = 'FILE_IN_USE';

  constructor(
    readonly file: string,
    readonly waitedMs: number,
    override readonly cause: unknown,
  ) {
    super(
      `文件被其他程序占用，${Math.round(waitedMs)} ms 内未释放：${file} / file still in use by another program after ${Math.round(waitedMs)} ms`,
    );
  }
}

export interface InUseRetryOptions {
  /** First wait, ms; doubled per attempt. */
  firstDelayMs: number;
  /** Longest single wait, ms. */
  maxDelayMs: number;
  /** Total time to keep trying, ms; then FileInUseError. */
  budgetMs: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** Runs `fn` again while it fails with an in-use error, backing off, within the budget. */
export async function retryWhileInUse<T>(file: string, fn: () => Promise<T>, options: InUseRetryOptions): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? (() => performance.now());
  const started = now();
  for (let delay = options.firstDelayMs; ; delay = Math.min(options.maxDelayMs, delay * 2)) {
    try {
      return await fn();
    } catch (error) {
      if (!isInUse(error)) throw error;
      const waited = now() - started;
      if (waited + delay > options.budgetMs) throw new FileInUseError(file, waited, error);
      await sleep(delay);
    }
  }
}
