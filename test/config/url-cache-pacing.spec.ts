import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CONFIG, LiveConfig, applyLayer, saveWebUiConfig, toWebUiValues } from '../../src/config';
import { reportProblems } from '../../src/config/report';
import { recordingLogger } from './recording-logger';

const SRC = '/data/plugin.json';
const WEEK = 7 * 86400;

describe('config: urlCache and pacing', () => {
  it('defaults: the HTTP cache on with no rules, pacing off', () => {
    expect(DEFAULT_CONFIG.urlCache).to.deep.equal({ enabled: true, timeoutSeconds: 60, rules: [] });
    expect(DEFAULT_CONFIG.pacing).to.deep.equal({ mediaSendsPerSecond: 0, burst: 1 });
  });

  it('an existing config with urlCoalesceSeconds still loads: the key is ignored and reported once as retired, bilingually', () => {
    const r = applyLayer(DEFAULT_CONFIG, { urlCoalesceSeconds: 10, graceSeconds: 5 }, SRC);
    expect(r.config.graceSeconds).to.equal(5);
    expect(r.config).to.not.have.property('urlCoalesceSeconds');
    expect(r.problems).to.have.length(1);
    expect(r.problems[0]).to.include({ kind: 'retired', path: 'urlCoalesceSeconds', source: SRC });
    const { logger, lines } = recordingLogger();
    reportProblems(r.problems, logger);
    expect(lines).to.have.length(1);
    expect(lines[0].level).to.equal('warn');
    expect(lines[0].text).to.match(/^配置项已停用 \/ retired config key: \/data\/plugin\.json: urlCoalesceSeconds: 已停用并忽略.* \/ retired and ignored/);
    expect(lines[0].text).to.include('urlCache.rules');
  });

  it('urlCache.rules from a file (an array) and from the WebUI form (its JSON text)', () => {
    const rules = [{ match: 'https://img.example.com/*', minFreshSeconds: WEEK }];
    const fromFile = applyLayer(DEFAULT_CONFIG, { urlCache: { rules } }, SRC);
    const fromForm = applyLayer(DEFAULT_CONFIG, { 'urlCache.rules': JSON.stringify(rules) }, 'WebUI');
    for (const r of [fromFile, fromForm]) {
      expect(r.problems).to.deep.equal([]);
      expect(r.config.urlCache.rules).to.deep.equal(rules);
      expect(r.set).to.deep.equal(['urlCache.rules']);
    }
    expect(toWebUiValues(fromFile.config)['urlCache.rules']).to.equal(JSON.stringify(rules));
  });

  const bad: [string, unknown][] = [
    ['not an array', { match: 'x', minFreshSeconds: 1 }],
    ['not JSON', '[{match:'],
    ['an empty match', [{ match: '', minFreshSeconds: 1 }]],
    ['a fractional lifetime', [{ match: 'x', minFreshSeconds: 1.5 }]],
    ['a lifetime over a year', [{ match: 'x', minFreshSeconds: 366 * 86400 }]],
    ['an unknown key', [{ match: 'x', minFreshSeconds: 1, maxAge: 3 }]],
  ];
  for (const [name, rules] of bad) {
    it(`rejects urlCache.rules with ${name}, keeping the lower layer's rules`, () => {
      const r = applyLayer(DEFAULT_CONFIG, { urlCache: { rules } }, SRC);
      expect(r.config.urlCache.rules).to.deep.equal([]);
      expect(r.problems).to.have.length(1);
      expect(r.problems[0]).to.include({ kind: 'invalid', path: 'urlCache.rules' });
      expect(r.problems[0].message).to.match(/^需要.* \/ must be an array/);
    });
  }

  it('pacing fields are validated like every integer field', () => {
    const r = applyLayer(DEFAULT_CONFIG, { pacing: { mediaSendsPerSecond: 10, burst: 0 } }, SRC);
    expect(r.config.pacing).to.deep.equal({ mediaSendsPerSecond: 10, burst: 1 });
    expect(r.problems.map((p) => p.path)).to.deep.equal(['pacing.burst']);
  });

  it('a WebUI save of unchanged rules changes nothing; new rules apply live and are saved as an array', async () => {
    const live = new LiveConfig(DEFAULT_CONFIG, recordingLogger().logger);
    expect(live.apply({ 'urlCache.rules': '[]' }).changed).to.deep.equal([]);
    const rules = [{ match: 'https://cdn.example.com/*', minFreshSeconds: 3600 }];
    expect(live.apply({ 'urlCache.rules': JSON.stringify(rules), 'pacing.mediaSendsPerSecond': 5 }).changed).to.deep.equal([
      'urlCache.rules',
      'pacing.mediaSendsPerSecond',
    ]);
    expect(Object.isFrozen(live.current.urlCache.rules[0])).to.equal(true);
    const dataPath = await mkdtemp(path.join(os.tmpdir(), 'mc-config-'));
    try {
      await saveWebUiConfig(dataPath, live.current, DEFAULT_CONFIG);
      const saved = JSON.parse(await readFile(path.join(dataPath, 'config.json'), 'utf8'));
      expect(saved).to.deep.equal({ urlCache: { rules }, pacing: { mediaSendsPerSecond: 5 } });
    } finally {
      await rm(dataPath, { recursive: true, force: true });
    }
  });
});
