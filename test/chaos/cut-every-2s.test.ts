/**
 * Scenario a: one visitor in 3 tabs sends 500 messages while the connection (HTTP and
 * WebSocket alike) is cut every 2 s for 60 s. The server must hold exactly 500, every tab and
 * the agent console must show exactly 500 in the same order, and each tab's own messages must
 * be in the order it sent them.
 *
 * Fault schedule: every 2 s the proxy cuts (open connections reset, new ones refused) for
 * 500 ms, then heals. The tabs send at a steady pace across the whole window, so cuts hit sends
 * in flight, socket reconnects and catch-up reads.
 *
 * The console is the real agent console page (it talks to the server directly, not through the
 * proxy): the cut is the visitor's network.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { expect, it, vi } from 'vitest';
import { openPage } from '../e2e/browser.ts';
import { openConversation, signIn } from '../e2e/two-sides.ts';
import { chaosReport, expectDelivered, type SentMessage } from './report.ts';
import { openTab, type Tab } from './tabs.ts';
import { useChaosWorld } from './world.ts';

const TOTAL = 500;
const TABS = 3;
const CUT_EVERY_MS = 2_000;
const CUT_FOR_MS = 500;
const FAULT_WINDOW_MS = 60_000;
// The sends are spread over most of the window, so the last ones also meet cuts.
const SEND_SPAN_MS = 54_000;
const body = (tab: number, n: number) => `a-t${tab}-${String(n).padStart(4, '0')}`;
const BODY = /a-t\d-\d{4}/;

const world = useChaosWorld();

/** Cuts the proxy every `CUT_EVERY_MS` for `CUT_FOR_MS` until the window ends; resolves healed. */
function cutEvery2s(): Promise<number> {
  let cuts = 0;
  return new Promise((resolve) => {
    const tick = setInterval(() => {
      world.proxy.cut();
      cuts++;
      setTimeout(() => world.proxy.heal(), CUT_FOR_MS);
    }, CUT_EVERY_MS);
    setTimeout(() => {
      clearInterval(tick);
      // Let the last cut's heal run, then make sure nothing stays cut.
      setTimeout(() => {
        world.proxy.heal();
        resolve(cuts);
      }, CUT_FOR_MS);
    }, FAULT_WINDOW_MS);
  });
}

async function consoleBodies(page: Page): Promise<string[]> {
  const texts = await page.locator('[data-testid="message"]').allTextContents();
  return texts.map((t) => BODY.exec(t)?.[0] ?? t);
}

it('500 messages from 3 tabs while HTTP and WebSocket are cut every 2 s for 60 s: 500 stored, 500 shown everywhere, in order', async () => {
  const startedAt = performance.now();
  const context: BrowserContext = await world.browser.newContext();
  const url = world.site.pageUrl(`${world.proxy.origin}/api`);

  // The first tab makes the visitor and the conversation; the others join that visitor
  // (shared IndexedDB) and find the open conversation when they start.
  const first = await openTab(context, url, 't1');
  await first.started();
  const sent: SentMessage[] = [{ sender: 't1', body: body(1, 0) }];
  await first.call((c) => c.send('a-t1-0000'));
  await vi.waitFor(async () => expect(await first.call((c) => c.unconfirmed())).toBe(0), { timeout: 30_000 });
  const conversationId = (await first.call((c) => c.conversationId()))!;
  const tabs: Tab[] = [first];
  for (let i = 2; i <= TABS; i++) tabs.push(await openTab(context, url, `t${i}`));
  await Promise.all(tabs.map((t) => t.started()));
  for (const t of tabs) await vi.waitFor(async () => expect(await t.call((c) => c.conversationId())).toBe(conversationId), { timeout: 30_000 });

  const consoleContext = await world.browser.newContext({ viewport: { width: 1100, height: 760 } });
  const { page: consolePage } = await openPage(consoleContext);
  await signIn(consolePage, world.server.origin);
  await openConversation(consolePage, body(1, 0));

  // Tab k sends its share (the first tab already sent one), all at a steady pace.
  const shares = tabs.map((_, i) => Math.floor((TOTAL - 1) / TABS) + (i < (TOTAL - 1) % TABS ? 1 : 0));
  const faults = cutEvery2s();
  const bursts = tabs.map((tab, i) => {
    const from = i === 0 ? 1 : 0;
    const to = from + shares[i]!;
    for (let n = from; n < to; n++) sent.push({ sender: tab.name, body: body(i + 1, n) });
    const interval = Math.floor(SEND_SPAN_MS / shares[i]!);
    return tab.call((c, [prefix, a, b, ms]) => c.burst(prefix, a, b, ms), [`a-t${i + 1}-`, from, to, interval] as const);
  });
  await Promise.all(bursts);
  const cuts = await faults;
  const healedAt = performance.now();
  expect(sent).toHaveLength(TOTAL);

  const snapshot = async () => ({
    stored: (await world.agent.history(conversationId)).map((m) => m.body),
    tabs: await Promise.all(tabs.map((t) => t.shown())),
    console: await consoleBodies(consolePage),
  });
  const complete = (s: Awaited<ReturnType<typeof snapshot>>) => [s.stored, ...s.tabs, s.console].every((list) => sent.every((m) => list.includes(m.body)));
  // Converged: every list holds every message (or the time is up: the report says what is missing).
  let last = await snapshot();
  await vi
    .waitFor(
      async () => {
        last = await snapshot();
        if (!complete(last)) throw new Error('not yet');
      },
      { timeout: 120_000, interval: 1_000 },
    )
    .catch(() => undefined);
  const convergedS = ((performance.now() - healedAt) / 1000).toFixed(1);

  const report = chaosReport({
    scenario: 'cut-every-2s',
    sent,
    stored: last.stored,
    observers: [...tabs.map((t, i) => ({ name: t.name, kind: 'tab' as const, shown: last.tabs[i]! })), { name: 'console', kind: 'other', shown: last.console }],
    startedAt,
    extra: { cuts, resets: world.proxy.counters.resets, refused: world.proxy.counters.refused, conns: `${world.proxy.counters.connections.http}http+${world.proxy.counters.connections.ws}ws`, converged: `${convergedS}s` },
  });
  expectDelivered(report);
  expect(last.stored.filter((b) => BODY.test(b))).toHaveLength(TOTAL);
  for (const tab of tabs) expect(tab.errors.filter((e) => e.startsWith('pageerror')), tab.name).toEqual([]);
  await context.close();
  await consoleContext.close();
});
