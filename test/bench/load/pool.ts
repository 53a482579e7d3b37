/**
 * Runs many small async jobs with at most `concurrency` in flight (sessions, conversations and
 * sockets for thousands of visitors), and tells how many succeeded, failed (by error code) and
 * how fast they went. Stops starting new jobs once `deadline` (a `performance.now()` time) passed.
 */
import { LoadRequestError } from './api.ts';

export interface PoolResult<T> {
  /** Results of the jobs that succeeded, in the order of their inputs (failed ones left out). */
  done: T[];
  /** Failures by code (`SDK_CLIENT_NOT_FOUND`, `ECONNRESET`, `CLOSE_1013`, …). */
  failed: Map<string, number>;
  /** Jobs per second over the whole run. */
  perSecond: number;
  ms: number;
}

export async function runPool<I, T>(inputs: readonly I[], concurrency: number, job: (input: I) => Promise<T>, deadline = Infinity): Promise<PoolResult<T>> {
  const results: (T | undefined)[] = new Array(inputs.length);
  const failed = new Map<string, number>();
  let next = 0;
  let succeeded = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < inputs.length && performance.now() < deadline) {
      const i = next++;
      try {
        results[i] = await job(inputs[i]!);
        succeeded++;
      } catch (error) {
        const code = error instanceof LoadRequestError ? error.code : error instanceof Error ? error.name : 'UNKNOWN';
        failed.set(code, (failed.get(code) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, inputs.length) }, worker));
  const ms = performance.now() - start;
  return { done: results.filter((r): r is T => r !== undefined), failed, perSecond: ms > 0 ? (succeeded * 1000) / ms : Number.NaN, ms };
}

/** `a` plus `b`, per code. */
export function addCounts(a: Map<string, number>, b: Map<string, number>): Map<string, number> {
  const sum = new Map(a);
  for (const [code, n] of b) sum.set(code, (sum.get(code) ?? 0) + n);
  return sum;
}

export const total = (counts: Map<string, number>): number => [...counts.values()].reduce((s, n) => s + n, 0);

/** `CODE ×n, CODE ×m` for a person reading the log. */
export const describeCounts = (counts: Map<string, number>): string =>
  counts.size === 0 ? 'none' : [...counts].map(([code, n]) => `${code} ×${n}`).join(', ');
