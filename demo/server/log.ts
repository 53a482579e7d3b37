/** The server's one logger: lines to stderr, silenced by `config.log = false` (tests). */
export interface Logger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export function createLogger(enabled: boolean): Logger {
  if (!enabled) return { info() {}, error() {} };
  return {
    info: (message) => process.stderr.write(`[ringnity] ${message}\n`),
    error: (message, error) =>
      process.stderr.write(`[ringnity] ${message}${error ? `\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}` : ''}\n`),
  };
}
