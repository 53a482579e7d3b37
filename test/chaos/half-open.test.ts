/**
 * Beyond the five scenarios of issue 4 item 7, its item 8 rule on a real network fault: a
 * half-open socket (the proxy black-holes WebSocket traffic, both ends still "open") is noticed
 * within 45 s on a visible tab. Two tabs of one visitor; while the socket is half-open the agent
 * answers and the visitor keeps sending (HTTP still works). Every message must reach both tabs
 * once, in order, within 45 s of the fault plus a reconnect.
 */
import { expect, it, vi } from 'vitest';
import { chaosReport, expectDelivered, type SentMessage } from './report.ts';
import { openTab } from './tabs.ts';
import { useChaosWorld } from './world.ts';

// Issue 4 item 8: a half-open connection is detected within 45 s on a visible tab.
const DETECT_WITHIN_MS = 45_000;
const EACH = 5;

const world = useChaosWorld();

it('a half-open socket (traffic black-holed) is noticed within 45 s and nothing sent meanwhile is lost', async () => {
  const startedAt = performance.now();
  const context = await world.browser.newContext();
  const url = world.site.pageUrl(`${world.proxy.origin}/api`);
  const first = await openTab(context, url, 't1');
  await first.started();
  const sent: SentMessage[] = [{ sender: 't1', body: 'f-t1-0000' }];
  await first.call((c) => c.send('f-t1-0000'));
  await vi.waitFor(async () => expect(await first.call((c) => c.unconfirmed())).toBe(0), { timeout: 30_000 });
  const conversationId = (await first.call((c) => c.conversationId()))!;
  const second = await openTab(context, url, 't2');
  await second.started();
  const tabs = [first, second];
  await vi.waitFor(async () => {
    for (const t of tabs) expect(await t.call((c) => c.status())).toBe('connected');
  }, { timeout: 30_000 });

  world.proxy.blackhole(true, 'ws');
  const faultAt = performance.now();
  for (let n = 1; n <= EACH; n++) {
    const reply = `f-agent-${String(n).padStart(4, '0')}`;
    sent.push({ sender: 'agent', body: reply });
    expect(await world.agent.send(conversationId, reply, `chaos-f-${n}`)).toBe(201);
    const own = `f-t1-${String(n).padStart(4, '0')}`;
    sent.push({ sender: 't1', body: own });
    await first.call((c, body) => c.send(body), own);
  }
  // The tabs notice on their own (heartbeat): the socket leaves `connected`.
  await vi.waitFor(async () => expect(await first.call((c) => c.status())).not.toBe('connected'), { timeout: DETECT_WITHIN_MS + 5_000, interval: 250 });
  const detectedMs = performance.now() - faultAt;
  // The network is fine again for new connections; the held bytes of the dead one are dropped with it.
  world.proxy.reset('ws');
  world.proxy.heal();

  let stored: string[] = [];
  let shown: string[][] = [];
  await vi
    .waitFor(
      async () => {
        stored = (await world.agent.history(conversationId)).map((m) => m.body);
        shown = await Promise.all(tabs.map((t) => t.shown()));
        for (const list of [stored, ...shown]) expect(sent.every((m) => list.includes(m.body))).toBe(true);
      },
      { timeout: 60_000, interval: 500 },
    )
    .catch(() => undefined);

  const report = chaosReport({
    scenario: 'half-open-socket',
    sent,
    stored,
    observers: tabs.map((t, i) => ({ name: t.name, kind: 'tab' as const, shown: shown[i] ?? [] })),
    startedAt,
    extra: { detected: `${(detectedMs / 1000).toFixed(1)}s`, recovered: `${((performance.now() - faultAt) / 1000).toFixed(1)}s after the fault` },
  });
  expectDelivered(report);
  expect(detectedMs).toBeLessThanOrEqual(DETECT_WITHIN_MS);
  await context.close();
});
