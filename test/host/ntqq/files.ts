// The file semantics native code sees. POSIX: open handles never block anything and a
// truncating writer rewrites bytes under a reader. Windows-like (§2.5, §9 item 10):
// a file a native writer holds cannot be opened again (EBUSY); a native reader does
// not share write, so a copy onto it gets EBUSY; deleting an open file is refused
// with EBUSY ('windows-ebusy') or leaves a delete-pending name that no one can open
// or create until the last handle closes ('windows-delete-pending', EPERM). The same
// rules hold for Node's own unlink, rename and copyFile (node-fs-sharing.ts routes
// them here): replacing a name someone holds open is refused (EPERM, Windows' access
// denied), and so is moving a file someone holds (EBUSY).
import fs from 'node:fs';
import type { Counters } from '../counters';

export type FileMode = 'posix' | 'windows-ebusy' | 'windows-delete-pending';
export type HandleKind = 'native-read' | 'native-write' | 'node-read';

export interface FileHandle {
  readonly fd: number;
  readonly path: string;
  readonly kind: HandleKind;
  close(): void;
}

function fsError(code: 'EBUSY' | 'EPERM', syscall: string, path: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${code}: resource busy or locked, ${syscall} '${path}'`);
  err.code = code;
  err.syscall = syscall;
  err.path = path;
  return err;
}

export class FileTable {
  private readonly open = new Map<string, Set<FileHandle>>();
  private readonly deletePending = new Set<string>();
  private readonly unlinkedByModel = new Set<string>();

  constructor(
    readonly mode: FileMode,
    private readonly counters: Counters,
  ) {}

  get windows(): boolean {
    return this.mode !== 'posix';
  }

  /** Handles currently open on `path` (for tests and the overlap counter). */
  handles(path: string): FileHandle[] {
    return [...(this.open.get(path) ?? [])];
  }

  openRead(path: string, kind: 'native-read' | 'node-read'): FileHandle {
    this.checkOpen(path, 'open', kind);
    return this.track(path, kind, fs.openSync(path, 'r'));
  }

  /** Truncate or create: what a native overwrite does to an existing name. */
  openWrite(path: string): FileHandle {
    this.checkOpen(path, 'open', 'native-write');
    return this.track(path, 'native-write', fs.openSync(path, 'w'));
  }

  exists(path: string): boolean {
    return !this.deletePending.has(path) && fs.existsSync(path);
  }

  unlink(path: string): void {
    if (this.deletePending.has(path)) throw fsError('EPERM', 'unlink', path);
    const holders = this.open.get(path);
    if (this.windows && holders && holders.size > 0) {
      if (this.mode === 'windows-ebusy') throw fsError('EBUSY', 'unlink', path);
      fs.unlinkSync(path);
      this.deletePending.add(path);
      this.unlinkedByModel.add(path);
      return;
    }
    fs.unlinkSync(path);
    if (holders && holders.size > 0) this.unlinkedByModel.add(path);
  }

  /** fs.renameSync under the mode's sharing rules. */
  rename(from: string, to: string): void {
    if (this.deletePending.has(from) || this.deletePending.has(to)) throw fsError('EPERM', 'rename', to);
    if (this.windows) {
      if ((this.open.get(to)?.size ?? 0) > 0) throw fsError('EPERM', 'rename', to);
      if ((this.open.get(from)?.size ?? 0) > 0) throw fsError('EBUSY', 'rename', from);
    }
    fs.renameSync(from, to);
  }

  /** fs.copyFileSync under the mode's sharing rules: the source is opened to read, the destination to write. */
  copy(src: string, dst: string): void {
    this.checkOpen(src, 'copyfile', 'node-read');
    this.checkOpen(dst, 'copyfile', 'native-write');
    fs.copyFileSync(src, dst);
  }

  private checkOpen(path: string, syscall: string, kind: HandleKind): void {
    if (this.deletePending.has(path)) throw fsError('EPERM', syscall, path);
    if (!this.windows) return;
    for (const h of this.open.get(path) ?? []) {
      if (h.kind === 'native-write') throw fsError('EBUSY', syscall, path);
      if (kind === 'native-write' && h.kind === 'native-read') throw fsError('EBUSY', syscall, path);
    }
  }

  private track(path: string, kind: HandleKind, fd: number): FileHandle {
    const ino = fs.fstatSync(fd).ino;
    let set = this.open.get(path);
    if (!set) this.open.set(path, (set = new Set()));
    const holders = set;
    let closed = false;
    const handle: FileHandle = {
      fd,
      path,
      kind,
      close: () => {
        if (closed) return;
        closed = true;
        this.noteOutsideUnlink(path, ino);
        fs.closeSync(fd);
        holders.delete(handle);
        if (holders.size === 0) {
          this.open.delete(path);
          this.deletePending.delete(path);
          this.unlinkedByModel.delete(path);
        }
      },
    };
    holders.add(handle);
    return handle;
  }

  /** A name that vanished or changed identity while we held it, and not by the model's own unlink. */
  private noteOutsideUnlink(path: string, ino: number): void {
    if (this.unlinkedByModel.has(path)) return;
    let now: number | undefined;
    try {
      now = fs.statSync(path).ino;
    } catch {
      now = undefined;
    }
    if (now !== ino) this.counters.outsideUnlinksWhileOpen++;
  }
}
