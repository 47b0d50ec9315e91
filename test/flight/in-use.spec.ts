import { expect } from 'chai';
import { FileInUseError, isInUse, retryWhileInUse } from '../../src/flight/in-use';

const errno = (code: string) => Object.assign(new Error(code), { code });

describe('retryWhileInUse', () => {
  it('takes EBUSY, EPERM and EACCES as "in use", nothing else', () => {
    expect(['EBUSY', 'EPERM', 'EACCES', 'ENOENT', 'EIO'].map((c) => isInUse(errno(c)))).to.deep.equal([true, true, true, false, false]);
  });

  it('tries again with doubling waits until the file is free', async () => {
    const waits: number[] = [];
    let calls = 0;
    const value = await retryWhileInUse(
      '/f',
      async () => {
        if (++calls < 4) throw errno(calls === 2 ? 'EPERM' : 'EBUSY');
        return 'placed';
      },
      { firstDelayMs: 10, maxDelayMs: 25, budgetMs: 1000, sleep: async (ms) => void waits.push(ms), now: () => waits.reduce((a, b) => a + b, 0) },
    );
    expect(value).to.equal('placed');
    expect(waits).to.deep.equal([10, 20, 25]);
  });

  it('gives up with FileInUseError once the budget is spent, and passes any other error at once', async () => {
    let clock = 0;
    const options = { firstDelayMs: 100, maxDelayMs: 100, budgetMs: 350, sleep: async (ms: number) => void (clock += ms), now: () => clock };
    const err = await retryWhileInUse('/f', () => Promise.reject(errno('EBUSY')), options).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(FileInUseError);
    expect((err as FileInUseError).cause).to.have.property('code', 'EBUSY');
    expect(clock).to.equal(300);
    const gone = errno('ENOENT');
    expect(await retryWhileInUse('/f', () => Promise.reject(gone), options).catch((e: unknown) => e)).to.equal(gone);
  });
});
