// The native thread: QQ's copy, the kernel uploader, the highway, the shared link per
// account, the server's memory and the file table. It runs on its own event loop so a
// busy NapCat JS thread does not stall it, as QQ's native threads are not stalled.
import { parentPort, workerData } from 'node:worker_threads';
import { ModelClock } from '../clock';
import { createCounters, nativeSnapshot, type Counters } from '../counters';
import { seededRandom } from '../random';
import { FileTable } from './files';
import { uploadViaHighway } from './highway';
import { SharedLink } from './link';
import { nativeCopy } from './native-copy';
import type { AccountSetup, NativeOps, NativeReply, NativeRequest } from './native-protocol';
import { ServerMemory } from './server-memory';
import { uploadMedia, type UploaderDeps } from './uploader';

interface Account {
  deps: UploaderDeps;
  counters: Counters;
}

const port = parentPort;
if (!port) throw new Error('native-thread must run in a worker');
const clock = new ModelClock((workerData as { timeScale: number }).timeScale);
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
  return { deps, counters };
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
      return await nativeCopy(deps.files, deps.counters, clock, deps.diskBandwidth, src, dst);
    }
    case 'upload':
      return await uploadMedia(deps, (req.args as NativeOps['upload']['args']).ref);
    case 'highway':
      await uploadViaHighway(deps, (req.args as NativeOps['highway']['args']).ref);
      return null;
    case 'exists':
      return deps.files.exists((req.args as NativeOps['exists']['args']).path);
    case 'unlink':
      deps.files.unlink((req.args as NativeOps['unlink']['args']).path);
      return null;
    default:
      throw new Error(`unknown op ${String(req.op)}`);
  }
}

port.on('message', (req: NativeRequest) => {
  const account = accounts.get(req.account);
  run(req, account).then(
    (value) => reply({ id: req.id, account: req.account, value }),
    (err: NodeJS.ErrnoException) => reply({ id: req.id, account: req.account, error: { message: err.message, code: err.code } }),
  );
});

function reply(message: NativeReply): void {
  const account = accounts.get(message.account);
  port?.postMessage(account ? { ...message, counters: nativeSnapshot(account.counters) } : message);
}
