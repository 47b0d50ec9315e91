// NapCat's deletion queue as clean-task.ts (v4.18.5) has it: every operation, addFiles
// included, takes its turn in one queue, and a deletion handed to the queue is not called
// back by a newer addFiles of the same path.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { CleanTaskQueue } from '../napcat/clean-task';
import { withHost } from './helpers';

describe('host model: NapCat deletion queue (clean-task.ts)', function () {
  this.timeout(20000);

  it('a deletion already queued still runs after a newer addFiles of the same path, whose timer stays live', async () => {
    await withHost({ timeScale: 1 }, async (host) => {
      const queue = new CleanTaskQueue(host.clock, host.kernel.native, host.counters);
      const files = Array.from({ length: 6 }, (_, i) => path.join(host.paths.tempPath, `f${i}`));
      for (const file of files) fs.writeFileSync(file, 'x');
      const shared = files[5];
      queue.addFiles(files, 5);
      // Runs after the six deletion timers of the same delay: their deletions are queued, the
      // first running, `shared`'s last in line.
      await new Promise<void>((resolve) => host.clock.setTimeout(resolve, 5));
      queue.addFiles([shared], 60_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(files.filter((file) => fs.existsSync(file)), 'files left').to.deep.equal([]);
      expect(queue.pending(), 'the newer timer still runs').to.deep.equal([shared]);
    });
  });

  it('addFiles waits its turn behind queued deletions; run when idle, it takes effect at once', async () => {
    await withHost({ timeScale: 1 }, async (host) => {
      const queue = new CleanTaskQueue(host.clock, host.kernel.native, host.counters);
      const files = Array.from({ length: 4 }, (_, i) => path.join(host.paths.tempPath, `g${i}`));
      for (const file of files) fs.writeFileSync(file, 'x');
      queue.addFiles(['/idle/a'], 60_000);
      expect(queue.pending(), 'idle: in the caller’s turn').to.deep.equal(['/idle/a']);
      await new Promise((resolve) => setTimeout(resolve, 20));
      queue.addFiles(files, 5);
      await new Promise<void>((resolve) => host.clock.setTimeout(resolve, 5));
      queue.addFiles(['/busy/b'], 60_000);
      expect(queue.pending(), 'busy: not yet').to.not.include('/busy/b');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(queue.pending()).to.include('/busy/b');
    });
  });
});
