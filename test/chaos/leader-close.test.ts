/**
 * Scenario d: three tabs of one visitor (one browser context) send a burst, and the tab that
 * holds the shared socket (`runtime.leader`) is closed in the middle of it, right after it
 * queued a last quick batch. Another tab must take the socket over (issue 4: within 2 s), and
 * no message may be lost: every remaining tab shows every message once, in `seq` order, each
 * tab's own in its send order.
 *
 * Found here (fixed): the closed tab's sends that were still waiting in the shared outbox were
 * not sent by the tabs that stay open; they waited in IndexedDB until a page of the site loaded
 * again. Now a tab that stays open adopts them once the closed tab's lock is freed. The first
 * test checks a tab opened afterwards sees everything once, in order; the second that the
 * tabs still open send the closed tab's last sends by themselves.
 */
import type { BrowserContext } from 'playwright-core';
import { expect, it, vi } from 'vitest';
import { chaosReport, expectDelivered, type SentMessage } from './report.ts';
import { openTab, type Tab } from './tabs.ts';
import { useChaosWorld } from './world.ts';

const PACED = 30;
const PACE_MS = 50;
// What the leader queues at once just before it is closed: most of it is not sent yet.
const LAST_BATCH = 5;
const body = (tab: string, n: number) => `d-${tab}-${String(n).padStart(4, '0')}`;

const world = useChaosWorld();

const leaderOf = (tab: Tab) => tab.call((c) => c.runtime.leader?.value);

interface LeaderClosed {
  sent: SentMessage[];
  conversationId: string;
  /** The tabs still open. */
  rest: Tab[];
  /** The closed tab's last sends (queued just before it closed). */
  lastBatch: string[];
  unsentAtClose: number;
  /** ms from the close until one of the other tabs leads (NaN when the core has no `leader`). */
  takeoverMs: number;
  /** `performance.now()` when the leader was closed. */
  closedAt: number;
  shared: boolean;
  startedAt: number;
  url: string;
}

/** Three tabs, a burst from each, the leader closed mid-burst right after a quick last batch. */
async function closeLeaderMidBurst(context: BrowserContext): Promise<LeaderClosed> {
  const startedAt = performance.now();
  const url = world.site.pageUrl(`${world.proxy.origin}/api`);
  const first = await openTab(context, url, 't1');
  await first.started();
  const sent: SentMessage[] = [{ sender: 't1', body: body('t1', 0) }];
  await first.call((c) => c.send('d-t1-0000'));
  await vi.waitFor(async () => expect(await first.call((c) => c.unconfirmed())).toBe(0), { timeout: 30_000 });
  const conversationId = (await first.call((c) => c.conversationId()))!;
  const tabs = [first, await openTab(context, url, 't2'), await openTab(context, url, 't3')];
  await Promise.all(tabs.map((t) => t.started()));

  // The core has the shared socket when it exposes `leader`; then exactly one tab leads.
  const shared = (await leaderOf(first)) !== undefined;
  let leader = first;
  if (shared) {
    await vi.waitFor(async () => expect((await Promise.all(tabs.map(leaderOf))).filter(Boolean)).toHaveLength(1), { timeout: 10_000 });
    leader = tabs[(await Promise.all(tabs.map(leaderOf))).indexOf(true)]!;
  }
  const rest = tabs.filter((t) => t !== leader);

  const bursts = tabs.map((tab) => {
    const from = tab === first ? 1 : 0;
    for (let n = from; n < from + PACED; n++) sent.push({ sender: tab.name, body: body(tab.name, n) });
    return tab.call((c, [prefix, a, b, ms]) => c.burst(prefix, a, b, ms), [`d-${tab.name}-`, from, from + PACED, PACE_MS] as const);
  });
  // The leader finishes its paced part, queues a last batch at once and is closed right away.
  await bursts[tabs.indexOf(leader)];
  const lastFrom = (leader === first ? 1 : 0) + PACED;
  const lastBatch = Array.from({ length: LAST_BATCH }, (_, i) => body(leader.name, lastFrom + i));
  for (const b of lastBatch) sent.push({ sender: leader.name, body: b });
  const unsentAtClose = await leader.call(
    (c, [prefix, a, b]) => c.burst(prefix, a, b, 0).then(() => c.unconfirmed()),
    [`d-${leader.name}-`, lastFrom, lastFrom + LAST_BATCH] as const,
  );
  await leader.page.close();
  const closedAt = performance.now();

  let takeoverMs = NaN;
  if (shared) {
    await vi.waitFor(async () => expect((await Promise.all(rest.map(leaderOf))).filter(Boolean)).toHaveLength(1), { timeout: 10_000, interval: 50 });
    takeoverMs = performance.now() - closedAt;
  } else {
    process.stdout.write('chaos[leader-closed] runtime.leader is not in the built core: the takeover assertion is pending\n');
  }
  await Promise.all(bursts);
  return { sent, conversationId, rest, lastBatch, unsentAtClose, takeoverMs, closedAt, shared, startedAt, url };
}

/** Waits until `server` and every tab hold every body in `bodies` (or the time is up); answers what they hold. */
async function converge(conversationId: string, tabs: Tab[], bodies: string[], timeout: number) {
  let stored: string[] = [];
  let shown: string[][] = [];
  await vi
    .waitFor(
      async () => {
        stored = (await world.agent.history(conversationId)).map((m) => m.body);
        // A tab opened late shows the newest page first: read the older ones too.
        shown = await Promise.all(tabs.map((t) => t.call((c) => c.loadAll().then(() => c.shown()))));
        for (const list of [stored, ...shown]) expect(bodies.every((b) => list.includes(b))).toBe(true);
      },
      { timeout, interval: 250 },
    )
    .catch(() => undefined);
  return { stored, shown };
}

it('the leader tab closed mid-burst: another tab takes the socket over within 2 s and nothing is lost', async () => {
  const context = await world.browser.newContext();
  const run = await closeLeaderMidBurst(context);
  // Everything but the closed tab's last batch reaches the server and both remaining tabs.
  const others = run.sent.filter((m) => !run.lastBatch.includes(m.body)).map((m) => m.body);
  const first = await converge(run.conversationId, run.rest, others, 30_000);
  // The closed tab's last sends not yet stored at that moment (the open tabs adopt and send them: see the next test).
  const inFlight = run.lastBatch.filter((b) => !first.stored.includes(b)).length;
  // The visitor opens the site again: everything shows there too, once, in order.
  const reopened = await openTab(context, run.url, 't4');
  await reopened.started();
  const tabs = [...run.rest, reopened];
  const final = await converge(run.conversationId, tabs, run.sent.map((m) => m.body), 30_000);

  const report = chaosReport({
    scenario: 'leader-closed',
    sent: run.sent,
    stored: final.stored,
    observers: tabs.map((t, i) => ({ name: t.name, kind: 'tab' as const, shown: final.shown[i] ?? [] })),
    startedAt: run.startedAt,
    extra: {
      unsentAtClose: run.unsentAtClose,
      lastBatchInFlight: inFlight,
      takeover: run.shared ? `${(run.takeoverMs / 1000).toFixed(2)}s` : 'pending',
      openSockets: world.proxy.counters.open.ws,
    },
  });
  expectDelivered(report);
  if (run.shared) {
    // One socket per browser: the open tabs share one.
    expect(world.proxy.counters.open.ws).toBe(1);
    // Issue 4: another tab takes over within 2 s (found by polling every 50 ms: a bound from above).
    expect(run.takeoverMs).toBeLessThan(2_000);
  }
  for (const tab of tabs) expect(tab.errors.filter((e) => e.startsWith('pageerror')), tab.name).toEqual([]);
  await context.close();
});

// Issue 4: the tabs that stay open adopt the closed tab's waiting sends (its outbox's lifetime
// Web Lock is freed when it closes; see src/outbox.ts).
it('the closed tab\'s waiting sends are sent by the tabs that stay open, without a page load', async () => {
  const context = await world.browser.newContext();
  const run = await closeLeaderMidBurst(context);
  const final = await converge(run.conversationId, run.rest, run.sent.map((m) => m.body), 30_000);
  // From the close until the server and both open tabs hold everything (polled every 250 ms: a bound from above).
  const adoptedMs = performance.now() - run.closedAt;
  const report = chaosReport({
    scenario: 'leader-closed-adopt',
    sent: run.sent,
    stored: final.stored,
    observers: run.rest.map((t, i) => ({ name: t.name, kind: 'tab' as const, shown: final.shown[i] ?? [] })),
    startedAt: run.startedAt,
    extra: { unsentAtClose: run.unsentAtClose, allDelivered: `${(adoptedMs / 1000).toFixed(2)}s after the close` },
  });
  expectDelivered(report);
  // "Within seconds, without a page load."
  expect(adoptedMs).toBeLessThan(10_000);
  await context.close();
});
