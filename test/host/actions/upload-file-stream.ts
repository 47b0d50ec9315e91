// upload_file_stream (action/stream/UploadFileStream.ts, v4.18.5): a bot sends a file's bytes
// once, in base64 chunks, and gets back a path in NapCat's temp folder (`file_path`) it can then
// send as `file://` any number of times. One call per chunk (`chunk_data`, `chunk_index`; the
// first call of a stream must give `total_chunks`); the file is written only by a later call
// with `is_complete` (or any call once every chunk is in). A stream of known `file_size` up to
// 10 MB is kept in memory (100 MB in all), otherwise its chunks go to `<temp>/upload_<id>/`.
// The file is `<temp>/<filename>` (default `upload_<uuid>`: the same filename twice overwrites),
// checked against `expected_sha256` when given, and deleted `file_retention` ms after it was
// written (schema default 5 min; 0 keeps it). A stream idle for 10 min is dropped. NapCat keeps
// its streams in a static map, one per process: here one per host (a host is one process).
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runtimeOf } from '../napcat/runtime';
import { OneBotAction, type Payload } from './action';

const STREAM_IDLE_MS = 10 * 60 * 1000;
const MEMORY_THRESHOLD = 10 * 1024 * 1024;
const MEMORY_LIMIT = 100 * 1024 * 1024;
const DEFAULT_RETENTION_MS = 5 * 60 * 1000;

interface Stream {
  id: string;
  filename: string;
  totalChunks: number;
  received: number;
  missing: Set<number>;
  fileSize?: number;
  expectedSha256?: string;
  memory?: Map<number, Buffer>;
  tempDir?: string;
  finalPath?: string;
  retentionMs: number;
  cancelIdle: () => void;
}

interface StreamPacket {
  type: 'stream' | 'response';
  stream_id: string;
  status: 'file_created' | 'chunk_received' | 'file_complete';
  received_chunks: number;
  total_chunks: number;
  file_path?: string;
  file_size?: number;
  sha256?: string;
}

export class UploadFileStream extends OneBotAction<StreamPacket> {
  readonly actionName = 'upload_file_stream';
  override readonly useStream = true;
  private readonly streams = new Map<string, Stream>();
  private memoryUsage = 0;

  override async check(payload: Payload): Promise<{ valid: boolean; message?: string }> {
    if (typeof payload.stream_id !== 'string') return { valid: false, message: 'Key: stream_id, Message: Expected string' };
    return { valid: true };
  }

  async _handle(payload: Payload): Promise<StreamPacket> {
    const id = payload.stream_id as string;
    if (payload.reset === true) {
      this.cleanup(id, true);
      throw new Error('Stream reset completed');
    }
    if (payload.verify_only === true) {
      const stream = this.streams.get(id);
      if (!stream) throw new Error('Stream not found');
      return this.status(stream);
    }
    const stream = this.streams.get(id) ?? this.create(id, payload);
    if (typeof payload.chunk_data === 'string' && payload.chunk_data !== '' && typeof payload.chunk_index === 'number') {
      return this.chunk(stream, payload.chunk_data, payload.chunk_index);
    }
    if (payload.is_complete === true || stream.received === stream.totalChunks) return this.complete(stream);
    return this.status(stream);
  }

  private create(id: string, payload: Payload): Stream {
    if (!payload.total_chunks) throw new Error('total_chunks required for new stream');
    const fileSize = typeof payload.file_size === 'number' ? payload.file_size : undefined;
    const inMemory = fileSize !== undefined && fileSize <= MEMORY_THRESHOLD;
    if (inMemory && fileSize && this.memoryUsage + fileSize > MEMORY_LIMIT) throw new Error('Memory limit exceeded');
    const total = Number(payload.total_chunks);
    const temp = this.core.NapCatTempPath;
    const filename = typeof payload.filename === 'string' && payload.filename ? payload.filename : `upload_${randomUUID()}`;
    const stream: Stream = {
      id,
      filename,
      totalChunks: total,
      received: 0,
      missing: new Set(Array.from({ length: total }, (_, i) => i)),
      fileSize,
      expectedSha256: typeof payload.expected_sha256 === 'string' ? payload.expected_sha256 : undefined,
      retentionMs: typeof payload.file_retention === 'number' ? payload.file_retention : DEFAULT_RETENTION_MS,
      cancelIdle: () => undefined,
    };
    if (inMemory) {
      stream.memory = new Map();
      if (fileSize) this.memoryUsage += fileSize;
    } else {
      stream.tempDir = path.join(temp, `upload_${id}`);
      stream.finalPath = path.join(temp, filename);
      fs.mkdirSync(stream.tempDir, { recursive: true });
    }
    this.streams.set(id, stream);
    this.keepAlive(stream);
    return stream;
  }

  private keepAlive(stream: Stream): void {
    stream.cancelIdle();
    stream.cancelIdle = runtimeOf(this.core).clock.setTimeout(() => this.cleanup(stream.id, true), STREAM_IDLE_MS);
  }

  private async chunk(stream: Stream, data: string, index: number): Promise<StreamPacket> {
    if (index < 0 || index >= stream.totalChunks) throw new Error(`Invalid chunk index: ${index}`);
    if (!stream.missing.has(index)) return this.status(stream);
    const bytes = Buffer.from(data, 'base64');
    if (stream.memory) stream.memory.set(index, bytes);
    else await fs.promises.writeFile(path.join(stream.tempDir!, `${index}.chunk`), bytes);
    stream.missing.delete(index);
    stream.received++;
    this.keepAlive(stream);
    return { type: 'stream', stream_id: stream.id, status: 'chunk_received', received_chunks: stream.received, total_chunks: stream.totalChunks };
  }

  private async complete(stream: Stream): Promise<StreamPacket> {
    const parts: Buffer[] = [];
    for (let i = 0; i < stream.totalChunks; i++) {
      if (stream.memory) {
        const part = stream.memory.get(i);
        if (!part) throw new Error(`Missing memory chunk ${i}`);
        parts.push(part);
      } else {
        const chunkPath = path.join(stream.tempDir!, `${i}.chunk`);
        if (!fs.existsSync(chunkPath)) throw new Error(`Missing chunk file ${i}`);
        parts.push(await fs.promises.readFile(chunkPath));
      }
    }
    const bytes = Buffer.concat(parts);
    let sha256: string | undefined;
    if (stream.expectedSha256) {
      sha256 = createHash('sha256').update(bytes).digest('hex');
      if (sha256 !== stream.expectedSha256) throw new Error(`SHA256 mismatch. Expected: ${stream.expectedSha256}, Got: ${sha256}`);
    }
    const rt = runtimeOf(this.core);
    const finalPath = stream.finalPath ?? path.join(this.core.NapCatTempPath, stream.filename);
    await fs.promises.writeFile(finalPath, bytes);
    rt.counters.tempFilesWritten++;
    rt.counters.tempBytesWritten += bytes.length;
    this.cleanup(stream.id, false);
    if (stream.retentionMs > 0) rt.clock.setTimeout(() => fs.unlink(finalPath, () => undefined), stream.retentionMs);
    return {
      type: 'response',
      stream_id: stream.id,
      status: 'file_complete',
      received_chunks: stream.received,
      total_chunks: stream.totalChunks,
      file_path: finalPath,
      file_size: bytes.length,
      sha256,
    };
  }

  private status(stream: Stream): StreamPacket {
    return { type: 'stream', stream_id: stream.id, status: 'file_created', received_chunks: stream.received, total_chunks: stream.totalChunks };
  }

  /** Drops a stream: its timer, its memory, its chunk folder, and (on reset or idle) its final file. */
  private cleanup(id: string, deleteFinal: boolean): void {
    const stream = this.streams.get(id);
    if (!stream) return;
    stream.cancelIdle();
    if (stream.memory) {
      if (stream.fileSize) this.memoryUsage = Math.max(0, this.memoryUsage - stream.fileSize);
      stream.memory.clear();
    }
    if (stream.tempDir) fs.rmSync(stream.tempDir, { recursive: true, force: true });
    if (deleteFinal && stream.finalPath) fs.rmSync(stream.finalPath, { force: true });
    this.streams.delete(id);
  }
}
