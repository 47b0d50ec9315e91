// A MediaStore stand-in for hook unit tests: real files in a temp dir (the hooks copy and hash
// them), every call counted, faults injectable.
import { createHash } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MediaSource } from '../../src/napcat/media-source';
import { StoreError } from '../../src/store/errors';
import { sniffExtension } from '../../src/store/sniff';
import type { Lease, MediaInfo } from '../../src/store/types';

export class FakeStore implements MediaSource {
  readonly entries = new Map<string, MediaInfo>();
  readonly calls = { putBase64: 0, putBytes: 0, putFile: 0, acquire: 0, quarantine: 0, writes: 0, moves: 0 };
  leases = 0;
  /** Thrown by the next puts while set. */
  fault: Error | undefined;

  constructor(readonly dir: string) {}

  async putBase64(text: string): Promise<Lease> {
    this.calls.putBase64++;
    if (this.fault) throw this.fault;
    return this.#put(Buffer.from(text, 'base64'));
  }

  /** This stand-in has no fast path: every put goes through putBase64. */
  hitBase64(): Lease | undefined {
    return undefined;
  }

  async putBytes(bytes: Uint8Array): Promise<Lease> {
    this.calls.putBytes++;
    if (this.fault) throw this.fault;
    return this.#put(Buffer.from(bytes));
  }

  /** Like MediaStore.putFile: a new content's file is renamed in with `consume`, else removed. */
  async putFile(source: string, options: { consume: boolean }): Promise<Lease> {
    this.calls.putFile++;
    if (this.fault) throw this.fault;
    const bytes = await readFile(source);
    const known = this.entries.has(createHash('sha256').update(bytes).digest('hex'));
    if (!options.consume || known) {
      const lease = await this.#put(bytes);
      if (options.consume) await unlink(source);
      return lease;
    }
    return this.#put(bytes, source);
  }

  acquire(hash: string): Lease | undefined {
    this.calls.acquire++;
    const media = this.entries.get(hash);
    return media ? this.#lease(media) : undefined;
  }

  async quarantine(hash: string): Promise<boolean> {
    this.calls.quarantine++;
    const media = this.entries.get(hash);
    if (!media) return false;
    this.entries.delete(hash);
    await rename(media.path, `${media.path}.quarantined`).catch(() => unlink(media.path).catch(() => undefined));
    return true;
  }

  async #put(bytes: Buffer, moveFrom?: string): Promise<Lease> {
    if (bytes.length === 0) throw new StoreError('EMPTY', '媒体内容为空 / media is empty');
    const hash = createHash('sha256').update(bytes).digest('hex');
    let media = this.entries.get(hash);
    if (!media) {
      const ext = await sniffExtension(bytes);
      media = { hash, md5: createHash('md5').update(bytes).digest('hex'), size: bytes.length, ext, path: path.join(this.dir, hash + ext) };
      if (moveFrom) {
        await rename(moveFrom, media.path);
        this.calls.moves++;
      } else {
        await writeFile(media.path, bytes);
        this.calls.writes++;
      }
      this.entries.set(hash, media);
    }
    return this.#lease(media);
  }

  #lease(media: MediaInfo): Lease {
    this.leases++;
    let released = false;
    return {
      media,
      release: () => {
        if (released) return;
        released = true;
        this.leases--;
      },
    };
  }
}
