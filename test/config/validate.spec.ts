import { expect } from 'chai';
import { DEFAULT_CONFIG, applyLayer, describeProblem } from '../../src/config';

const SRC = '/data/plugin.json';

describe('config/validate applyLayer', () => {
  it('applies valid nested values over the base and lists what it set', () => {
    const r = applyLayer(DEFAULT_CONFIG, { maxEntries: 10, retry: { maxAttempts: 5 }, cacheDir: 'store' }, SRC);
    expect(r.problems).to.deep.equal([]);
    expect(r.config.maxEntries).to.equal(10);
    expect(r.config.retry).to.deep.equal({ maxAttempts: 5, baseDelayMs: 300, maxDelayMs: 5000 });
    expect(r.config.cacheDir).to.equal('store');
    expect(r.set).to.have.members(['maxEntries', 'retry.maxAttempts', 'cacheDir']);
    expect(DEFAULT_CONFIG.maxEntries).to.equal(2000); // base untouched
  });

  // Each row: input, field path, the value the base keeps.
  const invalid: [string, Record<string, unknown>, string][] = [
    ['string for an integer', { retry: { maxAttempts: 'abc' } }, 'retry.maxAttempts'],
    ['integer above range', { retry: { maxAttempts: 11 } }, 'retry.maxAttempts'],
    ['fraction for an integer', { maxEntries: 1.5 }, 'maxEntries'],
    ['negative', { graceSeconds: -1 }, 'graceSeconds'],
    ['numeric string', { maxCacheBytes: '536870912' }, 'maxCacheBytes'],
    ['bytes below range', { maxPayloadBytes: 10 }, 'maxPayloadBytes'],
    ['null', { idleTtlSeconds: null }, 'idleTtlSeconds'],
    ['string for a boolean', { enabled: 'yes' }, 'enabled'],
    ['number for a boolean', { debug: 1 }, 'debug'],
    ['number for a string', { cacheDir: 5 }, 'cacheDir'],
    ['relative cacheDir leaving dataPath', { cacheDir: '../elsewhere' }, 'cacheDir'],
    ['array for an integer', { maxConcurrentUploads: [4] }, 'maxConcurrentUploads'],
  ];
  for (const [name, input, path] of invalid) {
    it(`rejects ${name}: keeps the lower value and names ${path}`, () => {
      const r = applyLayer(DEFAULT_CONFIG, input, SRC);
      expect(r.config).to.deep.equal(DEFAULT_CONFIG);
      expect(r.set).to.deep.equal([]);
      expect(r.problems).to.have.length(1);
      const [p] = r.problems;
      expect(p).to.include({ kind: 'invalid', path, source: SRC });
      expect(describeProblem(p)).to.match(new RegExp(`^${SRC}: ${path.replace('.', '\\.')}: .+ / .+, got `));
    });
  }

  it('formats the message the operator reads', () => {
    const [p] = applyLayer(DEFAULT_CONFIG, { retry: { maxAttempts: 'abc' } }, SRC).problems;
    expect(describeProblem(p)).to.equal(`${SRC}: retry.maxAttempts: 需要 1–10 的整数 / must be an integer 1–10, got "abc"`);
  });

  it('keeps valid siblings of an invalid value', () => {
    const r = applyLayer(DEFAULT_CONFIG, { retry: { maxAttempts: 0, baseDelayMs: 100 }, maxEntries: 7 }, SRC);
    expect(r.config.retry.maxAttempts).to.equal(3);
    expect(r.config.retry.baseDelayMs).to.equal(100);
    expect(r.config.maxEntries).to.equal(7);
    expect(r.problems.map((p) => p.path)).to.deep.equal(['retry.maxAttempts']);
  });

  it('allows an absolute cacheDir anywhere and a relative one inside dataPath', () => {
    expect(applyLayer(DEFAULT_CONFIG, { cacheDir: '/srv/media' }, SRC).config.cacheDir).to.equal('/srv/media');
    expect(applyLayer(DEFAULT_CONFIG, { cacheDir: 'a/../b' }, SRC).config.cacheDir).to.equal('a/../b');
  });

  it('reports a non-object group, and unknown keys at both levels', () => {
    const r = applyLayer(DEFAULT_CONFIG, { retry: 5, cacheDri: 'x', nested: { a: 1 } }, SRC);
    expect(r.problems.map((p) => [p.kind, p.path])).to.deep.equal([
      ['invalid', 'retry'],
      ['unknown', 'cacheDri'],
      ['unknown', 'nested'],
    ]);
    const r2 = applyLayer(DEFAULT_CONFIG, { retry: { maxAttempt: 2 } }, SRC);
    expect(r2.problems.map((p) => [p.kind, p.path])).to.deep.equal([['unknown', 'retry.maxAttempt']]);
  });

  it('rejects a non-object file as a whole', () => {
    for (const raw of [[1, 2], 'text', null, 42]) {
      const r = applyLayer(DEFAULT_CONFIG, raw, SRC);
      expect(r.config).to.deep.equal(DEFAULT_CONFIG);
      expect(r.problems.map((p) => p.kind)).to.deep.equal(['malformed']);
    }
  });

  it('accepts the flat WebUI form and ignores its display-only items', () => {
    const r = applyLayer(DEFAULT_CONFIG, { 'retry.maxAttempts': 6, _html_ab12: undefined, _text_cd34: 'x', debug: true }, 'WebUI');
    expect(r.problems).to.deep.equal([]);
    expect(r.config.retry.maxAttempts).to.equal(6);
    expect(r.config.debug).to.equal(true);
  });

  it('undoes both retry delays of a layer when maxDelayMs < baseDelayMs', () => {
    const base = applyLayer(DEFAULT_CONFIG, { retry: { baseDelayMs: 200, maxDelayMs: 1000 } }, 'lower').config;
    const both = applyLayer(base, { retry: { baseDelayMs: 900, maxDelayMs: 800 } }, SRC);
    expect(both.config.retry).to.deep.equal({ maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 1000 });
    expect(both.problems.map((p) => p.path)).to.deep.equal(['retry.maxDelayMs']);
    const one = applyLayer(base, { retry: { maxDelayMs: 100 } }, SRC);
    expect(one.config.retry).to.deep.equal(base.retry);
    expect(one.set).to.deep.equal([]);
  });

  // JSON.parse makes "__proto__" an own key; copied into a plain object it sets the prototype
  // instead, and every field then reads through it.
  const protoCases: [string, string, string][] = [
    ['a top-level __proto__', '{"__proto__": {"enabled": false, "maxEntries": 7}}', '__proto__'],
    ['a flat "retry.__proto__"', '{"retry.__proto__": {"maxAttempts": 9}}', 'retry.__proto__'],
    ['a nested retry.__proto__', '{"retry": {"__proto__": {"maxAttempts": 9}}}', 'retry.__proto__'],
    ['constructor and prototype keys', '{"constructor": {"prototype": {"enabled": false}}}', 'constructor'],
  ];
  for (const [name, json, path] of protoCases) {
    it(`reports and ignores ${name} like any unknown key`, () => {
      const r = applyLayer(DEFAULT_CONFIG, JSON.parse(json), SRC);
      expect(r.config).to.deep.equal(DEFAULT_CONFIG);
      expect(r.set).to.deep.equal([]);
      expect(r.problems.map((p) => [p.kind, p.path])).to.deep.equal([['unknown', path]]);
      expect(({} as Record<string, unknown>).enabled, 'Object.prototype untouched').to.equal(undefined);
    });
  }
});
