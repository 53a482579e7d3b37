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
 * Run alone: `BENCH_LOAD_STEPS=100,300 npx tsx test/bench/load.bench.ts`.
 */
import { type Figure, report } from './figures.ts';
import { type StepResult, perSocket, runLoad } from './load/generator.ts';
import { loadConfig } from './load/options.ts';
import { describeCounts, total } from './load/pool.ts';
import { startLoadServers } from './load/server-process.ts';

const config = loadConfig();
const started = performance.now();
const { servers, stop } = await startLoadServers(config.servers);
console.log(`load: ${servers.map((s) => `${s.baseUrl} (pid ${s.pid})`).join(', ')}; steps ${config.steps.join(', ')}; one message per visitor per ${config.intervalMs / 1000} s for ${config.windowMs / 1000} s a step`);

let steps: StepResult[];
let sessionsPerSecond: number;
try {
  const run = await runLoad({
    servers,
    steps: config.steps,
    intervalMs: config.intervalMs,
    windowMs: config.windowMs,
    concurrency: config.concurrency,
    agentsPerServer: config.agentsPerServer,
    drainMs: 5000,
    deadline: started + config.budgetMs,
    log: (line) => console.log(`load: ${line}`),
  });
  steps = run.steps;
  sessionsPerSecond = run.sessionsPerSecond;
} catch (error) {
  for (const s of servers) console.error(`server ${s.pid} stderr:\n${s.stderrTail()}`);
  throw error;
} finally {
  stop();
}

// One line per step for a reader; the table gets the figures below.
console.log('\n  sockets   held  refused  dropped    msg/s (offered)   p50 ms   p99 ms  lost   RSS/socket  live/socket  server CPU (waiting)  loop p99/max ms  generator CPU');
for (const s of steps) {
  console.log(
    `  ${String(s.target).padStart(7)} ${String(s.held).padStart(6)} ${String(total(s.refused)).padStart(8)} ${String(s.dropped).padStart(8)} ${s.deliveredPerSecond.toFixed(0).padStart(8)} (${s.offeredPerSecond.toFixed(0).padStart(7)}) ${s.p50.toFixed(1).padStart(8)} ${s.p99.toFixed(1).padStart(8)} ${String(s.lost).padStart(5)} ${`${(s.rssPerSocket / 1024).toFixed(1)} KB`.padStart(12)} ${`${(s.livePerSocket / 1024).toFixed(1)} KB`.padStart(12)} ${`${s.serverCpu.toFixed(0)}% (${s.serverWaiting.toFixed(0)}%)`.padStart(21)} ${`${s.loopP99Ms.toFixed(0)}/${s.loopMaxMs.toFixed(0)}`.padStart(16)} ${`${s.generatorCpu.toFixed(0)}%`.padStart(14)}`,
  );
  if (s.refused.size > 0) console.log(`          refused: ${describeCounts(s.refused)}`);
  if (s.sendFailed.size > 0) console.log(`          sends failed: ${describeCounts(s.sendFailed)}`);
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;
const figures: Figure[] = [];
const top = steps.at(-1);
if (top) {
  const first = steps.length > 1 ? steps[0] : undefined;
  const beyond = (s: StepResult) => s.p99 > config.kneeMs || s.lost > 0;
  const knee = steps.find(beyond);
  const failed = steps.reduce((n, s) => n + total(s.refused) + s.dropped + total(s.sendFailed) + s.lost, 0);
  const window = `${config.windowMs / 1000} s window, 1 msg/${config.intervalMs / 1000} s per visitor`;
  for (const s of steps) {
    figures.push({ id: `load.step-${s.target}.p99`, label: `load ${s.target} sockets: send → agent p99`, value: s.p99, unit: 'ms', note: `${s.sent} messages, ${s.deliveredPerSecond.toFixed(0)} msg/s` });
  }
  figures.push(
    { id: 'load.held', label: 'load: visitor sockets held at the top step', value: top.held, unit: 'count', note: `target ${top.target}` },
    { id: 'load.failed', label: 'load: sockets refused/dropped + messages failed/lost', value: failed, unit: 'count', note: 'all steps' },
    { id: 'load.messages-per-second', label: 'load: messages/s delivered at the top step', value: top.deliveredPerSecond, unit: 'count', note: `offered ${top.offeredPerSecond.toFixed(0)}/s` },
    { id: 'load.p50', label: `load ${top.target} sockets: send → agent p50`, value: top.p50, unit: 'ms', note: window },
    { id: 'load.p99', label: `load ${top.target} sockets: send → agent p99`, value: top.p99, unit: 'ms', note: window },
    // Memory from the first step to the top one (two points past startup), unless there is one step only.
    {
      id: 'load.rss-per-socket',
      label: 'load: server RSS per added visitor socket',
      value: first ? perSocket(first, top, 'rssHeld') : top.rssPerSocket,
      unit: 'bytes',
      note: `${mb(first?.rssHeld ?? top.rssIdle)} at ${first?.heldAtStart ?? 0} → ${mb(top.rssHeld)} at ${top.heldAtStart} sockets`,
    },
    {
      id: 'load.live-per-socket',
      label: 'load: server live JS memory per added visitor socket',
      value: first ? perSocket(first, top, 'liveHeld') : top.livePerSocket,
      unit: 'bytes',
      note: `heap + external after a full GC: ${mb(first?.liveHeld ?? top.liveIdle)} → ${mb(top.liveHeld)}`,
    },
    { id: 'load.server-cpu', label: 'load: server CPU at the top step', value: top.serverCpu, unit: 'percent', note: `of one core; waited for a core ${top.serverWaiting.toFixed(0)}%; generator ${top.generatorCpu.toFixed(0)}%` },
    { id: 'load.loop-max', label: 'load: server event loop delay at the top step, max', value: top.loopMaxMs, unit: 'ms', note: `p99 ${top.loopP99Ms.toFixed(0)} ms` },
    { id: 'load.sessions-per-second', label: 'load: /sdk/session created per second', value: sessionsPerSecond, unit: 'count', note: `${config.concurrency} in parallel` },
    knee
      ? { id: 'load.knee', label: `load: knee, first step with p99 > ${config.kneeMs} ms${knee.lost > 0 ? ' or a lost message' : ''}`, value: knee.target, unit: 'count' }
      : { id: 'load.knee', label: `load: knee not reached, p99 ≤ ${config.kneeMs} ms up to`, value: top.target, unit: 'count' },
  );
}
report(...figures);
console.log(`load: done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
