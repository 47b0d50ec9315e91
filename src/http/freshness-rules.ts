// The operator's opt-in minimum freshness per URL pattern (`urlCache.rules`), for sources
// known never to change a published URL (NapCat #2057 asks for 7 days) whose server sends no
// or short cache headers. A rule extends freshness; it never makes a `no-store` response stored.

export interface FreshnessRule {
  /** A URL pattern: `*` matches any run of characters, everything else is literal. */
  match: string;
  /** A stored response of a matching URL counts as fresh for at least this long after it arrived. */
  minFreshSeconds: number;
}

export class FreshnessRules {
  readonly #compiled: { pattern: RegExp; ms: number }[];

  constructor(rules: readonly FreshnessRule[]) {
    this.#compiled = rules.map((rule) => ({ pattern: globToRegExp(rule.match), ms: rule.minFreshSeconds * 1000 }));
  }

  /** The longest minimum freshness any rule gives `url`, in ms; 0 when none matches. */
  minFreshMs(url: string): number {
    let ms = 0;
    for (const rule of this.#compiled) if (rule.ms > ms && rule.pattern.test(url)) ms = rule.ms;
    return ms;
  }
}

export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 's');
}
