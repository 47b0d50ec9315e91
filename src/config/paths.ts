import path from 'node:path';

/** `<dataPath>/plugin.json` etc.: the files the loader reads, by layer. */
export function configFiles(pluginPath: string, dataPath: string) {
  return {
    shipped: path.join(pluginPath, 'plugin.json'),
    operator: path.join(dataPath, 'plugin.json'),
    webui: path.join(dataPath, 'config.json'),
  };
}

/** Empty = `<dataPath>/cache`; relative = under dataPath; absolute = as the operator wrote it. */
export function resolveCacheDir(cacheDir: string, dataPath: string): string {
  return path.resolve(dataPath, cacheDir === '' ? 'cache' : cacheDir);
}
