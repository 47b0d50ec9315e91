import { expect } from 'chai';
import { silentLogger } from '../../src/logger';
import { AddedLatency } from '../../src/napcat/added-latency';
import { SendScopes } from '../../src/napcat/send-scopes';
import { MediaStats } from '../../src/stats';

describe('napcat/added-latency AddedLatency', () => {
  const setup = () => {
    const scopes = new SendScopes({ logger: silentLogger, maxAgeMs: () => 60_000 });
    const stats = new MediaStats({ version: 'test' });
    return { scopes, stats, latency: new AddedLatency(scopes, stats), samples: () => stats.snapshot().addedLatencyMs };
  };

  it('one sample per segment: its resolver time plus its upload time, two equal segments paired in order', async () => {
    const { scopes, latency, samples } = setup();
    await scopes.run(async () => {
      latency.resolved('/store/a.png', 2);
      latency.resolved('/store/a.png', 30);
      latency.resolved('/store/b.png', 5);
      latency.uploaded('/store/a.png', 1);
      latency.uploaded('/store/b.png', 4);
      latency.uploaded('/store/a.png', 10);
    });
    expect(samples().count).to.equal(3);
    expect(samples().max).to.be.closeTo(40, 2);
  });

  it('scopes do not share pending resolver times; outside a scope each call is its own sample', async () => {
    const { scopes, latency, samples } = setup();
    await scopes.run(async () => latency.resolved('/store/a.png', 50));
    await scopes.run(async () => latency.uploaded('/store/a.png', 1));
    latency.resolved('/store/c.png', 3);
    expect(samples().count).to.equal(2);
    expect(samples().max).to.be.closeTo(3, 0.2);
  });
});
