// NapCat #764: the shared Ori/<md5> file is queued for deletion `timeout` ms after
// each send; the queue is keyed by path, so it goes `timeout` after the LAST send
// that finished. A wave of sends of the same image that starts shortly before the
// previous wave's timer fires (by half a wave's duration) loses the file under it,
// in both file-semantics modes.
import { expect } from 'chai';
import type { Host } from '..';
import { broadcast } from '../bot';
import type { FileMode } from '../ntqq/files';
import { seededRandom } from '../random';
import { imageMessage, pngUri, RICH_MEDIA, withHost } from './helpers';

const WAVES = 3;
const PER_WAVE = 12;
const IMAGE_BYTES = 300_000;
/** NapCat's timeout for one such image: 10000 + bytes/1024/256*1000. */
const TIMEOUT = 10000 + (IMAGE_BYTES / 1024 / 256) * 1000;

async function waves(host: Host, seed: number): Promise<{ failed: number; messages: string[] }> {
  const { url } = await host.front.start();
  const random = seededRandom(seed);
  let failed = 0;
  const messages: string[] = [];
  for (let w = 0; w < WAVES; w++) {
    const started = host.clock.now();
    const responses = await broadcast({
      url,
      clock: host.clock,
      action: 'send_group_msg',
      count: PER_WAVE,
      spreadMs: 400,
      random,
      params: (i) => ({ group_id: 3000 + w * 100 + i, message: imageMessage(pngUri(11, IMAGE_BYTES)) }),
    });
    for (const r of responses.filter((x) => x.status !== 'ok')) {
      failed++;
      messages.push(r.message);
    }
    // The next wave starts half a wave's duration before this wave's deletion timer fires.
    if (w < WAVES - 1) await host.clock.sleep(TIMEOUT - (host.clock.now() - started) / 2);
  }
  return { failed, messages };
}

describe('host model: waves of one image straddling the deletion timer (NapCat #764)', function () {
  this.timeout(60000);
  const modes: FileMode[] = ['posix', 'windows-delete-pending', 'windows-ebusy'];
  for (const fileMode of modes) {
    it(`later waves lose the shared Ori file (${fileMode})`, async () => {
      await withHost({ fileMode, seed: 21, timeScale: 0.05 }, async (host) => {
        const { failed, messages } = await waves(host, 21);
        const c = host.counters;
        console.log(`      [${fileMode}] failed ${failed}/${WAVES * PER_WAVE}; upload failures ${JSON.stringify(c.uploadFailures)}; deletions ${c.deletions}, delete errors ${JSON.stringify(c.deletionErrors)}`);
        expect(failed).to.be.greaterThan(0);
        expect(failed).to.be.lessThan(WAVES * PER_WAVE);
        for (const m of messages) expect(m).to.include(RICH_MEDIA);
        expect(c.deletions + Object.values(c.deletionErrors).reduce((a, b) => a + b, 0), 'the deletion queue acted during the waves').to.be.greaterThan(0);
      });
    });
  }
});
