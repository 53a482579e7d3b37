/**
 * The one logger of the runtime. Silent unless the caller asked for `debug: true`, so the core
 * never adds console noise to a host page.
 */
export type Logger = (...args: unknown[]) => void;

/** A logger that writes to `console.debug` with a `[ringnity]` prefix, or does nothing. */
export const createLogger =
  (enabled = false): Logger =>
  (...args) =>
    // The single place the core may write to the console.
    enabled && console.debug('[ringnity]', ...args);
