/**
 * The counts every chaos scenario prints and is judged by: what was sent, what the server
 * stored, what each observer (a visitor tab, the console, an agent) shows, duplicates, and how
 * far any message ended up from where it belongs. One line per scenario, e.g.
 *
 *   chaos[cut-every-2s] sent=500 stored=500 shown=[500,500,500] console=500 dup=0 maxReorder=0 in 71.2s
 *
 * Messages are identified by their body: every scenario sends unique texts.
 */
import { expect } from 'vitest';

/** One message as sent, in the order its sender sent it. */
export interface SentMessage {
  /** Who sent it (a tab, the agent): send order is checked per sender. */
  readonly sender: string;
  readonly body: string;
}

/** Who looks at the conversation: visitor tabs are listed as `shown=[…]`, others by name. */
export interface Observer {
  readonly name: string;
  /** `tab` observers are grouped in `shown=[…]`. */
  readonly kind: 'tab' | 'other';
  /** The bodies it shows, top to bottom. */
  readonly shown: readonly string[];
}

export interface ScenarioCounts {
  readonly scenario: string;
  /** Every message sent, in the order the senders sent them (any interleaving across senders). */
  readonly sent: readonly SentMessage[];
  /** The server's messages of the conversation, in `seq` order. */
  readonly stored: readonly string[];
  readonly observers: readonly Observer[];
  /** `performance.now()` when the scenario started. */
  readonly startedAt: number;
  /** Extra `key=value` figures to print (e.g. proxy resets). */
  readonly extra?: Readonly<Record<string, string | number>>;
}

export interface ChaosReport {
  readonly line: string;
  /** Sent bodies missing from the server or from an observer, by where they are missing. */
  readonly lost: Readonly<Record<string, readonly string[]>>;
  /** Extra copies of sent bodies, on the server and in every observer, added up. */
  readonly duplicates: number;
  /**
   * The largest distance (in positions) between where a message is and where it belongs: per
   * sender against its send order (server and every observer), and per observer against the
   * server's `seq` order.
   */
  readonly maxReorder: number;
}

/** Largest |rank in `actual` − rank in `expected`| over the items both hold (first occurrences). */
export function reorderDistance(expected: readonly string[], actual: readonly string[]): number {
  const inActual = new Set(actual);
  const wanted = expected.filter((x) => inActual.has(x));
  const wantedSet = new Set(wanted);
  const seen = new Set<string>();
  const got = actual.filter((x) => wantedSet.has(x) && !seen.has(x) && seen.add(x));
  const rank = new Map(wanted.map((x, i) => [x, i]));
  return got.reduce((max, x, i) => Math.max(max, Math.abs(i - rank.get(x)!)), 0);
}

const extraCopies = (list: readonly string[], relevant: ReadonlySet<string>) => {
  const unique = new Set(list.filter((x) => relevant.has(x)));
  return list.filter((x) => relevant.has(x)).length - unique.size;
};

/** Computes the counts of one scenario and prints its line (unless `print` is false). */
export function chaosReport(counts: ScenarioCounts, { print = true }: { print?: boolean } = {}): ChaosReport {
  const bodies = new Set(counts.sent.map((m) => m.body));
  const senders = [...new Set(counts.sent.map((m) => m.sender))];
  const lists: Array<[string, readonly string[]]> = [['server', counts.stored], ...counts.observers.map((o): [string, readonly string[]] => [o.name, o.shown])];

  const lost: Record<string, string[]> = {};
  let duplicates = 0;
  let maxReorder = 0;
  for (const [where, list] of lists) {
    const present = new Set(list);
    const missing = [...bodies].filter((b) => !present.has(b));
    if (missing.length) lost[where] = missing;
    duplicates += extraCopies(list, bodies);
    for (const sender of senders) {
      const order = counts.sent.filter((m) => m.sender === sender).map((m) => m.body);
      maxReorder = Math.max(maxReorder, reorderDistance(order, list));
    }
    if (where !== 'server') maxReorder = Math.max(maxReorder, reorderDistance(counts.stored, list));
  }

  const shownCount = (list: readonly string[]) => new Set(list.filter((x) => bodies.has(x))).size;
  const tabs = counts.observers.filter((o) => o.kind === 'tab');
  const others = counts.observers.filter((o) => o.kind === 'other');
  const seconds = ((performance.now() - counts.startedAt) / 1000).toFixed(1);
  const line = [
    `chaos[${counts.scenario}]`,
    `sent=${bodies.size}`,
    `stored=${shownCount(counts.stored)}`,
    ...(tabs.length ? [`shown=[${tabs.map((t) => shownCount(t.shown)).join(',')}]`] : []),
    ...others.map((o) => `${o.name}=${shownCount(o.shown)}`),
    `dup=${duplicates}`,
    `maxReorder=${maxReorder}`,
    ...Object.entries(counts.extra ?? {}).map(([k, v]) => `${k}=${v}`),
    `in ${seconds}s`,
  ].join(' ');
  if (print) process.stdout.write(`${line}\n`);
  return { line, lost, duplicates, maxReorder };
}

/**
 * Fails on any loss or duplicate (naming what is missing where), and on any reorder unless
 * `allowReorder` (when the scenario does not promise an order).
 */
export function expectDelivered(report: ChaosReport, options: { allowReorder?: boolean } = {}): void {
  const lost = Object.fromEntries(Object.entries(report.lost).map(([where, list]) => [where, `${list.length} missing, e.g. ${list.slice(0, 5).join(' | ')}`]));
  expect(lost, report.line).toEqual({});
  expect(report.duplicates, report.line).toBe(0);
  if (!options.allowReorder) expect(report.maxReorder, report.line).toBe(0);
}
