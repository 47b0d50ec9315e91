// The proxy's log: one line per message on stderr, with the time and level; debug lines
// only with `debug: true` in the config.
import type { Logger } from '../logger';

export function consoleLogger(debug: boolean, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const line = (level: string) => (...args: unknown[]) =>
    write(`${new Date().toISOString()} ${level} ${args.map((a) => (a instanceof Error ? a.stack ?? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
  return { debug: debug ? line('DEBUG') : () => {}, info: line('INFO'), warn: line('WARN'), error: line('ERROR') };
}
