// The configuration the running plugin reads. Consumers subscribe instead of caching
// values, so a change from the WebUI (cap, grace, retry…) applies without a reload and
// without dropping the leases that a reload would tear down.
import type { Logger } from '../logger';
import { freezeConfig, type MediaCacheConfig } from './defaults';
import { FIELDS, readField, sameFieldValue, type FieldPath } from './fields';
import { reportProblems } from './report';
import { applyLayer, type ConfigProblem } from './validate';

export type ConfigListener = (
  next: Readonly<MediaCacheConfig>,
  previous: Readonly<MediaCacheConfig>,
  changed: readonly FieldPath[],
) => void;

export interface ApplyResult {
  changed: FieldPath[];
  problems: ConfigProblem[];
}

export class LiveConfig {
  #current: Readonly<MediaCacheConfig>;
  readonly #listeners = new Set<ConfigListener>();
  readonly #logger: Logger;

  constructor(initial: Readonly<MediaCacheConfig>, logger: Logger) {
    this.#current = freezeConfig(initial);
    this.#logger = logger;
  }

  /** Frozen; replaced (never mutated) by `apply`. */
  get current(): Readonly<MediaCacheConfig> {
    return this.#current;
  }

  /**
   * Validates `partial` over the current config (flat WebUI form or nested), keeps the
   * current value of every rejected field and logs it, then notifies listeners once if
   * anything changed.
   */
  apply(partial: unknown, source = 'WebUI'): ApplyResult {
    const result = applyLayer(this.#current, partial, source);
    reportProblems(result.problems, this.#logger);
    const previous = this.#current;
    const changed = FIELDS.map((f) => f.path).filter((p) => !sameFieldValue(readField(result.config, p), readField(previous, p)));
    if (changed.length === 0) return { changed, problems: result.problems };
    this.#current = freezeConfig(result.config);
    for (const listener of [...this.#listeners]) {
      try {
        listener(this.#current, previous, changed);
      } catch (err) {
        // One faulty consumer must not keep the others on stale values.
        this.#logger.error(`配置变更回调出错 / config change listener failed: ${(err as Error)?.message ?? String(err)}`);
      }
    }
    return { changed, problems: result.problems };
  }

  /** Returns the unsubscribe function. */
  onChange(listener: ConfigListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }
}
