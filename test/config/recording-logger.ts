import type { Logger } from '../../src/logger';

/** A Logger that keeps every line, by level, for assertions. */
export function recordingLogger() {
  const lines: { level: keyof Logger; text: string }[] = [];
  const at = (level: keyof Logger) => (...args: unknown[]) => {
    lines.push({ level, text: args.map(String).join(' ') });
  };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}
