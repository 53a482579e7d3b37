/**
 * How a load configuration is told: one line per step for a person reading along, and the
 * figures for the runner's table. The one-instance PGlite ramp keeps its figure ids (`load.*`);
 * the PostgreSQL configurations (issue 10) report the same core figures under their own ids and
 * with labels that name the configuration, so the table shows them beside the PGlite ones.
 */
import type { Figure } from '../figures.ts';
import { type StepResult, perSocket } from './generator.ts';
import { describeCounts, total } from './pool.ts';

/** Prints the steps' table (stdout, not figures). */
export function printSteps(steps: readonly StepResult[]): void {
  console.log('\n  sockets   held  refused  dropped    msg/s (offered)   p50 ms   p99 ms  lost   RSS/socket  live/socket  server CPU (waiting)  loop p99/max ms  generator CPU');
  for (const s of steps) {
    console.log(
      `  ${String(s.target).padStart(7)} ${String(s.held).padStart(6)} ${String(total(s.refused)).padStart(8)} ${String(s.dropped).padStart(8)} ${s.deliveredPerSecond.toFixed(0).padStart(8)} (${s.offeredPerSecond.toFixed(0).padStart(7)}) ${s.p50.toFixed(1).padStart(8)} ${s.p99.toFixed(1).padStart(8)} ${String(s.lost).padStart(5)} ${`${(s.rssPerSocket / 1024).toFixed(1)} KB`.padStart(12)} ${`${(s.livePerSocket / 1024).toFixed(1)} KB`.padStart(12)} ${`${s.serverCpu.toFixed(0)}% (${s.serverWaiting.toFixed(0)}%)`.padStart(21)} ${`${s.loopP99Ms.toFixed(0)}/${s.loopMaxMs.toFixed(0)}`.padStart(16)} ${`${s.generatorCpu.toFixed(0)}%`.padStart(14)}`,
    );
    if (s.refused.size > 0) console.log(`          refused: ${describeCounts(s.refused)}`);
    if (s.sendFailed.size > 0) console.log(`          sends failed: ${describeCounts(s.sendFailed)}`);
  }
}

interface Window {
  windowMs: number;
  intervalMs: number;
  kneeMs: number;
}

const beyond = (kneeMs: number) => (s: StepResult) => s.p99 > kneeMs || s.lost > 0;
const failures = (steps: readonly StepResult[]) => steps.reduce((n, s) => n + total(s.refused) + s.dropped + total(s.sendFailed) + s.lost, 0);
const describeWindow = (w: Window) => `${w.windowMs / 1000} s window, 1 msg/${w.intervalMs / 1000} s per visitor`;
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

/** The one-instance PGlite ramp's figures (issue 9 item 6), ids unchanged since that issue. */
export function pgliteFigures(steps: readonly StepResult[], sessionsPerSecond: number, config: Window & { concurrency: number }): Figure[] {
  const top = steps.at(-1);
  if (!top) return [];
  const figures: Figure[] = [];
  const first = steps.length > 1 ? steps[0] : undefined;
  const knee = steps.find(beyond(config.kneeMs));
  const window = describeWindow(config);
  for (const s of steps) {
    figures.push({ id: `load.step-${s.target}.p99`, label: `load ${s.target} sockets: send → agent p99`, value: s.p99, unit: 'ms', note: `${s.sent} messages, ${s.deliveredPerSecond.toFixed(0)} msg/s` });
  }
  figures.push(
    { id: 'load.held', label: 'load: visitor sockets held at the top step', value: top.held, unit: 'count', note: `target ${top.target}` },
    { id: 'load.failed', label: 'load: sockets refused/dropped + messages failed/lost', value: failures(steps), unit: 'count', note: 'all steps' },
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
  return figures;
}

/**
 * A PostgreSQL configuration's figures (issue 10 item 5): `id` e.g. `load.pg-2`, `name` e.g.
 * `PostgreSQL, 2 instances`. Sockets held and msg/s at the top step, p50/p99 at every step, the
 * knee, failures, and server CPU per instance.
 */
export function postgresFigures(id: string, name: string, steps: readonly StepResult[], config: Window): Figure[] {
  const top = steps.at(-1);
  if (!top) return [];
  const label = `load, ${name}`;
  const knee = steps.find(beyond(config.kneeMs));
  const figures: Figure[] = [];
  for (const s of steps) {
    const note = `${s.sent} messages, ${s.deliveredPerSecond.toFixed(0)} msg/s`;
    figures.push(
      { id: `${id}.step-${s.target}.p50`, label: `${label}: ${s.target} sockets, send → agent p50`, value: s.p50, unit: 'ms', note },
      { id: `${id}.step-${s.target}.p99`, label: `${label}: ${s.target} sockets, send → agent p99`, value: s.p99, unit: 'ms', note },
    );
  }
  figures.push(
    { id: `${id}.held`, label: `${label}: visitor sockets held at the top step`, value: top.held, unit: 'count', note: `target ${top.target}` },
    { id: `${id}.failed`, label: `${label}: sockets refused/dropped + messages failed/lost`, value: failures(steps), unit: 'count', note: 'all steps' },
    { id: `${id}.messages-per-second`, label: `${label}: messages/s delivered at the top step`, value: top.deliveredPerSecond, unit: 'count', note: `offered ${top.offeredPerSecond.toFixed(0)}/s` },
    { id: `${id}.p99`, label: `${label}: ${top.target} sockets, send → agent p99 (top step)`, value: top.p99, unit: 'ms', note: describeWindow(config) },
    ...top.serverCpuEach.map((cpu, i): Figure => ({
      id: `${id}.server-cpu-${i + 1}`,
      label: `${label}: server CPU at the top step, instance ${i + 1}`,
      value: cpu,
      unit: 'percent',
      note: `of one core; all instances waited for a core ${top.serverWaiting.toFixed(0)}%; generator ${top.generatorCpu.toFixed(0)}%`,
    })),
    knee
      ? { id: `${id}.knee`, label: `${label}: knee, first step with p99 > ${config.kneeMs} ms${knee.lost > 0 ? ' or a lost message' : ''}`, value: knee.target, unit: 'count' }
      : { id: `${id}.knee`, label: `${label}: knee not reached, p99 ≤ ${config.kneeMs} ms up to`, value: top.target, unit: 'count' },
  );
  return figures;
}
