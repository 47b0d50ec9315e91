// The file semantics native code sees. POSIX: open handles never block anything and a
// truncating writer rewrites bytes under a reader. Windows-like (§2.5, §9 item 10):
// a file a native writer holds cannot be opened again (EBUSY); a native reader does
// not share write, so a copy onto it gets EBUSY; deleting an open file is refused
// with EBUSY ('windows-ebusy') or leaves a delete-pending name that no one can open
// or create until the last handle closes ('windows-delete-pending', EPERM). The same
// rules hold for Node's own unlink, rename, copyFile and link (node-fs-sharing.ts routes
// them here): replacing a name someone holds open is refused (EPERM, Windows' access
// denied), and so is moving a file someone holds (EBUSY). Windows shares per file, not per
// name: a hard link to a file the kernel holds is held too.
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

interface Tracked extends FileHandle {
  /** `dev:ino` of the file it holds: every hard link to it names the same file. */
  readonly file: string;
}

function identity(path: string): string | undefined {
  const st = fs.statSync(path, { throwIfNoEntry: false });
  return st && `${st.dev}:${st.ino}`;
}

function fsError(code: 'EBUSY' | 'EPERM', syscall: string, path: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${code}: resource busy or locked, ${syscall} '${path}'`);
  err.code = code;
  err.syscall = syscall;
  err.path = path;
  return err;
}

export class FileTable {
  private readonly open = new Map<string, Set<Tracked>>();
  /** Names deleted while open (Windows' delete-pending), with the file each held. */
  private readonly deletePending = new Map<string, string>();
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
    const held = this.holders(path).length > 0;
    if (this.windows && held) {
      if (this.mode === 'windows-ebusy') throw fsError('EBUSY', 'unlink', path);
      const file = identity(path);
      fs.unlinkSync(path);
      if (file) this.deletePending.set(path, file);
      this.unlinkedByModel.add(path);
      return;
    }
    fs.unlinkSync(path);
    if (held) this.unlinkedByModel.add(path);
  }

  /** fs.renameSync under the mode's sharing rules. */
  rename(from: string, to: string): void {
    if (this.deletePending.has(from) || this.deletePending.has(to)) throw fsError('EPERM', 'rename', to);
    if (this.windows) {
      if (this.holders(to).length > 0) throw fsError('EPERM', 'rename', to);
      if (this.holders(from).length > 0) throw fsError('EBUSY', 'rename', from);
    }
    fs.renameSync(from, to);
  }

  /**
   * fs.copyFileSync under the mode's sharing rules: the source is opened to read, the destination
   * to write. With COPYFILE_EXCL a destination that exists fails EEXIST first (CopyFile's
   * fail-if-exists asks for a new file: no sharing check is reached); a delete-pending one EPERM.
   */
  copy(src: string, dst: string, flags = 0): void {
    this.checkOpen(src, 'copyfile', 'node-read');
    const exclusive = (flags & fs.constants.COPYFILE_EXCL) !== 0;
    if (!exclusive || this.deletePending.has(dst) || !fs.existsSync(dst)) this.checkOpen(dst, 'copyfile', 'native-write');
    fs.copyFileSync(src, dst, flags);
  }

  /**
   * fs.linkSync under the mode's rules: a delete-pending name can be neither linked nor linked to
   * (EPERM); linking a file a native writer is still writing is refused (EBUSY, *assumed*: the
   * harsh reading). The new name then names a file the kernel may hold: deleting or replacing it
   * meets the same rules as the first name.
   */
  link(existing: string, newPath: string): void {
    if (this.deletePending.has(existing) || this.deletePending.has(newPath)) throw fsError('EPERM', 'link', newPath);
    if (this.windows && this.holders(existing).some((h) => h.kind === 'native-write')) throw fsError('EBUSY', 'link', existing);
    fs.linkSync(existing, newPath);
  }

  /** Handles on the file `path` names: through that name, or on Windows through any hard link to it. */
  private holders(path: string): Tracked[] {
    const byName = [...(this.open.get(path) ?? [])];
    const file = this.windows ? identity(path) : undefined;
    if (!file) return byName;
    const all = new Set(byName);
    for (const set of this.open.values()) for (const h of set) if (h.file === file) all.add(h);
    return [...all];
  }

  private checkOpen(path: string, syscall: string, kind: HandleKind): void {
    if (this.deletePending.has(path)) throw fsError('EPERM', syscall, path);
    if (!this.windows) return;
    for (const h of this.holders(path)) {
      if (h.kind === 'native-write') throw fsError('EBUSY', syscall, path);
      if (kind === 'native-write' && h.kind === 'native-read') throw fsError('EBUSY', syscall, path);
    }
  }

  private track(path: string, kind: HandleKind, fd: number): FileHandle {
    const st = fs.fstatSync(fd);
    const ino = st.ino;
    let set = this.open.get(path);
    if (!set) this.open.set(path, (set = new Set()));
    const holders = set;
    let closed = false;
    const handle: Tracked = {
      fd,
      path,
      kind,
      file: `${st.dev}:${ino}`,
      close: () => {
        if (closed) return;
        closed = true;
        this.noteOutsideUnlink(path, ino);
        fs.closeSync(fd);
        holders.delete(handle);
        if (holders.size === 0) {
          this.open.delete(path);
          this.unlinkedByModel.delete(path);
        }
        if (!this.isOpen(handle.file)) for (const [name, file] of this.deletePending) if (file === handle.file) this.deletePending.delete(name);
      },
    };
    holders.add(handle);
    return handle;
  }

  private isOpen(file: string): boolean {
    for (const set of this.open.values()) for (const h of set) if (h.file === file) return true;
    return false;
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
