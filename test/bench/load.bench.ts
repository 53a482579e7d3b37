/**
 * Server load (issue 9 item 6): the reference server as its own process (PGlite in a temp
 * folder, rate limits off, AI off), and a load generator in this process (`ws` + fetch, no
 * browser) that ramps visitor sockets in steps (`BENCH_LOAD_STEPS`, default 500 → 5,000). In each
 * step every visitor sends one message per `BENCH_LOAD_INTERVAL_MS` (default 10 s) for
 * `BENCH_LOAD_WINDOW_MS` while an agent socket receives everything. Per step: sockets held and
 * refused, messages/s, p50/p99 visitor HTTP send → agent socket frame, server RSS per socket
 * (`/proc/<pid>/status`), server CPU (`/proc/<pid>/stat`); the knee is the first step whose p99
 * passes 50 ms (or that loses a message). Sessions come from `/sdk/session` in parallel and are
 * timed too. Bounded: a fixed number of steps, no step starts after `BENCH_LOAD_BUDGET_MS`, and
 * the servers die with the bench (`load/server-process.ts`). More knobs in `load/options.ts`.
 * File descriptors: each socket is one fd in the server and one here; Node raises its soft
 * `ulimit -n` to the hard one at start, so the hard limit (20,000 here) bounds a step.
 * Then (issue 10 item 5) the same ramp on PostgreSQL (`load/postgres.ts` finds or starts one;
 * without one these figures are skipped, and the log says why), shorter (`BENCH_LOAD_PG_STEPS`),
 * each on a fresh database: ONE instance, then TWO server processes on one database, visitors
 * dealt between them. In both there is one agent socket, on instance 1: every message from a
 * visitor on instance 2 reaches it only through the database's NOTIFY fan-out, the path a
 * deployment behind a balancer depends on.
 * Run alone: `BENCH_LOAD_STEPS=100,300 BENCH_LOAD_PG_STEPS=100,200 npx tsx test/bench/load.bench.ts`.
 */
import { randomBytes } from 'node:crypto';
import { report } from './figures.ts';
import { type LoadRun, runLoad } from './load/generator.ts';
import { type LoadConfig, loadConfig } from './load/options.ts';
import { benchPostgres } from './load/postgres.ts';
import { pgliteFigures, postgresFigures, printSteps } from './load/report.ts';
import { type LoadServer, startLoadServers } from './load/server-process.ts';

const config = loadConfig();
const started = performance.now();
const end = started + config.totalMs;

/** Starts `count` servers with `env`, ramps `steps` against them until `deadline`, stops them. */
async function configuration(name: string, count: number, env: Record<string, string>, steps: number[], deadline: number, agentsOnFirstOnly: boolean): Promise<LoadRun> {
  const launched = await startLoadServers(count, env);
  const { stop } = launched;
  // Instances on one database share one tenant row, and each start rewrites its allowed origins
  // with its own port: every visitor sends one site origin that all instances allow
  // (`DEMO_ALLOWED_ORIGINS`), as a browser behind a balancer sends its page's one.
  const siteOrigin = env.DEMO_ALLOWED_ORIGINS;
  const servers: LoadServer[] = siteOrigin ? launched.servers.map((s) => ({ ...s, origin: siteOrigin })) : launched.servers;
  console.log(`load, ${name}: ${servers.map((s) => `${s.baseUrl} (pid ${s.pid})`).join(', ')}; steps ${steps.join(', ')}; one message per visitor per ${config.intervalMs / 1000} s for ${config.windowMs / 1000} s a step`);
  try {
    // Agents (the console) keep each server's own origin: agent sockets open only from it.
    const agentServers: LoadServer[] = agentsOnFirstOnly ? launched.servers.slice(0, 1) : launched.servers;
    const run = await runLoad({
      servers,
      agentServers,
      steps,
      intervalMs: config.intervalMs,
      windowMs: config.windowMs,
      concurrency: config.concurrency,
      agentsPerServer: config.agentsPerServer,
      drainMs: 5000,
      deadline,
      log: (line) => console.log(`load, ${name}: ${line}`),
    });
    printSteps(run.steps);
    // What a server said of its cluster (a LISTEN drop closes its sockets with 1012): the cause of a dropped step.
    for (const s of launched.servers) {
      const said = s.stderrTail().split('\n').filter((line) => line.includes('cluster:'));
      if (said.length > 0) console.log(`load, ${name}: server ${s.pid} said:\n  ${said.slice(-5).join('\n  ')}`);
    }
    return run;
  } catch (error) {
    for (const s of servers) console.error(`server ${s.pid} stderr:\n${s.stderrTail()}`);
    throw error;
  } finally {
    stop();
  }
}

// 1. One instance on PGlite (issue 9 item 6): the figures as they always were.
const pglite = await configuration('PGlite, 1 instance', config.servers, {}, config.steps, Math.min(started + config.budgetMs, end), false);
report(...pgliteFigures(pglite.steps, pglite.sessionsPerSecond, config));

// 2. PostgreSQL, one instance then two (issue 10 item 5).
await postgresConfigurations(config);

async function postgresConfigurations(c: LoadConfig): Promise<void> {
  // A configuration starting with less than this left would not finish one step: skipped instead.
  const leastMs = c.windowMs + 30_000;
  if (performance.now() + leastMs > end) {
    console.log(`load: PostgreSQL figures skipped: ${((end - performance.now()) / 1000).toFixed(0)} s left of BENCH_LOAD_TOTAL_MS / BENCH_TIMEOUT_MS`);
    return;
  }
  const postgres = await benchPostgres();
  if ('skipped' in postgres) {
    console.log(`load: PostgreSQL figures skipped: ${postgres.skipped}`);
    return;
  }
  console.log(`load: ${postgres.describe}`);
  try {
    for (const [count, id, name] of [
      [1, 'load.pg-1', 'PostgreSQL, 1 instance'],
      [2, 'load.pg-2', 'PostgreSQL, 2 instances'],
    ] as const) {
      if (performance.now() + leastMs > end) {
        console.log(`load, ${name}: skipped: ${((end - performance.now()) / 1000).toFixed(0)} s left of BENCH_LOAD_TOTAL_MS / BENCH_TIMEOUT_MS`);
        continue;
      }
      // A fresh database per configuration; the instances share it and one token secret, as a deployment would.
      const database = `ringnity_load_${process.pid}_${count}`;
      const url = await postgres.freshDatabase(database);
      try {
        const env = { DATABASE_URL: url, TOKEN_SECRET: randomBytes(32).toString('hex'), DEMO_ALLOWED_ORIGINS: 'http://site.load.test' };
        const run = await configuration(name, count, env, c.pgSteps, Math.min(performance.now() + c.pgBudgetMs, end), true);
        report(...postgresFigures(id, name, run.steps, c));
      } finally {
        await postgres.drop(database).catch((error: unknown) => console.log(`load: could not drop ${database}: ${String(error)}`));
      }
    }
  } finally {
    postgres.stop();
  }
}
console.log(`load: done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
