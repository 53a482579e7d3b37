/**
 * Retries for the call timers' database writes (extensions.md §15). A ring timeout or a drop
 * grace fires once; if its write fails (a pool blip, a busy PGlite) and nobody tries again, the
 * call stays live for good. A few attempts with growing pauses ride out a blip; the periodic
 * sweep in service.ts catches whatever still slips through.
 */

/** Pauses between attempts: four attempts in all, about 6 s from first to last. */
export const TIMER_RETRY_DELAYS_MS: readonly number[] = [250, 1000, 5000];

export interface Retrier {
  /**
   * Runs `work` until it resolves, pausing `delays[i]` after the i-th failure; the last failure
   * is thrown. Stops early (resolving) once `stopped()` says so, e.g. at shutdown: the restarted
   * server re-arms the timers from the database.
   */
  run(work: () => Promise<unknown>, stopped: () => boolean): Promise<void>;
  /** Ends every pause now (shutdown does not wait for a backoff). */
  wake(): void;
}

export function createRetrier(delays: readonly number[], onRetry: (error: unknown, attempt: number) => void): Retrier {
  const pauses = new Map<NodeJS.Timeout, () => void>();
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        pauses.delete(timer);
        resolve();
      }, ms);
      pauses.set(timer, resolve);
    });
  return {
    async run(work, stopped) {
      for (let attempt = 0; ; attempt++) {
        if (stopped()) return;
        try {
          await work();
          return;
        } catch (error) {
          const delay = delays[attempt];
          if (delay === undefined) throw error;
          onRetry(error, attempt + 1);
          await pause(delay);
        }
      }
    },
    wake() {
      for (const [timer, resolve] of pauses) {
        clearTimeout(timer);
        resolve();
      }
      pauses.clear();
    },
  };
}
