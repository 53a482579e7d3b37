/**
 * Scenario b: a visitor (started while online, no conversation yet) sends 20 messages while
 * the API is unreachable (the proxy refuses every connection), then reloads the page before
 * the network returns. The reloaded page's runtime cannot start (it retries like the widget's
 * starter) but shows the 20 waiting sends from its stored outbox; once the network is back all
 * 20 arrive once, in the order they were written.
 */
import { expect, it, vi } from 'vitest';
import { chaosReport, expectDelivered } from './report.ts';
import { openTab } from './tabs.ts';
import { useChaosWorld } from './world.ts';

const COUNT = 20;
const bodies = Array.from({ length: COUNT }, (_, n) => `b-offline-${String(n).padStart(4, '0')}`);

const world = useChaosWorld();

it('20 messages sent offline, then a reload before the network returns: all 20 arrive once, in order, after it returns', async () => {
  const startedAt = performance.now();
  const context = await world.browser.newContext();
  const tab = await openTab(context, world.site.pageUrl(`${world.proxy.origin}/api`), 't1');
  await tab.started();

  world.proxy.cut();
  await tab.call((c) => c.burst('b-offline-', 0, 20, 0));
  expect(await tab.call((c) => c.unconfirmed())).toBe(COUNT);

  await tab.page.reload();
  // Start-up fails while offline (and is retried); the stored sends are shown meanwhile.
  await vi.waitFor(async () => expect(await tab.call((c) => c.startFailures())).toBeGreaterThanOrEqual(1), { timeout: 30_000 });
  expect(await tab.call((c) => c.isStarted())).toBe(false);
  await vi.waitFor(async () => expect(await tab.shown()).toEqual(bodies), { timeout: 10_000 });
  expect(await tab.call((c) => c.unconfirmed())).toBe(COUNT);

  world.proxy.heal();
  const healedAt = performance.now();
  await tab.started();
  let stored: string[] = [];
  let shown: string[] = [];
  await vi
    .waitFor(
      async () => {
        const cid = await tab.call((c) => c.conversationId());
        stored = cid ? (await world.agent.history(cid)).map((m) => m.body) : [];
        shown = await tab.shown();
        expect(stored.length).toBeGreaterThanOrEqual(COUNT);
        expect(await tab.call((c) => c.unconfirmed())).toBe(0);
      },
      { timeout: 60_000, interval: 500 },
    )
    .catch(() => undefined);

  const report = chaosReport({
    scenario: 'offline-reload',
    sent: bodies.map((body) => ({ sender: 't1', body })),
    stored,
    observers: [{ name: 't1', kind: 'tab', shown }],
    startedAt,
    extra: {
      startFailures: await tab.call((c) => c.startFailures()),
      refused: world.proxy.counters.refused,
      delivered: `${((performance.now() - healedAt) / 1000).toFixed(1)}s after heal`,
    },
  });
  expectDelivered(report);
  expect(stored).toEqual(bodies);
  expect(tab.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
  await context.close();
});
