import { expect } from 'chai';
describe('toolchain', () => {
  it('runs TypeScript specs through tsx', () => {
    const n: number = 1;
    expect(n).to.equal(1);
  });
});
