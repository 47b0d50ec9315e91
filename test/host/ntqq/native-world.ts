// The JS side of the native thread: starts the worker, sends requests, and copies each
// account's native counters back into that host's counters on every reply.
import { Worker } from 'node:worker_threads';
import type { NativeCounters } from '../counters';
import { SYNC_BUFFER_BYTES, type NativeOp, type NativeOps, type NativeReply, type NativeRequest } from './native-protocol';
import { nativeThreadSource } from './native-source';

export class NativeError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export class NativeWorld {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly sinks = new Map<string, (counters: NativeCounters) => void>();
  private nextId = 1;
  private terminated = false;
  private readonly syncBuffer = new SharedArrayBuffer(SYNC_BUFFER_BYTES);
  private readonly syncState = new Int32Array(this.syncBuffer, 0, 2);

  constructor(readonly timeScale: number) {
    this.worker = new Worker(nativeThreadSource(), { eval: true, workerData: { timeScale, syncBuffer: this.syncBuffer } });
    this.worker.on('message', (reply: NativeReply) => this.onReply(reply));
    this.worker.on('error', (err) => this.failAll(err));
    this.worker.on('exit', () => this.failAll(new NativeError('native thread exited')));
  }

  /** Routes an account's counter snapshots to its host. */
  sink(account: string, fn: ((counters: NativeCounters) => void) | undefined): void {
    if (fn) this.sinks.set(account, fn);
    else this.sinks.delete(account);
  }

  request<K extends NativeOp>(account: string, op: K, args: NativeOps[K]['args']): Promise<NativeOps[K]['result']> {
    if (this.terminated) return Promise.reject(new NativeError('native thread stopped'));
    const id = this.nextId++;
    const message: NativeRequest<K> = { id, account, op, args };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage(message);
    });
  }

  /**
   * The same request, answered while this thread blocks (for Node's *Sync file calls): the
   * native thread runs on its own loop and wakes us through a shared buffer.
   */
  requestSync<K extends NativeOp>(account: string, op: K, args: NativeOps[K]['args']): NativeOps[K]['result'] {
    if (this.terminated) throw new NativeError('native thread stopped');
    const message: NativeRequest<K> = { id: this.nextId++, account, op, args, sync: true };
    Atomics.store(this.syncState, 0, 0);
    this.worker.postMessage(message);
    if (Atomics.wait(this.syncState, 0, 0, 30_000) === 'timed-out') throw new NativeError(`native thread did not answer ${op}`);
    const length = Atomics.load(this.syncState, 1);
    const reply = JSON.parse(Buffer.from(new Uint8Array(this.syncBuffer, 8, length)).toString()) as NativeReply;
    if (reply.counters) this.sinks.get(reply.account)?.(reply.counters);
    if (reply.error) throw new NativeError(reply.error.message, reply.error.code);
    return reply.value as NativeOps[K]['result'];
  }

  async terminate(): Promise<void> {
    if (this.terminated) return;
    this.terminated = true;
    await this.worker.terminate();
  }

  private onReply(reply: NativeReply): void {
    if (reply.counters) this.sinks.get(reply.account)?.(reply.counters);
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if (reply.error) waiter.reject(new NativeError(reply.error.message, reply.error.code));
    else waiter.resolve(reply.value);
  }

  private failAll(err: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
  }
}
