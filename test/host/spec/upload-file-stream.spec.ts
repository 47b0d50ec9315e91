// The model's upload_file_stream, against the facts of NapCat v4.18.5's UploadFileStream.ts
// (docs/model-rules.md): chunks in, one file out in NapCat's temp folder, then sent by path.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makePng } from '..';
import type { Host } from '..';
import { withHost } from './helpers';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** What a bot does: every chunk, then `is_complete`; the last answer. */
async function upload(host: Host, bytes: Buffer, extra: Record<string, unknown> = {}, chunkBytes = 64 * 1024) {
  const total = Math.ceil(bytes.length / chunkBytes);
  const id = `s-${Math.random().toString(36).slice(2)}`;
  const answers = [];
  for (let i = 0; i < total; i++) {
    const chunk = bytes.subarray(i * chunkBytes, (i + 1) * chunkBytes).toString('base64');
    answers.push(await host.call('upload_file_stream', { stream_id: id, chunk_data: chunk, chunk_index: i, total_chunks: total, file_size: bytes.length, ...extra }));
  }
  answers.push(await host.call('upload_file_stream', { stream_id: id, is_complete: true }));
  return answers;
}

describe('model: upload_file_stream (NapCat v4.18.5)', function () {
  this.timeout(30_000);

  it('chunks in, one file out in the temp folder (named as asked, checked by sha-256), sendable by file://', async () => {
    await withHost({ timeScale: 0.1 }, async (host) => {
      const png = makePng({ bytes: 300_000, seed: 3 });
      const answers = await upload(host, png, { filename: 'broadcast.png', expected_sha256: sha256(png) });
      expect(answers.slice(0, -1).every((a) => a.status === 'ok' && (a.data as { status: string }).status === 'chunk_received')).to.equal(true);
      const done = answers.at(-1)!;
      expect(done.stream).to.equal('stream-action');
      expect(done.data).to.deep.include({ type: 'response', status: 'file_complete', file_size: png.length, sha256: sha256(png), received_chunks: 5, total_chunks: 5 });
      const file = (done.data as { file_path: string }).file_path;
      expect(file).to.equal(path.join(host.paths.tempPath, 'broadcast.png'));
      expect(fs.readFileSync(file).equals(png)).to.equal(true);
      const sent = await host.call('send_group_msg', { group_id: 1, message: [{ type: 'image', data: { file: `file://${file}` } }] });
      expect(sent.status).to.equal('ok');
    });
  });

  it('refuses what NapCat refuses: no total_chunks for a new stream, a bad index, a wrong sha-256, a missing chunk; reset drops the stream', async () => {
    await withHost({ timeScale: 0.1 }, async (host) => {
      const call = (params: Record<string, unknown>) => host.call('upload_file_stream', params);
      expect((await call({ stream_id: 'a', chunk_data: 'AAAA', chunk_index: 0 })).message).to.equal('total_chunks required for new stream');
      expect((await call({ stream_id: 'b', chunk_data: 'AAAA', chunk_index: 3, total_chunks: 2 })).message).to.equal('Invalid chunk index: 3');
      await call({ stream_id: 'c', chunk_data: 'AAAA', chunk_index: 0, total_chunks: 1, file_size: 3, expected_sha256: '0'.repeat(64) });
      expect((await call({ stream_id: 'c', is_complete: true })).message).to.match(/^SHA256 mismatch\. Expected: 0{64}, Got: [0-9a-f]{64}$/);
      await call({ stream_id: 'd', chunk_data: 'AAAA', chunk_index: 0, total_chunks: 2, file_size: 6 });
      expect((await call({ stream_id: 'd', is_complete: true })).message).to.equal('Missing memory chunk 1');
      expect((await call({ stream_id: 'd', reset: true })).message).to.equal('Stream reset completed');
      expect((await call({ stream_id: 'd', verify_only: true })).message).to.equal('Stream not found');
    });
  });

  it('a stream of unknown size (or over 10 MB) keeps its chunks in a folder until it completes', async () => {
    await withHost({ timeScale: 0.1 }, async (host) => {
      const call = (params: Record<string, unknown>) => host.call('upload_file_stream', params);
      const folder = path.join(host.paths.tempPath, 'upload_big');
      await call({ stream_id: 'big', chunk_data: Buffer.alloc(10, 1).toString('base64'), chunk_index: 0, total_chunks: 2 });
      await call({ stream_id: 'big', chunk_data: Buffer.alloc(10, 2).toString('base64'), chunk_index: 1 });
      expect(fs.readdirSync(folder).sort()).to.deep.equal(['0.chunk', '1.chunk']);
      const done = (await call({ stream_id: 'big', is_complete: true })).data as { file_path: string; file_size: number };
      expect(done.file_size).to.equal(20);
      expect(fs.existsSync(folder)).to.equal(false);
      expect(fs.readFileSync(done.file_path).equals(Buffer.concat([Buffer.alloc(10, 1), Buffer.alloc(10, 2)]))).to.equal(true);
    });
  });

  it('the file goes file_retention ms after it was written (default 5 min; 0 keeps it)', async () => {
    await withHost({ timeScale: 0.001 }, async (host) => {
      const bytes = Buffer.alloc(200_000, 7);
      const kept = (await upload(host, bytes, { file_retention: 0 })).at(-1)!.data as { file_path: string };
      const timed = (await upload(host, bytes, { file_retention: 60_000 })).at(-1)!.data as { file_path: string };
      const byDefault = (await upload(host, bytes)).at(-1)!.data as { file_path: string };
      // Past the 60 s retention with room for the unlink it starts (async, on the thread pool),
      // and still well inside the default 5 min: at this time scale 1 s of model time is 1 ms.
      await host.clock.sleep(90_000);
      expect([fs.existsSync(kept.file_path), fs.existsSync(timed.file_path), fs.existsSync(byDefault.file_path)]).to.deep.equal([true, false, true]);
      await host.clock.sleep(300_000);
      expect(fs.existsSync(byDefault.file_path)).to.equal(false);
    });
  });
});
