import { expect } from 'chai';
import { PathMap } from '../../src/proxy/path-map';
import { laneHoldMs, napcatSendTimeoutMs } from '../../src/proxy/napcat-timeout';

describe('proxy/path-map', () => {
  it('is the identity without pairs', () => {
    const map = new PathMap([]);
    expect(map.explicit).to.equal(false);
    expect(map.toNapcat('/data/cache/x.png')).to.equal('/data/cache/x.png');
    expect(map.toHost('/app/x')).to.equal('/app/x');
  });

  it('maps by the longest matching prefix, on path boundaries only', () => {
    const map = new PathMap(['/data=/mnt', '/data/cache/=/app/napcat/cache']);
    expect(map.toNapcat('/data/cache/content/ab/x.png')).to.equal('/app/napcat/cache/content/ab/x.png');
    expect(map.toNapcat('/data/other')).to.equal('/mnt/other');
    expect(map.toNapcat('/database/x'), 'not a boundary').to.equal(undefined);
    expect(map.toHost('/app/napcat/cache/y')).to.equal('/data/cache/y');
    expect(map.toHost('/elsewhere/y')).to.equal('/elsewhere/y');
  });

  it('maps the root as a prefix of everything', () => {
    const map = new PathMap(['/=/mnt/host']);
    expect(map.toNapcat('/tmp/x.png')).to.equal('/mnt/host/tmp/x.png');
    expect(map.toHost('/mnt/host/tmp/x.png')).to.equal('/tmp/x.png');
  });

  it('writes Windows separators for a Windows NapCat', () => {
    const map = new PathMap(['/srv/cache=C:\\napcat\\cache']);
    expect(map.toNapcat('/srv/cache/content/ab/x.png')).to.equal('C:\\napcat\\cache\\content\\ab\\x.png');
  });
});

describe('proxy/napcat-timeout', () => {
  const config = { baseMs: 10_000, uploadSpeedKBps: 256, maxMs: 1_800_000 };
  it('is NapCat\'s calculateTimeout: base + size at the upload speed, capped', () => {
    expect(napcatSendTimeoutMs(config, 0)).to.equal(10_000);
    expect(napcatSendTimeoutMs(config, 512 * 1024)).to.equal(12_000);
    expect(napcatSendTimeoutMs(config, 10 * 1024 * 1024 * 1024)).to.equal(1_800_000);
  });
  it('a positive per-request timeout replaces it, still capped', () => {
    expect(napcatSendTimeoutMs(config, 512 * 1024, 3000)).to.equal(3000);
    expect(napcatSendTimeoutMs(config, 0, '5000')).to.equal(5000);
    expect(napcatSendTimeoutMs(config, 0, 99_999_999)).to.equal(1_800_000);
    expect(napcatSendTimeoutMs(config, 0, 0)).to.equal(10_000);
  });
  it('a lane holds a send for the timeout plus a fifth of it (at least 2 s) for NapCat\'s work before its timer', () => {
    expect(laneHoldMs(config, 0)).to.equal(12_000);
    expect(laneHoldMs(config, 0, 60_000)).to.equal(72_000);
  });
});
