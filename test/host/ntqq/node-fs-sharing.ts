// Node's own file calls in a host's folders follow the host's file semantics. On Windows an
// unlink, rename or copyFile by NapCat's JS or by a plugin meets the same sharing rules as
// native code (§2.5): QQ holding a file open makes them fail with EBUSY/EPERM or leaves a
// delete-pending name. Without this a plugin's own deletes and renames would run with
// POSIX semantics inside a Windows model, gentler than the facts.
//
// While any host is open, `fs.unlink`, `fs.rename`, `fs.copyFile` (promise, callback and
// *Sync forms; ESM named imports follow through syncBuiltinESMExports) are wrapped. A call on
// a path under a Windows-mode host runs on that host's native thread under its file table;
// any other call runs as before. Renames and copies onto a visible name in a host's media
// tree are counted in `nodeMediaPlacements`, whatever the mode.
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

interface Originals {
  unlink: typeof fs.promises.unlink;
  rename: typeof fs.promises.rename;
  copyFile: typeof fs.promises.copyFile;
  unlinkCb: typeof fs.unlink;
  renameCb: typeof fs.rename;
  copyFileCb: typeof fs.copyFile;
  unlinkSync: typeof fs.unlinkSync;
  renameSync: typeof fs.renameSync;
  copyFileSync: typeof fs.copyFileSync;
}

const hosts = new Set<SharingHost>();
let originals: Originals | undefined;

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

interface Routed {
  host: SharingHost;
  files: string[];
}

function route(args: unknown[], count: number): Routed | undefined {
  // copyFile with flags (COPYFILE_EXCL, …) keeps Node's own handling.
  if (count === 2 && typeof args[2] === 'number' && args[2] !== 0) return undefined;
  const files = args.slice(0, count).map(pathOf);
  if (files.some((f) => f === undefined)) return undefined;
  const host = hostOf(files as string[]);
  return host ? { host, files: files as string[] } : undefined;
}

function countPlacement(call: NodeFsCall, routed: Routed | undefined): void {
  if (!routed || call === 'unlink') return;
  const dst = routed.files[1];
  if (within(routed.host.ntData, dst) && !path.basename(dst).startsWith('.')) routed.host.counters.nodeMediaPlacements++;
}

function asErrno(err: unknown, call: NodeFsCall, files: string[]): NodeJS.ErrnoException {
  const e = err as NodeJS.ErrnoException;
  const out: NodeJS.ErrnoException = new Error(e.message);
  out.code = e.code;
  out.syscall = call === 'copyFile' ? 'copyfile' : call;
  out.path = files[0];
  if (files[1]) (out as NodeJS.ErrnoException & { dest?: string }).dest = files[1];
  return out;
}

function install(): void {
  const o: Originals = {
    unlink: fs.promises.unlink,
    rename: fs.promises.rename,
    copyFile: fs.promises.copyFile,
    unlinkCb: fs.unlink,
    renameCb: fs.rename,
    copyFileCb: fs.copyFile,
    unlinkSync: fs.unlinkSync,
    renameSync: fs.renameSync,
    copyFileSync: fs.copyFileSync,
  };
  originals = o;
  const calls: Array<[NodeFsCall, number, (...a: never[]) => Promise<void>, (...a: never[]) => void, (...a: never[]) => void]> = [
    ['unlink', 1, o.unlink as never, o.unlinkCb as never, o.unlinkSync as never],
    ['rename', 2, o.rename as never, o.renameCb as never, o.renameSync as never],
    ['copyFile', 2, o.copyFile as never, o.copyFileCb as never, o.copyFileSync as never],
  ];
  for (const [call, count, promised, callback, sync] of calls) {
    const viaNative = (routed: Routed | undefined): routed is Routed => routed !== undefined && routed.host.mode !== 'posix';
    const promiseForm = async (...args: unknown[]): Promise<void> => {
      const routed = route(args, count);
      if (viaNative(routed)) {
        await routed.host.native.nodeFs(call, routed.files).catch((err: unknown) => {
          throw asErrno(err, call, routed.files);
        });
      } else {
        await (promised as (...a: unknown[]) => Promise<void>)(...args);
      }
      countPlacement(call, routed);
    };
    const callbackForm = (...args: unknown[]): void => {
      const done = args[args.length - 1] as Callback;
      const routed = route(args, count);
      if (!viaNative(routed)) {
        (callback as (...a: unknown[]) => void)(...args.slice(0, -1), (err: NodeJS.ErrnoException | null) => {
          if (!err) countPlacement(call, routed);
          done(err);
        });
        return;
      }
      routed.host.native.nodeFs(call, routed.files).then(
        () => {
          countPlacement(call, routed);
          done(null);
        },
        (err: unknown) => done(asErrno(err, call, routed.files)),
      );
    };
    const syncForm = (...args: unknown[]): void => {
      const routed = route(args, count);
      if (viaNative(routed)) {
        try {
          routed.host.native.nodeFsSync(call, routed.files);
        } catch (err) {
          throw asErrno(err, call, routed.files);
        }
      } else {
        (sync as (...a: unknown[]) => void)(...args);
      }
      countPlacement(call, routed);
    };
    (fs.promises as unknown as Record<string, unknown>)[call] = promiseForm;
    (fs as unknown as Record<string, unknown>)[call] = callbackForm;
    (fs as unknown as Record<string, unknown>)[`${call}Sync`] = syncForm;
  }
  syncBuiltinESMExports();
}

function uninstall(): void {
  const o = originals;
  if (!o) return;
  originals = undefined;
  Object.assign(fs.promises, { unlink: o.unlink, rename: o.rename, copyFile: o.copyFile });
  Object.assign(fs, { unlink: o.unlinkCb, rename: o.renameCb, copyFile: o.copyFileCb, unlinkSync: o.unlinkSync, renameSync: o.renameSync, copyFileSync: o.copyFileSync });
  syncBuiltinESMExports();
}
