// Where a path on the proxy's machine appears inside NapCat (a shared Docker volume), by
// the longest matching `host=napcat` prefix. Without pairs both sides see the same paths.
import { pathPair } from './config/validate';

interface Pair {
  host: string;
  napcat: string;
}

export class PathMap {
  readonly #pairs: Pair[];

  constructor(pairs: readonly string[]) {
    this.#pairs = pairs
      .map((p) => pathPair(p))
      .filter((p): p is Pair => p !== undefined)
      .map((p) => ({ host: trimEnd(p.host), napcat: trimEnd(p.napcat) }));
  }

  /** The operator said where the store appears in NapCat. */
  get explicit(): boolean {
    return this.#pairs.length > 0;
  }

  /** NapCat's path for `hostPath`; undefined when explicit pairs do not cover it. */
  toNapcat(hostPath: string): string | undefined {
    if (!this.explicit) return hostPath;
    const pair = longest(this.#pairs, 'host', hostPath);
    return pair ? join(pair.napcat, hostPath.slice(pair.host.length)) : undefined;
  }

  /** The proxy's path for a path NapCat was given; itself when no pair covers it. */
  toHost(napcatPath: string): string {
    const pair = longest(this.#pairs, 'napcat', napcatPath);
    return pair ? join(pair.host, napcatPath.slice(pair.napcat.length)) : napcatPath;
  }
}

function longest(pairs: readonly Pair[], side: keyof Pair, path: string): Pair | undefined {
  return pairs
    .filter((p) => path === p[side] || path.startsWith(`${p[side]}/`) || path.startsWith(`${p[side]}\\`))
    .sort((a, b) => b[side].length - a[side].length)[0];
}

/** Without trailing separators; the root `/` becomes '' so that every path continues it. */
function trimEnd(p: string): string {
  return p.replace(/[\\/]+$/, '');
}

/** Appends a rest that starts with a separator (or is empty), in the target's own separator. */
function join(prefix: string, rest: string): string {
  const windows = /^[A-Za-z]:[\\/]/.test(prefix);
  return prefix + (windows ? rest.replace(/\//g, '\\') : rest.replace(/\\/g, '/'));
}
