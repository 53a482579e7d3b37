/**
 * The load bench's knobs, from the environment (all optional):
 * - `BENCH_LOAD_STEPS` visitor sockets per step, comma-separated (default `500,1000,2000,3500,5000`);
 *   develop with `100,300`.
 * - `BENCH_LOAD_INTERVAL_MS` one message per visitor per this many ms (default 10000).
 * - `BENCH_LOAD_WINDOW_MS` how long each step sends (default 15000).
 * - `BENCH_LOAD_CONCURRENCY` sessions / conversations / sockets set up at once (default 50).
 * - `BENCH_LOAD_AGENTS` agent sockets per server (default 1).
 * - `BENCH_LOAD_SERVERS` server processes behind the generator (default 1; issue 10's figure).
 * - `BENCH_LOAD_BUDGET_MS` the whole bench's time; no step starts after it (default 240000,
 *   under the runner's 300 s limit).
 */
import { envCount } from '../stats.ts';

export interface LoadConfig {
  steps: number[];
  intervalMs: number;
  windowMs: number;
  concurrency: number;
  agentsPerServer: number;
  servers: number;
  budgetMs: number;
  /** Latency above which a step is past the knee (DESIGN §6: send-to-receive p99 ≤ 50 ms). */
  kneeMs: number;
}

export const DEFAULT_STEPS = [500, 1000, 2000, 3500, 5000];

/** `BENCH_LOAD_STEPS` as ascending positive integers; throws on anything else (a typo must not run a different bench). */
export function parseSteps(value: string | undefined): number[] {
  if (value === undefined || value.trim() === '') return DEFAULT_STEPS;
  const steps = value.split(',').map((s) => Number(s.trim()));
  if (steps.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`BENCH_LOAD_STEPS must be positive integers separated by commas, got "${value}"`);
  return [...new Set(steps)].sort((a, b) => a - b);
}

export function loadConfig(): LoadConfig {
  return {
    steps: parseSteps(process.env.BENCH_LOAD_STEPS),
    intervalMs: envCount('BENCH_LOAD_INTERVAL_MS', 10_000),
    windowMs: envCount('BENCH_LOAD_WINDOW_MS', 15_000),
    concurrency: envCount('BENCH_LOAD_CONCURRENCY', 50),
    agentsPerServer: envCount('BENCH_LOAD_AGENTS', 1),
    servers: envCount('BENCH_LOAD_SERVERS', 1),
    budgetMs: envCount('BENCH_LOAD_BUDGET_MS', 240_000),
    kneeMs: 50,
  };
}
