// Node's own file calls in a host's folders follow the host's file semantics. On Windows an
// unlink, rename or copyFile by NapCat's JS or by a plugin meets the same sharing rules as
// native code (§2.5): QQ holding a file open makes them fail with EBUSY/EPERM or leaves a
// delete-pending name. Without this a plugin's own deletes and renames would run with
// POSIX semantics inside a Windows model, gentler than the facts.
//
// While any host is open, `fs.unlink`, `fs.rename`, `fs.copyFile` (with its flags:
// COPYFILE_EXCL still fails EEXIST), `fs.link` and `fs.rm` of a file (promise, callback and
// *Sync forms; ESM named imports follow through syncBuiltinESMExports) are wrapped: every
// deleting, renaming, copying and linking call the plugin makes. A call on a path under a
// Windows-mode host runs on that host's native thread under its file table; any other call
// runs as before. `rm` of a directory keeps Node's own handling (the kernel holds files, and
// the plugin removes no directory with rm). Renames and copies onto a visible name in a
// host's media tree (and links made there) are counted in `nodeMediaPlacements`, whatever
// the mode.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Counters } from '../counters';
import type { NativeClient } from './native-client';
import type { FileMode } from './files';
import type { NodeFsCall } from './native-protocol';

export interface SharingHost {
  /** Folders whose files the host's rules cover (NapCat's root, the NT data root). */
  roots: string[];
  /** `<qqDataRoot>/nt_qq_<uin>/nt_data`: the account's media tree. */
  ntData: string;
  mode: FileMode;
  native: NativeClient;
  counters: Counters;
}

type Callback = (err: NodeJS.ErrnoException | null) => void;

/** Node's wrapped file calls: the name on `fs` (`<name>Sync` too, and on `fs.promises`). */
type Wrapped = NodeFsCall | 'rm';

interface Forms {
  promised: (...a: unknown[]) => Promise<void>;
  callback: (...a: unknown[]) => void;
  sync: (...a: unknown[]) => void;
}

const WRAPPED: Wrapped[] = ['unlink', 'rename', 'copyFile', 'link', 'rm'];
const hosts = new Set<SharingHost>();
let originals: Map<Wrapped, Forms> | undefined;

/** Applies `host`'s rules to Node's file calls under its roots until the returned function is called. */
export function shareNodeFs(host: SharingHost): () => void {
  hosts.add(host);
  if (!originals) install();
  return () => {
    hosts.delete(host);
    if (hosts.size === 0) uninstall();
  };
}

function pathOf(p: unknown): string | undefined {
  if (typeof p === 'string') return path.resolve(p);
  if (p instanceof URL) return fileURLToPath(p);
  if (Buffer.isBuffer(p)) return path.resolve(p.toString());
  return undefined;
}

function within(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The host whose rules cover `files`: the account whose media tree holds one, else any whose roots do. */
function hostOf(files: string[]): SharingHost | undefined {
  const all = [...hosts];
  return all.find((h) => files.some((f) => within(h.ntData, f))) ?? all.find((h) => files.some((f) => h.roots.some((r) => within(r, f))));
}

/** A wrapped call bound for a Windows-mode host's native thread. */
interface Routed {
  host: SharingHost;
  call: NodeFsCall;
  files: string[];
  flags: number;
  /** rm's `force`: a missing file is no error. */
  force: boolean;
}

function route(name: Wrapped, args: unknown[]): Routed | undefined {
  const count = name === 'unlink' || name === 'rm' ? 1 : 2;
  const files = args.slice(0, count).map(pathOf);
  if (files.some((f) => f === undefined)) return undefined;
  const host = hostOf(files as string[]);
  if (!host) return undefined;
  let force = false;
  if (name === 'rm') {
    const options = args[1] as { force?: boolean } | undefined;
    force = typeof options === 'object' && options !== null && options.force === true;
    // A directory (or a link to one) keeps Node's handling; the plugin rm's only files.
    if (fs.statSync(files[0] as string, { throwIfNoEntry: false })?.isDirectory()) return undefined;
  }
  const flags = name === 'copyFile' && typeof args[2] === 'number' ? args[2] : 0;
  return { host, call: name === 'rm' ? 'unlink' : name, files: files as string[], flags, force };
}

function countPlacement(routed: Routed | undefined): void {
  if (!routed || routed.call === 'unlink') return;
  const dst = routed.files[1];
  if (within(routed.host.ntData, dst) && !path.basename(dst).startsWith('.')) routed.host.counters.nodeMediaPlacements++;
}

function asErrno(err: unknown, name: Wrapped, files: string[]): NodeJS.ErrnoException {
  const e = err as NodeJS.ErrnoException;
  const out: NodeJS.ErrnoException = new Error(e.message);
  out.code = e.code;
  out.syscall = name === 'copyFile' ? 'copyfile' : name === 'rm' ? 'unlink' : name;
  out.path = files[0];
  if (files[1]) (out as NodeJS.ErrnoException & { dest?: string }).dest = files[1];
  return out;
}

/** rm with force: a file already gone is done. */
const forgiven = (routed: Routed, err: unknown): boolean => routed.force && (err as NodeJS.ErrnoException).code === 'ENOENT';

function install(): void {
  const saved = new Map<Wrapped, Forms>();
  for (const name of WRAPPED) {
    const promised = (fs.promises as unknown as Record<string, Forms['promised']>)[name];
    const callback = (fs as unknown as Record<string, Forms['callback']>)[name];
    const sync = (fs as unknown as Record<string, Forms['sync']>)[`${name}Sync`];
    saved.set(name, { promised, callback, sync });
    // Calls under a POSIX host, or under none, run as before (the placement still counted).
    const viaNative = (routed: Routed | undefined): routed is Routed => routed !== undefined && routed.host.mode !== 'posix';
    const promiseForm = async (...args: unknown[]): Promise<void> => {
      const routed = route(name, args);
      if (viaNative(routed)) {
        try {
          await routed.host.native.nodeFs(routed.call, routed.files, routed.flags);
        } catch (err) {
          if (!forgiven(routed, err)) throw asErrno(err, name, routed.files);
        }
      } else {
        await promised(...args);
      }
      countPlacement(routed);
    };
    const callbackForm = (...args: unknown[]): void => {
      const done = args[args.length - 1] as Callback;
      const routed = route(name, args);
      if (!viaNative(routed)) {
        callback(...args.slice(0, -1), (err: NodeJS.ErrnoException | null) => {
          if (!err) countPlacement(routed);
          done(err);
        });
        return;
      }
      routed.host.native.nodeFs(routed.call, routed.files, routed.flags).then(
        () => {
          countPlacement(routed);
          done(null);
        },
        (err: unknown) => done(forgiven(routed, err) ? null : asErrno(err, name, routed.files)),
      );
    };
    const syncForm = (...args: unknown[]): void => {
      const routed = route(name, args);
      if (viaNative(routed)) {
        try {
          routed.host.native.nodeFsSync(routed.call, routed.files, routed.flags);
        } catch (err) {
          if (!forgiven(routed, err)) throw asErrno(err, name, routed.files);
        }
      } else {
        sync(...args);
      }
      countPlacement(routed);
    };
    (fs.promises as unknown as Record<string, unknown>)[name] = promiseForm;
    (fs as unknown as Record<string, unknown>)[name] = callbackForm;
    (fs as unknown as Record<string, unknown>)[`${name}Sync`] = syncForm;
  }
  originals = saved;
  syncBuiltinESMExports();
}

function uninstall(): void {
  const saved = originals;
  if (!saved) return;
  originals = undefined;
  for (const [name, forms] of saved) {
    (fs.promises as unknown as Record<string, unknown>)[name] = forms.promised;
    (fs as unknown as Record<string, unknown>)[name] = forms.callback;
    (fs as unknown as Record<string, unknown>)[`${name}Sync`] = forms.sync;
  }
  syncBuiltinESMExports();
}
