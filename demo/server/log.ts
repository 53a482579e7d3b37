/**
 * The server's one logger: one JSON object per line on stderr (`time`, `level`, `msg`, and for
 * a failure `error: { name, message, stack }`), so a log pipeline can parse it. Silenced by
 * `config.log = false` (tests). Secrets are redacted from every string before it is written
 * (`redact.ts`): a token in a path or an error message must not end up in a log file.
 */
import { redactSecrets } from './redact.ts';

export interface Logger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Where log lines go (one line each, newline included). @default process.stderr */
export type LogSink = (line: string) => void;

const toStderr: LogSink = (line) => void process.stderr.write(line);

export function createLogger(enabled: boolean, sink: LogSink = toStderr): Logger {
  if (!enabled) return { info() {}, error() {} };
  const write = (entry: Record<string, unknown>) => sink(`${redactSecrets(JSON.stringify({ time: new Date().toISOString(), ...entry }))}\n`);
  return {
    info: (msg) => write({ level: 'info', msg }),
    error: (msg, error) => write({ level: 'error', msg, ...(error === undefined ? {} : { error: describe(error) }) }),
  };
}

function describe(error: unknown): Record<string, string> {
  if (error instanceof Error) return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  return { message: String(error) };
}
