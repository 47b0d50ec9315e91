import { expect } from 'chai';
import { DEMO_DEFAULTS, parseDemoArgs } from '../../demo/options';

describe('demo options', () => {
  it('sends to every group at once unless --concurrency caps it', () => {
    expect(parseDemoArgs(['--peers', '80']).concurrency).to.equal(80);
    expect(parseDemoArgs(['--peers=80', '--concurrency', '8']).concurrency).to.equal(8);
    expect(parseDemoArgs([]).peers).to.equal(DEMO_DEFAULTS.peers);
  });

  it('reads sizes as 1mb, 5mb or bytes', () => {
    expect(parseDemoArgs(['--size', '5mb']).sizeBytes).to.equal(5 * 1024 * 1024);
    expect(parseDemoArgs(['--size', '300000']).sizeBytes).to.equal(300000);
    expect(() => parseDemoArgs(['--size', 'huge'])).to.throw(/cannot parse size "huge"/);
    expect(() => parseDemoArgs(['--size', '10'])).to.throw(/at least 1 KiB/);
  });

  it('accepts --spread-ms 0 (all at once) but not a negative or missing value', () => {
    expect(parseDemoArgs(['--spread-ms', '0']).spreadMs).to.equal(0);
    expect(() => parseDemoArgs(['--spread-ms', '-1'])).to.throw(/non-negative integer/);
    expect(() => parseDemoArgs(['--peers'])).to.throw(/got nothing/);
    expect(parseDemoArgs(['--help']).help).to.equal(true);
  });
});
