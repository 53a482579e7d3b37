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
 * - `BENCH_LOAD_PG_STEPS` steps of the PostgreSQL configurations, one and two instances (default
 *   `500,1000,2000,3500,5000`); same window rules.
 * - `BENCH_LOAD_PG_BUDGET_MS` each PostgreSQL configuration's time (default 150000).
 * - `BENCH_LOAD_TOTAL_MS` the whole load bench (default 600000), never past the runner's
 *   `BENCH_TIMEOUT_MS` less 20 s: a configuration that would not fit is skipped, and says so.
 * - `BENCH_DATABASE_URL` / `TEST_DATABASE_URL` an existing PostgreSQL (see `postgres.ts`).
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
  pgSteps: number[];
  pgBudgetMs: number;
  /** The whole bench's time, the runner's limit included. */
  totalMs: number;
  /** Latency above which a step is past the knee (DESIGN §6: send-to-receive p99 ≤ 50 ms). */
  kneeMs: number;
}

export const DEFAULT_STEPS = [500, 1000, 2000, 3500, 5000];

/** `BENCH_LOAD_STEPS` as ascending positive integers; throws on anything else (a typo must not run a different bench). */
export function parseSteps(value: string | undefined, name = 'BENCH_LOAD_STEPS'): number[] {
  if (value === undefined || value.trim() === '') return DEFAULT_STEPS;
  const steps = value.split(',').map((s) => Number(s.trim()));
  if (steps.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`${name} must be positive integers separated by commas, got "${value}"`);
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
    pgSteps: parseSteps(process.env.BENCH_LOAD_PG_STEPS, 'BENCH_LOAD_PG_STEPS'),
    pgBudgetMs: envCount('BENCH_LOAD_PG_BUDGET_MS', 150_000),
    // The runner SIGKILLs a bench at BENCH_TIMEOUT_MS (default 300 s): stop 20 s before it.
    totalMs: Math.min(envCount('BENCH_LOAD_TOTAL_MS', 600_000), envCount('BENCH_TIMEOUT_MS', 300_000) - 20_000),
    kneeMs: 50,
  };
}
