// Turns validation problems into log lines: one per rejected value or broken file, and one
// per file for all its unknown keys, so a typo-ridden file does not flood NapCat's log.
import type { Logger } from '../logger';
import { describeProblem, type ConfigProblem } from './validate';

export function reportProblems(problems: readonly ConfigProblem[], logger: Logger): void {
  const unknownBySource = new Map<string, string[]>();
  for (const p of problems) {
    if (p.kind === 'unknown') {
      unknownBySource.set(p.source, [...(unknownBySource.get(p.source) ?? []), p.path]);
    } else if (p.kind === 'retired') {
      logger.warn(`配置项已停用 / retired config key: ${describeProblem(p)}`);
    } else if (p.kind === 'malformed') {
      logger.warn(`配置文件无法使用，已跳过 / config file unusable, skipped: ${describeProblem(p)}`);
    } else {
      logger.warn(`配置值无效，沿用下层的值 / invalid config value, keeping the lower layer's value: ${describeProblem(p)}`);
    }
  }
  for (const [source, keys] of unknownBySource) {
    logger.warn(`未知配置项，已忽略 / unknown config keys, ignored: ${source}: ${keys.join(', ')}`);
  }
}
