// CPU time by code owner, from V8's sampling profiler in this process. Each
// sample goes to the innermost frame whose script the classifier knows, so a
// hash or fs call counts for the code that made it. This is how the bench
// separates NapCat's send pipeline (and the plugin) from the model kernel's
// simulated upload and from the OneBot front's JSON parse.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

export type Classify = (url: string) => string | undefined;

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

const SPECIAL: Record<string, string> = {
  '(idle)': 'idle',
  '(garbage collector)': 'gc',
  '(program)': 'program',
  '(root)': 'other',
};

export class CpuProfile {
  private readonly session = new Session();

  async start(intervalUs = 200): Promise<void> {
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await this.session.post('Profiler.start');
  }

  // Milliseconds of CPU per category (plus idle/gc/program/other).
  async stop(classify: Classify): Promise<Record<string, number>> {
    const { profile } = (await this.session.post('Profiler.stop')) as { profile: Profile };
    this.session.disconnect();
    // BENCH_CPU_PROFILE_DIR=<folder>: also keep the raw profile (one .cpuprofile per process and
    // run, for Chrome DevTools or bench/cpu-top.ts), to see which functions an owner's time is.
    const dir = process.env.BENCH_CPU_PROFILE_DIR;
    if (dir) writeFileSync(path.join(dir, `${process.pid}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
    return attribute(profile, classify);
  }
}

export function attribute(profile: Profile, classify: Classify): Record<string, number> {
  const parent = new Map<number, ProfileNode>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) byId.set(node.id, node);
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);

  const owner = new Map<number, string>();
  const ownerOf = (node: ProfileNode): string => {
    const known = owner.get(node.id);
    if (known) return known;
    const special = SPECIAL[node.callFrame.functionName];
    let found = special && !node.callFrame.url ? special : undefined;
    for (let n: ProfileNode | undefined = node; !found && n; n = parent.get(n.id)) {
      found = n.callFrame.url ? classify(n.callFrame.url) : undefined;
    }
    owner.set(node.id, found ?? 'other');
    return found ?? 'other';
  };

  const totals: Record<string, number> = {};
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i]);
    if (!node) continue;
    const key = ownerOf(node);
    totals[key] = (totals[key] ?? 0) + (deltas[i] ?? 0) / 1000;
  }
  return totals;
}
