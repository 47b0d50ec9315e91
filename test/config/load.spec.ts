import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG, loadConfig, resolveCacheDir } from '../../src/config';
import { recordingLogger } from './recording-logger';

describe('config/load loadConfig', () => {
  let root: string;
  let pluginPath: string;
  let dataPath: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'mc-config-'));
    pluginPath = path.join(root, 'plugins', 'napcat-plugin-media-cache');
    dataPath = path.join(root, 'config', 'plugins', 'napcat-plugin-media-cache');
    await mkdir(pluginPath, { recursive: true });
    await mkdir(dataPath, { recursive: true });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const shipped = () => path.join(pluginPath, 'plugin.json');
  const operator = () => path.join(dataPath, 'plugin.json');
  const webui = () => path.join(dataPath, 'config.json');
  const put = (file: string, value: unknown) => writeFile(file, JSON.stringify(value));

  it('built-in defaults equal the shipped plugin.json (no drift between the two)', async () => {
    const repoPluginJson = JSON.parse(await readFile(fileURLToPath(new URL('../../plugin.json', import.meta.url)), 'utf8'));
    expect(repoPluginJson).to.deep.equal(DEFAULT_CONFIG);
  });

  it('with no files at all yields the defaults, silently', async () => {
    const { logger, lines } = recordingLogger();
    const r = await loadConfig({ pluginPath, dataPath }, logger);
    expect(r.config).to.deep.equal(DEFAULT_CONFIG);
    expect(lines).to.deep.equal([]);
    expect(Object.values(r.sources).every((s) => s === 'default')).to.equal(true);
  });

  it('applies defaults < shipped < dataPath/plugin.json < config.json, field by field', async () => {
    await put(shipped(), { maxEntries: 100, graceSeconds: 11, idleTtlSeconds: 12, retry: { maxAttempts: 2 } });
    await put(operator(), { graceSeconds: 21, idleTtlSeconds: 22, retry: { baseDelayMs: 50 } });
    await put(webui(), { idleTtlSeconds: 33, retry: { maxAttempts: 9 } });
    const { logger, lines } = recordingLogger();
    const r = await loadConfig({ pluginPath, dataPath }, logger);
    expect(lines).to.deep.equal([]);
    expect(r.config.maxEntries).to.equal(100); // shipped only
    expect(r.config.graceSeconds).to.equal(21); // operator beats shipped
    expect(r.config.idleTtlSeconds).to.equal(33); // WebUI beats both
    expect(r.config.retry).to.deep.equal({ maxAttempts: 9, baseDelayMs: 50, maxDelayMs: 5000 });
    expect(r.config.maxCacheBytes).to.equal(DEFAULT_CONFIG.maxCacheBytes); // nobody set it
    expect(r.sources).to.include({
      maxEntries: 'shipped',
      graceSeconds: 'operator',
      idleTtlSeconds: 'webui',
      'retry.maxAttempts': 'webui',
      'retry.baseDelayMs': 'operator',
      maxCacheBytes: 'default',
    });
    // `lower` is everything below the WebUI layer.
    expect(r.lower.idleTtlSeconds).to.equal(22);
    expect(r.lower.retry.maxAttempts).to.equal(2);
  });

  it('an invalid value keeps the lower layer\'s value and logs one line naming file and field', async () => {
    await put(shipped(), { graceSeconds: 11 });
    await put(operator(), { graceSeconds: 'soon', maxEntries: 5 });
    await put(webui(), { retry: { maxAttempts: 'abc' } });
    const { logger, lines } = recordingLogger();
    const r = await loadConfig({ pluginPath, dataPath }, logger);
    expect(r.config.graceSeconds).to.equal(11);
    expect(r.config.maxEntries).to.equal(5);
    expect(r.config.retry.maxAttempts).to.equal(DEFAULT_CONFIG.retry.maxAttempts);
    expect(lines.map((l) => l.level)).to.deep.equal(['warn', 'warn']);
    expect(lines[0].text).to.contain(`${operator()}: graceSeconds: `).and.contain('got "soon"');
    expect(lines[1].text).to.contain(`${webui()}: retry.maxAttempts: 需要 1–10 的整数 / must be an integer 1–10, got "abc"`);
    for (const l of lines) expect(l.text).to.match(/[\u4e00-\u9fff].* \/ [a-z]/);
  });

  it('reports unknown keys once per file, all keys on one line', async () => {
    await put(operator(), { maxEntrys: 5, retry: { tries: 2, maxAttempts: 4 }, colour: 'red' });
    await put(webui(), { foo: 1 });
    const { logger, lines } = recordingLogger();
    const r = await loadConfig({ pluginPath, dataPath }, logger);
    expect(r.config.retry.maxAttempts).to.equal(4);
    expect(lines).to.have.length(2);
    expect(lines[0].text).to.contain(`${operator()}: maxEntrys, retry.tries, colour`);
    expect(lines[1].text).to.contain(`${webui()}: foo`);
  });

  it('reports a malformed JSON file with its path and still applies the other layers', async () => {
    await put(shipped(), { maxEntries: 100 });
    await writeFile(operator(), '{ "graceSeconds": 5, }');
    await put(webui(), { debug: true });
    const { logger, lines } = recordingLogger();
    const r = await loadConfig({ pluginPath, dataPath }, logger);
    expect(r.config.maxEntries).to.equal(100);
    expect(r.config.graceSeconds).to.equal(DEFAULT_CONFIG.graceSeconds);
    expect(r.config.debug).to.equal(true);
    expect(lines).to.have.length(1);
    expect(lines[0].level).to.equal('warn');
    expect(lines[0].text).to.contain(operator()).and.contain('not valid JSON');
  });

  it('reads a file saved with a UTF-8 BOM', async () => {
    await writeFile(operator(), '\uFEFF{"maxEntries": 9}');
    const { logger, lines } = recordingLogger();
    expect((await loadConfig({ pluginPath, dataPath }, logger)).config.maxEntries).to.equal(9);
    expect(lines).to.deep.equal([]);
  });

  it('reports a config path that is a directory as unreadable', async () => {
    await mkdir(webui());
    const { logger, lines } = recordingLogger();
    const r = await loadConfig({ pluginPath, dataPath }, logger);
    expect(r.config).to.deep.equal(DEFAULT_CONFIG);
    expect(lines).to.have.length(1);
    expect(lines[0].text).to.contain(webui()).and.contain('EISDIR');
  });
});

describe('config/paths resolveCacheDir', () => {
  const dataPath = path.resolve('/napcat/config/plugins/x');
  it('defaults to <dataPath>/cache, resolves relative under dataPath, keeps absolute', () => {
    expect(resolveCacheDir('', dataPath)).to.equal(path.join(dataPath, 'cache'));
    expect(resolveCacheDir('media', dataPath)).to.equal(path.join(dataPath, 'media'));
    expect(resolveCacheDir(path.resolve('/srv/cache'), dataPath)).to.equal(path.resolve('/srv/cache'));
  });
});
