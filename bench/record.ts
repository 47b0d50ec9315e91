// What one bench run records: the client's view of the broadcast and, per
// NapCat process, what the host counted and what the OS saw.
export type Mode = 'baseline' | 'plugin';

export interface ProcessSample {
  uin: string;
  tempFilesWritten: number;
  nativeCopies: number;
  bytesCopied: number;
  bytesTransferred: number; // to the model QQ server
  uploadsStarted: number;
  uploadsTransferred: number; // uploads that moved bytes (not 秒传)
  kernelSendFailures: number; // failed core sendMsg attempts, a plugin's retries included
  downloads: number;
  diskBytesWritten: number; // write(2) bytes of the process during the run (/proc/self/io wchar)
  cpuMs: number; // user + system of the whole process during the run
  peakRssBytes: number;
  eventLoopP99Ms: number;
  pipelineCpuMs?: number; // sequential scenario: NapCat pipeline + plugin, from the profiler
  kernelCpuMs?: number; // sequential scenario: the model kernel's simulated upload
  profiledSends?: number;
  cpuByOwnerMs?: Record<string, number>; // the profile, by owner (napcat, plugin, kernel, front, gc, idle, …)
  firstWindow?: ProfileWindow; // sequential scenario: its first measured sends alone (also in the totals above)
  pacing?: { sends: number; waitedMaxMs: number | null }; // the plugin's own /stats (plugin mode)
}

/** The profile of the first sends of a sequential run, before V8 has warmed the code up. */
export interface ProfileWindow {
  sends: number;
  pipelineCpuMs: number;
  cpuByOwnerMs: Record<string, number>;
}

export interface RunRecord {
  scenario: string;
  mode: Mode;
  repeat: number;
  runMs: number; // the whole run: processes started, broadcast, samples collected
  sends: number;
  delivered: number;
  failed: number;
  firstTryFailures: number;
  attempts: number;
  wallMs: number; // the path scheme's upload_file_stream included
  socketBytes: number; // bytes the bots wrote to NapCat's WebSocket during the run (requests as serialised)
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  errors: Record<string, number>;
  processes: ProcessSample[];
}
