/**
 * The logging port. main.ts binds it to pino; tests bind it to a capture. Fields are structured;
 * never log secrets, tokens or key material — `redactSecrets` is applied by the pino binding too.
 */
export interface Logger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
  child(fields: Record<string, unknown>): Logger;
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

export interface CapturedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

/** A logger that keeps every line in memory (tests assert on it, e.g. that no token is logged). */
export function captureLogger(lines: CapturedLine[] = [], base: Record<string, unknown> = {}): Logger & { lines: CapturedLine[] } {
  const make = (level: CapturedLine['level']) => (fields: Record<string, unknown>, message: string) => {
    lines.push({ level, fields: { ...base, ...fields }, message });
  };
  return {
    lines,
    debug: make('debug'),
    info: make('info'),
    warn: make('warn'),
    error: make('error'),
    child: (fields) => captureLogger(lines, { ...base, ...fields }),
  };
}
