// Per-process state NapCat keeps in module scope, out of a plugin's reach: the
// deletion queue, the logger, the API shape. Model classes find it through their
// core object; nothing on `ctx` exposes it (§1.6: cleanTaskQueue is not reachable).
import type { ModelClock } from '../clock';
import type { Counters } from '../counters';
import type { Random } from '../random';
import type { CleanTaskQueue } from './clean-task';
import type { NativeClient } from '../ntqq/native-client';

export type ApiShape = 'new' | 'legacy';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  text: string;
}

export interface HostRuntime {
  shape: ApiShape;
  clock: ModelClock;
  counters: Counters;
  random: Random;
  native: NativeClient;
  cleanQueue: CleanTaskQueue;
  /** Every line NapCat (and plugin loggers) wrote, in order. */
  logs: LogLine[];
  log(level: LogLine['level'], ...parts: unknown[]): void;
}

const runtimes = new WeakMap<object, HostRuntime>();

export function bindRuntime(owner: object, rt: HostRuntime): void {
  runtimes.set(owner, rt);
}

export function runtimeOf(owner: object): HostRuntime {
  const rt = runtimes.get(owner);
  if (!rt) throw new Error('model object has no runtime bound');
  return rt;
}

export function formatLogParts(parts: unknown[]): string {
  return parts
    .map((p) => (p instanceof Error ? `${p.name}: ${p.message}` : typeof p === 'string' ? p : JSON.stringify(p)))
    .join(' ');
}
