// The logging surface every layer takes. NapCat's ctx.logger satisfies it; tests
// pass a recording fake. Nothing here knows NapCat.
export interface Logger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
