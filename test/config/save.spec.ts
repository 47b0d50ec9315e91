import { expect } from 'chai';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CONFIG, cloneConfig, loadConfig, saveWebUiConfig } from '../../src/config';
import { recordingLogger } from './recording-logger';

describe('config/save saveWebUiConfig', () => {
  let root: string;
  let pluginPath: string;
  let dataPath: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'mc-save-'));
    pluginPath = path.join(root, 'plugin');
    dataPath = path.join(root, 'data'); // not created: the save must create it
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes only config.json, only the fields that differ from the lower layers, and round-trips', async () => {
    const lower = cloneConfig(DEFAULT_CONFIG);
    lower.graceSeconds = 60;
    const cfg = cloneConfig(lower);
    cfg.maxEntries = 10;
    cfg.retry.maxDelayMs = 9000;
    const saved = await saveWebUiConfig(dataPath, cfg, lower);
    expect(saved).to.deep.equal({ maxEntries: 10, retry: { maxDelayMs: 9000 } });
    expect(await readdir(dataPath)).to.deep.equal(['config.json']);
    expect(JSON.parse(await readFile(path.join(dataPath, 'config.json'), 'utf8'))).to.deep.equal(saved);

    // Reloading with the same lower layer reproduces the saved effective config.
    await writeFile(path.join(dataPath, 'plugin.json'), JSON.stringify({ graceSeconds: 60 }));
    const { logger, lines } = recordingLogger();
    const loaded = await loadConfig({ pluginPath, dataPath }, logger);
    expect(lines).to.deep.equal([]);
    expect(loaded.config).to.deep.equal(cfg);
  });

  it('writes {} when nothing differs, replacing an older file', async () => {
    await saveWebUiConfig(dataPath, { ...DEFAULT_CONFIG, debug: true }, DEFAULT_CONFIG);
    await saveWebUiConfig(dataPath, DEFAULT_CONFIG, DEFAULT_CONFIG);
    expect(JSON.parse(await readFile(path.join(dataPath, 'config.json'), 'utf8'))).to.deep.equal({});
  });

  it('is atomic: a concurrent reader only ever sees a complete file, and no temp file is left', async () => {
    const file = path.join(dataPath, 'config.json');
    // Large-ish distinct contents make a torn write visible if there were one.
    const variants = Array.from({ length: 40 }, (_, i) => ({
      ...cloneConfig(DEFAULT_CONFIG),
      cacheDir: `dir-${i}-${'x'.repeat(3000)}`,
      maxEntries: i + 1,
    }));
    await saveWebUiConfig(dataPath, variants[0], DEFAULT_CONFIG);
    let writing = true;
    let reads = 0;
    const reader = (async () => {
      while (writing) {
        const text = await readFile(file, 'utf8');
        const parsed = JSON.parse(text); // throws on a partial file
        expect(parsed.cacheDir).to.match(/^dir-\d+-x{3000}$/);
        reads++;
      }
    })();
    for (const v of variants) await saveWebUiConfig(dataPath, v, DEFAULT_CONFIG);
    writing = false;
    await reader;
    expect(reads).to.be.greaterThan(0);
    expect(await readdir(dataPath)).to.deep.equal(['config.json']);
    expect(JSON.parse(await readFile(file, 'utf8')).maxEntries).to.equal(40);
  });

  it('removes its temp file when the rename fails', async () => {
    // rename(file, non-empty directory) fails on every platform.
    await mkdir(path.join(dataPath, 'config.json', 'inner'), { recursive: true });
    let error: unknown;
    await saveWebUiConfig(dataPath, DEFAULT_CONFIG, DEFAULT_CONFIG).catch((err: unknown) => {
      error = err;
    });
    expect(error).to.be.instanceOf(Error);
    expect(await readdir(dataPath)).to.deep.equal(['config.json']);
  });
});
