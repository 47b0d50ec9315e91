import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { writeTemp } from '../../src/store/publish';
import { type StoreFs, nodeFs } from '../../src/store/store-fs';
import { filesUnder, storeFixture } from './helpers';

/** node:fs/promises that logs when an open settles and when each write is issued and settles. */
function loggingFs(events: string[], chunk = Number.POSITIVE_INFINITY): StoreFs {
  return {
    ...nodeFs,
    open: async (path, flags) => {
      const handle = await nodeFs.open(path, flags);
      events.push('opened');
      return {
        write: async (buffer, offset, length) => {
          events.push('write issued');
          const result = await handle.write(buffer, offset, Math.min(length, chunk));
          events.push('write done');
          return result;
        },
        close: () => handle.close(),
      };
    },
  };
}

describe('store/publish writeTemp', () => {
  const t = storeFixture();

  // The md5 of a miss runs as `alongside`. Run before the open settled, it blocked the main
  // thread while the open's callback waited, so the write only began after the hash: a 5 MiB
  // miss took md5 + write instead of the longer of the two.
  it('runs `alongside` after the first write is issued and before it is done', async () => {
    const events: string[] = [];
    const bytes = Buffer.alloc(256 * 1024, 7);
    await writeTemp(loggingFs(events), join(t.dir, 'a.tmp'), bytes, () => void events.push('alongside'));
    expect(events.slice(0, 4)).to.deep.equal(['opened', 'write issued', 'alongside', 'write done']);
    expect(await readFile(join(t.dir, 'a.tmp'))).to.deep.equal(bytes);
  });

  it('finishes a short write with further writes, and calls `alongside` once', async () => {
    const events: string[] = [];
    const bytes = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 251));
    await writeTemp(loggingFs(events, 4096), join(t.dir, 'b.tmp'), bytes, () => void events.push('alongside'));
    expect(events.filter((e) => e === 'write issued')).to.have.length(3);
    expect(events.filter((e) => e === 'alongside')).to.have.length(1);
    expect(await readFile(join(t.dir, 'b.tmp'))).to.deep.equal(bytes);
  });

  it('removes the temp file when `alongside` throws, and rejects', async () => {
    const failing = () => {
      throw new Error('boom');
    };
    const error = await writeTemp(nodeFs, join(t.dir, 'c.tmp'), Buffer.alloc(1000, 1), failing).catch((err: unknown) => err);
    expect(error).to.be.instanceOf(Error);
    expect(await filesUnder(t.dir, '.')).to.deep.equal([]);
  });
});
