// The native thread: QQ's copy, the kernel uploader, the highway, the shared link per
// account, the server's memory and the file table. It runs on its own event loop so a
// busy NapCat JS thread does not stall it, as QQ's native threads are not stalled.
import { parentPort, workerData } from 'node:worker_threads';
import { ModelClock } from '../clock';
import { createCounters, nativeSnapshot, type Counters } from '../counters';
import { seededRandom } from '../random';
import { FileTable } from './files';
import { downloadMedia } from './downloader';
import { uploadViaHighway } from './highway';
import { SharedLink } from './link';
import { nativeCopy } from './native-copy';
import type { AccountSetup, NativeOps, NativeReply, NativeRequest } from './native-protocol';
import { SYNC_BUFFER_BYTES } from './native-protocol';
import { ServerMemory } from './server-memory';
import { uploadMedia, type UploaderDeps } from './uploader';

interface Account {
  deps: UploaderDeps;
  counters: Counters;
  copyResolvesEarly: boolean;
}

const port = parentPort;
if (!port) throw new Error('native-thread must run in a worker');
const data = workerData as { timeScale: number; syncBuffer: SharedArrayBuffer };
const clock = new ModelClock(data.timeScale);
const syncState = new Int32Array(data.syncBuffer, 0, 2);
const syncBytes = new Uint8Array(data.syncBuffer, 8, SYNC_BUFFER_BYTES - 8);
const server = new ServerMemory();
const accounts = new Map<string, Account>();

function attach(setup: AccountSetup): Account {
  const counters = createCounters();
  const deps: UploaderDeps = {
    files: new FileTable(setup.fileMode, counters),
    counters,
    clock,
    link: new SharedLink(clock, setup.bandwidth),
    server,
    random: seededRandom(setup.seed),
    latencyMs: setup.latencyMs,
    diskBandwidth: setup.diskBandwidth,
  };
  return { deps, counters, copyResolvesEarly: setup.copyResolvesEarly };
}

async function run(req: NativeRequest, account: Account | undefined): Promise<unknown> {
  if (req.op === 'serverList') return server.list();
  if (req.op === 'attach') {
    accounts.set(req.account, attach(req.args as AccountSetup));
    return null;
  }
  if (!account) throw new Error(`unknown account ${req.account}`);
  const { deps } = account;
  switch (req.op) {
    case 'detach':
      accounts.delete(req.account);
      return null;
    case 'copy': {
      const { src, dst } = req.args as NativeOps['copy']['args'];
      if (!account.copyResolvesEarly) return await nativeCopy(deps.files, deps.counters, clock, deps.diskBandwidth, src, dst);
      // Answers once the destination is open; the bytes follow on this thread.
      return await new Promise((resolve) => {
        void nativeCopy(deps.files, deps.counters, clock, deps.diskBandwidth, src, dst, () => resolve({ result: 0, errMsg: '' })).then(resolve);
      });
    }
    case 'upload':
      return await uploadMedia(deps, (req.args as NativeOps['upload']['args']).ref);
    case 'highway':
      await uploadViaHighway(deps, (req.args as NativeOps['highway']['args']).ref);
      return null;
    case 'download': {
      const { md5, dst } = req.args as NativeOps['download']['args'];
      return await downloadMedia(deps, md5, dst);
    }
    case 'exists':
      return deps.files.exists((req.args as NativeOps['exists']['args']).path);
    case 'unlink':
      deps.files.unlink((req.args as NativeOps['unlink']['args']).path);
      return null;
    case 'nodeFs': {
      const { call, paths, flags } = req.args as NativeOps['nodeFs']['args'];
      if (call === 'unlink') deps.files.unlink(paths[0]);
      else if (call === 'rename') deps.files.rename(paths[0], paths[1]);
      else if (call === 'link') deps.files.link(paths[0], paths[1]);
      else deps.files.copy(paths[0], paths[1], flags);
      return null;
    }
    default:
      throw new Error(`unknown op ${String(req.op)}`);
  }
}

port.on('message', (req: NativeRequest) => {
  const account = accounts.get(req.account);
  const answer = req.sync ? answerSync : reply;
  run(req, account).then(
    (value) => answer({ id: req.id, account: req.account, value }),
    (err: NodeJS.ErrnoException) => answer({ id: req.id, account: req.account, error: { message: err.message, code: err.code } }),
  );
});

/** Wakes a caller blocked in Atomics.wait with the reply (NativeWorld.requestSync). */
function answerSync(message: NativeReply): void {
  const account = accounts.get(message.account);
  const json = Buffer.from(JSON.stringify(account ? { ...message, counters: nativeSnapshot(account.counters) } : message));
  syncBytes.set(json.subarray(0, syncBytes.length));
  Atomics.store(syncState, 1, Math.min(json.length, syncBytes.length));
  Atomics.store(syncState, 0, 1);
  Atomics.notify(syncState, 0);
}

function reply(message: NativeReply): void {
  const account = accounts.get(message.account);
  port?.postMessage(account ? { ...message, counters: nativeSnapshot(account.counters) } : message);
}
