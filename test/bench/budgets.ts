/**
 * The budgets a figure is held to, from `../shared/DESIGN.md` §6 and issue 9, keyed by figure id.
 * A figure without an entry is printed as "info". Timings are budgets for this machine's headless
 * Chromium on loopback with a 4× CPU throttle; the throttled-network figures have none (they show
 * how the same page degrades, DESIGN gives them no number).
 */
export interface Budget {
  /** The figure passes when it is at most this (in the figure's unit). */
  max: number;
  /** Where the number comes from, for the JSON and a reader who doubts it. */
  source: string;
}

const KB = 1024;

export const BUDGETS: Readonly<Record<string, Budget>> = {
  'size.loader.gzip': { max: 1.5 * KB, source: 'DESIGN §6: loader ≤ 1.5 KB gzip' },
  'size.widget-app.gzip': { max: 30 * KB, source: 'DESIGN §6: widget app ≤ 30 KB gzip' },
  'size.core.gzip': { max: 12 * KB, source: 'DESIGN §6: runtime core ≤ 12 KB gzip' },
  'host.launcher-delta': { max: 50, source: 'DESIGN §6: launcher visible within 50 ms of the no-widget page' },
  'host.js-before-launcher': { max: 2 * KB, source: 'DESIGN §6: JS downloaded before the launcher ≤ 2 KB' },
  'host.long-tasks': { max: 0, source: 'DESIGN §6: no long task over 50 ms on the host page' },
  'host.cls': { max: 0, source: 'DESIGN §6: layout shift 0' },
  'panel.cold': { max: 300, source: 'DESIGN §6: click to panel ready ≤ 300 ms, app not yet loaded' },
  'panel.warm': { max: 300, source: 'DESIGN §6: click to panel ready ≤ 300 ms, app not yet loaded (HTTP cache warm)' },
  'panel.loaded': { max: 50, source: 'DESIGN §6: click to panel ready ≤ 50 ms, app loaded' },
  'scale.open': { max: 300, source: 'DESIGN §6: 10,000-message conversation opens ≤ 300 ms' },
  'scale.frames-over-50ms': { max: 0, source: 'DESIGN §6: stays smooth when scrolled (no frame over 50 ms)' },
  'delivery.visitor-to-agent.p99': { max: 50, source: 'DESIGN §6: send-to-receive p99 ≤ 50 ms' },
  'delivery.agent-to-visitor.p99': { max: 50, source: 'DESIGN §6: send-to-receive p99 ≤ 50 ms' },
  // The load bench (load.bench.ts): the same p99 while the server holds the top step's sockets.
  'load.p99': { max: 50, source: 'DESIGN §6 / issue 9 item 6: send-to-receive p99 ≤ 50 ms at the top step (≥ 5,000 visitor sockets)' },
  'load.failed': { max: 0, source: 'issue 9 item 6: every visitor socket held, every message delivered' },
  // The same on PostgreSQL, one instance and two (issue 10 item 5; the two share the 2 cores with the database and the generator).
  'load.pg-1.p99': { max: 50, source: 'DESIGN §6 / issue 10 item 5: send-to-receive p99 ≤ 50 ms at the top step, PostgreSQL, 1 instance' },
  'load.pg-2.p99': { max: 50, source: 'DESIGN §6 / issue 10 item 5: send-to-receive p99 ≤ 50 ms at the top step, PostgreSQL, 2 instances' },
  'load.pg-1.failed': { max: 0, source: 'issue 10 item 5: every visitor socket held, every message delivered' },
  'load.pg-2.failed': { max: 0, source: 'issue 10 item 5: every visitor socket held, every message delivered, across instances' },
};
