// Who wrote a temp file or holds a lease marker, and whether that process still runs.
// A pid alone is not enough: pids are reused, and containers sharing one volume have their
// own pid spaces. So a tag is `<host>-<pid>-<start>`: a hash of the hostname, the pid, and
// (on Linux) the process start time from /proc, which changes when a pid is reused.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';

export interface ProcessIdentity {
  host: string;
  pid: number;
  /** Start time in clock ticks since boot (Linux), or '0' where unknown. */
  start: string;
}

const TAG = /^([0-9a-f]{8})-(\d+)-(\d+)/;

export function identityTag(id: ProcessIdentity): string {
  return `${id.host}-${id.pid}-${id.start}`;
}

/** Reads the identity at the start of a file name, or undefined when the name carries none. */
export function parseIdentity(name: string): ProcessIdentity | undefined {
  const m = TAG.exec(name);
  return m ? { host: m[1], pid: Number(m[2]), start: m[3] } : undefined;
}

export async function currentIdentity(): Promise<ProcessIdentity> {
  return {
    host: createHash('sha256').update(hostname()).digest('hex').slice(0, 8),
    pid: process.pid,
    start: (await startTime(process.pid)) ?? '0',
  };
}

/**
 * False only when we are sure the process is gone. Another host's process cannot be checked,
 * so it counts as alive: a leaked file is better than deleting one someone is sending.
 */
export async function isAlive(id: ProcessIdentity, self: ProcessIdentity): Promise<boolean> {
  if (id.host !== self.host) return true;
  if (id.pid === self.pid) return id.start === self.start || self.start === '0';
  try {
    process.kill(id.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (id.start === '0') return true;
  const start = await startTime(id.pid);
  return start === undefined ? process.platform !== 'linux' : start === id.start;
}

async function startTime(pid: number): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Field 22; the command name (field 2) may hold spaces and parentheses, so count after its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return /^\d+$/.test(fields[19] ?? '') ? fields[19] : undefined;
  } catch {
    return undefined;
  }
}
