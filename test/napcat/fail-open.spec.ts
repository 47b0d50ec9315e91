import { expect } from 'chai';
import { silentLogger } from '../../src/logger';
import { FailOpen } from '../../src/napcat/fail-open';

describe('FailOpen', () => {
  it('runs NapCat’s path on our fault, logs a burst of one fault once and counts every one', async () => {
    const lines: string[] = [];
    const counts: string[] = [];
    const failOpen = new FailOpen({ ...silentLogger, warn: (m: unknown) => lines.push(String(m)) }, (f, c) => counts.push(`${f}:${c}`));
    const enospc = Object.assign(new Error('no space'), { code: 'ENOSPC' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        failOpen.guard('base64', () => `send #${i}`, async () => { throw enospc; }, async () => `napcat ${i}`),
      ),
    );
    expect(results[19]).to.equal('napcat 19');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.contain('send #0').and.contain('no space').and.contain('/');
    expect(counts).to.have.length(20);
    expect(counts[0]).to.equal('base64:ENOSPC');
  });

  it('passes NapCat’s own error through untouched', async () => {
    const failOpen = new FailOpen(silentLogger, () => {});
    const napcatError = new Error('文件处理失败: 识别URL失败');
    const err = await failOpen
      .guard('x', () => '', async () => { throw new Error('ours'); }, async () => { throw napcatError; })
      .catch((e) => e);
    expect(err).to.equal(napcatError);
  });
});
