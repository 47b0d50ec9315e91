// One NapCat process for one bench run: the model host on an OS port, with the
// plugin loaded or not as `config/plugins.json` says. The bench parent drives
// the bot over WebSocket and tells this process when to measure, so the RSS,
// CPU, disk writes and event-loop delay below are NapCat's alone, not the bot's.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createHost, type Host, type HostOptions } from '../test/host/index';
import { codeOwner } from './harness/code-owner';
import { CpuProfile } from './harness/cpu-profile';
import { PLUGIN_ID } from './harness/install';
import type { ProcessSample } from './record';

export interface HostProcessSpec {
  root: string;
  qqDataRoot: string;
  uin: string;
  seed: number;
  /** More host options (the proxy bench's outage sets a server that never answers). */
  host?: Partial<HostOptions>;
}

export type ParentMessage =
  | { type: 'start'; profile: boolean; profiledSends: number }
  // Ends the first profile window (ProcessSample.firstWindow) and starts the next.
  | { type: 'mark'; sends: number }
  | { type: 'stop' }
  // The proxy bench: push `count` events, one every `everyMs`, each stamped with its send time.
  | { type: 'events'; count: number; everyMs: number };
export type ChildMessage =
  | { type: 'ready'; wsUrl: string; pluginStatus: string }
  | { type: 'events-sent' }
  | { type: 'started' }
  | { type: 'marked' }
  | { type: 'sample'; sample: ProcessSample }
  | { type: 'error'; message: string };

// Bytes passed to write(2) by this process: files, plus a few hundred bytes of
// OneBot responses per send. Linux only; elsewhere the host's counters stand in.
function writtenBytes(): number | undefined {
  try {
    const match = /^wchar:\s*(\d+)$/m.exec(fs.readFileSync('/proc/self/io', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The plugin's own pacing numbers, read from its authenticated /stats route as the status page does. */
async function pluginPacing(host: Host): Promise<ProcessSample['pacing']> {
  const base = await host.webui.start();
  const res = await fetch(`${base}/api/Plugin/ext/${PLUGIN_ID}/stats`, { headers: { Authorization: `Bearer ${host.webui.token}` } });
  const body = (await res.json()) as { data?: { pacing?: { sends: number; waitedMs: { max: number | null } } } };
  const pacing = body.data?.pacing;
  return pacing ? { sends: pacing.sends, waitedMaxMs: pacing.waitedMs.max } : undefined;
}

function addOwners(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const sum = { ...a };
  for (const [owner, ms] of Object.entries(b)) sum[owner] = (sum[owner] ?? 0) + ms;
  return sum;
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.env.BENCH_HOST ?? '{}') as HostProcessSpec;
  const send = (message: ChildMessage) => process.send?.(message);
  const host = await createHost({ ...spec.host, root: spec.root, qqDataRoot: spec.qqDataRoot, uin: spec.uin, seed: spec.seed, timeScale: 1 });
  const { wsUrl } = await host.front.start();
  send({ type: 'ready', wsUrl, pluginStatus: host.pluginManager.getPluginInfo(PLUGIN_ID)?.status ?? 'absent' });

  const delay = monitorEventLoopDelay({ resolution: 5 });
  let cpu0 = process.cpuUsage();
  let wchar0 = writtenBytes();
  let profile: CpuProfile | undefined;
  let profiledSends = 0;
  let firstWindow: { sends: number; owners: Record<string, number> } | undefined;
  const startProfile = async () => {
    profile = new CpuProfile();
    await profile.start(Number(process.env.BENCH_CPU_SAMPLE_US) || undefined);
  };
  const counters0 = { ...host.counters, uploadFailures: { ...host.counters.uploadFailures } };

  // BENCH_HEAP_SNAPSHOT_MB=450: one heap snapshot of this process when the JS heap first
  // passes that size during the run (read it with bench/heap-strings.ts). Off by default.
  const snapshotAtMb = Number(process.env.BENCH_HEAP_SNAPSHOT_MB ?? 0);
  const watchHeap = () => {
    if (!(snapshotAtMb > 0)) return;
    const timer = setInterval(() => {
      if (process.memoryUsage().heapUsed < snapshotAtMb * 1e6) return;
      clearInterval(timer);
      const file = v8.writeHeapSnapshot(path.join(os.tmpdir(), `bench-heap-${spec.uin}-${process.pid}.heapsnapshot`));
      process.stderr.write(`heap snapshot / 堆快照: ${file}\n`);
    }, 10);
    timer.unref();
  };

  process.on('message', (message: ParentMessage) => {
    void (async () => {
      if (message.type === 'events') {
        for (let i = 0; i < message.count; i++) {
          host.front.emitEvent({ time: 0, self_id: Number(spec.uin), post_type: 'notice', notice_type: 'bench', seq: i, sent_at: performance.timeOrigin + performance.now() });
          await new Promise((resolve) => setTimeout(resolve, message.everyMs));
        }
        send({ type: 'events-sent' });
        return;
      }
      if (message.type === 'start') {
        watchHeap();
        Object.assign(counters0, host.counters);
        cpu0 = process.cpuUsage();
        wchar0 = writtenBytes();
        delay.reset();
        delay.enable();
        if (message.profile) {
          await startProfile();
          profiledSends = message.profiledSends;
        }
        send({ type: 'started' });
        return;
      }
      if (message.type === 'mark') {
        if (profile) {
          firstWindow = { sends: message.sends, owners: await profile.stop(codeOwner) };
          await startProfile();
        }
        send({ type: 'marked' });
        return;
      }
      delay.disable();
      const cpu = process.cpuUsage(cpu0);
      const later = profile ? await profile.stop(codeOwner) : undefined;
      const owners = later && firstWindow ? addOwners(firstWindow.owners, later) : later;
      const c = host.counters;
      const wchar = writtenBytes();
      const sample: ProcessSample = {
        uin: spec.uin,
        tempFilesWritten: c.tempFilesWritten - counters0.tempFilesWritten,
        // Copies onto NTQQ's media paths: NapCat's are native, the plugin's are Node's own.
        nativeCopies: c.nativeCopies + c.nodeMediaPlacements - counters0.nativeCopies - counters0.nodeMediaPlacements,
        bytesCopied: c.bytesCopied - counters0.bytesCopied,
        bytesTransferred: c.bytesTransferred - counters0.bytesTransferred,
        uploadsStarted: c.uploadsStarted - counters0.uploadsStarted,
        uploadsTransferred: c.uploadsTransferred - counters0.uploadsTransferred,
        kernelSendFailures: c.sendsFailed + c.sendsTimedOut - counters0.sendsFailed - counters0.sendsTimedOut,
        downloads: c.downloads - counters0.downloads,
        diskBytesWritten:
          wchar !== undefined && wchar0 !== undefined
            ? wchar - wchar0
            : c.tempBytesWritten - counters0.tempBytesWritten + c.bytesCopied - counters0.bytesCopied,
        cpuMs: (cpu.user + cpu.system) / 1000,
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
        eventLoopP99Ms: delay.percentile(99) / 1e6,
        ...(owners && {
          pipelineCpuMs: (owners.napcat ?? 0) + (owners.plugin ?? 0),
          kernelCpuMs: owners.kernel ?? 0,
          profiledSends,
          cpuByOwnerMs: owners,
        }),
        ...(firstWindow && {
          firstWindow: {
            sends: firstWindow.sends,
            pipelineCpuMs: (firstWindow.owners.napcat ?? 0) + (firstWindow.owners.plugin ?? 0),
            cpuByOwnerMs: firstWindow.owners,
          },
        }),
      };
      if (host.pluginManager.getPluginInfo(PLUGIN_ID)?.status === 'loaded') sample.pacing = await pluginPacing(host);
      send({ type: 'sample', sample });
      await host.close();
      // A dedicated process: leave at once rather than wait on stray handles.
      process.exit(0);
    })().catch((err: unknown) => {
      send({ type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) });
      process.exitCode = 1;
      process.disconnect?.();
    });
  });
}

main().catch((err: unknown) => {
  process.send?.({ type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies ChildMessage);
  process.exitCode = 1;
  process.disconnect?.();
});
