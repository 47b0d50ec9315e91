import { expect } from 'chai';
import { parseBenchArgs } from '../../bench/options';
import { SCENARIOS, selectScenarios } from '../../bench/matrix';

describe('bench options', () => {
  it('passes everything after "store" through to the store bench untouched', () => {
    expect(parseBenchArgs(['store', '--sizes', '1mb', '-x'])).to.deep.equal({ kind: 'store', args: ['--sizes', '1mb', '-x'] });
  });

  it('defaults to 5 repeats, 3 with --quick, and honours --repeats and --only', () => {
    const full = parseBenchArgs([]);
    const quick = parseBenchArgs(['--quick']);
    const picked = parseBenchArgs(['--repeats=7', '--only', 'b64-1mb-50,data-1mb-10']);
    if (full.kind !== 'matrix' || quick.kind !== 'matrix' || picked.kind !== 'matrix') throw new Error('expected matrix');
    expect(full.options.repeats).to.equal(5);
    expect(quick.options.repeats).to.equal(3);
    expect(picked.options.repeats).to.equal(7);
    expect(picked.options.only).to.deep.equal(['b64-1mb-50', 'data-1mb-10']);
  });

  it('rejects unknown flags and bad numbers with a bilingual message', () => {
    expect(() => parseBenchArgs(['--fast'])).to.throw(/未知选项 --fast \/ unknown option --fast/);
    expect(() => parseBenchArgs(['--repeats', '0'])).to.throw(/--repeats/);
  });
});

describe('bench matrix', () => {
  it('covers every axis of the issue at least once', () => {
    const sizes = new Set(SCENARIOS.map((s) => s.sizeBytes));
    const peers = new Set(SCENARIOS.map((s) => s.peers));
    expect([...sizes].sort()).to.include.members([1024 * 1024, 5 * 1024 * 1024]);
    expect([...peers]).to.include.members([10, 50, 200]);
    expect([...new Set(SCENARIOS.map((s) => s.distinct))].sort()).to.deep.equal([1, 10]);
    expect(new Set(SCENARIOS.map((s) => s.scheme))).to.have.all.keys('base64', 'data', 'http', 'path');
    expect([...new Set(SCENARIOS.map((s) => s.processes))].sort()).to.deep.equal([1, 4]);
    expect(new Set(SCENARIOS.map((s) => s.pattern))).to.have.all.keys('burst', 'spread', 'sequential');
    expect(new Set(SCENARIOS.map((s) => s.id)).size).to.equal(SCENARIOS.length);
  });

  it('selects the quick subset, or named ids, and names the known ids on a typo', () => {
    expect(selectScenarios(true, []).length).to.be.within(1, SCENARIOS.length - 1);
    expect(selectScenarios(false, ['data-1mb-10']).map((s) => s.id)).to.deep.equal(['data-1mb-10']);
    expect(() => selectScenarios(false, ['nope'])).to.throw(/unknown scenario: nope.*b64-1mb-50/);
  });
});
