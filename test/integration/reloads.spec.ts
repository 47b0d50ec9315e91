import { expect } from 'chai';
import { executionAsyncResource } from 'node:async_hooks';
import { makePng, type Host } from '../host';
import { PLUGIN_ID, hostWithPlugin, imageSegment } from './support';

const PROMISES = 300_000;

/** Slots Node copied onto a new promise: one per AsyncLocalStorage enabled in the process. */
async function slotsOnNewPromise(): Promise<number> {
  await null;
  return Object.getOwnPropertySymbols(executionAsyncResource()).length;
}

/** Wall ms for PROMISES awaited promises (best of 3): printed, never asserted (docs/store.md). */
async function promiseCostMs(): Promise<number> {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    for (let i = 0; i < PROMISES; i++) await null;
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

async function reloadAndSend(host: Host, seed: number): Promise<void> {
  await host.pluginManager.reloadPlugin(PLUGIN_ID);
  const r = await host.call('send_group_msg', { group_id: 9, message: [imageSegment(makePng({ bytes: 2_000, seed }))] });
  expect(r.status).to.equal('ok');
}

// The 100-cycle reload test elsewhere sends nothing, and a SendScopes' storage is enabled only
// by the first send it sees: here every cycle sends, as a running bot does.
describe('integration: reloads with sends in every cycle', function () {
  this.timeout(300_000);
  let host: Host | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('leave every new promise of the process as cheap as after one reload', async () => {
    host = await hostWithPlugin({ timeScale: 0.05 });
    await reloadAndSend(host, 1);
    const afterOne = { slots: await slotsOnNewPromise(), ms: await promiseCostMs() };
    for (let i = 2; i <= 100; i++) await reloadAndSend(host, i);
    const afterHundred = { slots: await slotsOnNewPromise(), ms: await promiseCostMs() };
    console.log(
      `      ${PROMISES} awaited promises: ${afterOne.ms.toFixed(1)} ms after 1 reload, ${afterHundred.ms.toFixed(1)} ms after 100 ` +
        `(${(afterHundred.ms / afterOne.ms).toFixed(2)}×, target ≤ 1.10×); storage slots per promise ${afterOne.slots} → ${afterHundred.slots}`,
    );
    expect(afterHundred.slots, 'storages still copied onto every new promise').to.equal(afterOne.slots);
  });
});
