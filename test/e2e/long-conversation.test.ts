/**
 * A conversation of 2,000 messages (issue 9 item 8) read to its very first message through the
 * real server: the list renders a bounded window that moves as the visitor scrolls, every
 * message is reachable in order with no duplicates, what the visitor looks at never jumps when
 * older messages arrive or the window moves, and new messages still show at the bottom.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noRateLimits } from '../../demo/server/limits/rules.ts';
import { agentHeaders, HUMAN_ONLY, message, openChat, openTwoSides, sendText, type TwoSides } from './two-sides.ts';

const TOTAL = 2000;
const line = (n: number) => `Long line ${n}`;

/** What one look at the list saw: the lines rendered (in DOM order) and whether anything jumped. */
interface Walk {
  /** Every line number seen, in the order of the DOM at each look, oldest look last. */
  snapshots: number[][];
  /** Moves (px) of the message at the top of the view across a render, when over 2 px. */
  jumps: { text: string; px: number }[];
  /** Most messages rendered at once. */
  mostRendered: number;
  reachedFirst: boolean;
}

/** In the page: scrolls the list up a screen at a time until the first message shows (or 90 s). */
async function walkToTop(): Promise<Walk> {
  const root = document.querySelector('ringnity-widget')!.shadowRoot!;
  const list = root.querySelector<HTMLElement>('[data-testid="message-list"]')!;
  const bubbles = () => [...root.querySelectorAll<HTMLElement>('[data-testid="message"]')];
  const numbers = () => bubbles().map((b) => Number(/Long line (\d+)$/.exec(b.querySelector('.bubble')?.textContent ?? '')?.[1] ?? 0));
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const topVisible = () => {
    const top = list.getBoundingClientRect().top;
    const b = bubbles().find((el) => el.getBoundingClientRect().bottom > top + 1);
    return b ? { el: b, text: b.textContent ?? '', offset: b.getBoundingClientRect().top - top } : undefined;
  };
  const walk: Walk = { snapshots: [], jumps: [], mostRendered: 0, reachedFirst: false };
  const started = performance.now();
  while (performance.now() - started < 90_000) {
    list.scrollTop = Math.max(0, list.scrollTop - 2 * list.clientHeight);
    await frame();
    // The view as the visitor sees it now; the list may re-render under it (older page, window).
    const seen = topVisible();
    const before = numbers().join();
    // Near the top the window moves or an older page comes: wait for it; elsewhere nothing changes.
    const waits = list.scrollTop < 200 ? 120 : 1;
    for (let i = 0; i < waits && numbers().join() === before; i++) await frame();
    await frame();
    if (seen && seen.el.isConnected) {
      const px = seen.el.getBoundingClientRect().top - list.getBoundingClientRect().top - seen.offset;
      if (Math.abs(px) > 2) walk.jumps.push({ text: seen.text, px });
    }
    const now = numbers();
    walk.snapshots.push(now);
    walk.mostRendered = Math.max(walk.mostRendered, now.length);
    if (list.scrollTop === 0 && now[0] === 0 && bubbles()[0]?.textContent?.includes('first words')) {
      walk.reachedFirst = true;
      break;
    }
  }
  return walk;
}

async function rendered(page: Page): Promise<number> {
  return page.locator('[data-testid="message"]').count();
}

describe('a 2,000-message conversation', () => {
  let t: TwoSides;
  let agentSend: (body: string) => Promise<Response>;

  beforeAll(async () => {
    t = await openTwoSides({ ...HUMAN_ONLY, rateLimits: noRateLimits() });
    const { server } = t;
    await openChat(t.visitor.page, server.origin);
    await sendText(t.visitor.page, 'first words');
    await t.visitor.page.locator('[data-testid="message"][data-sender="visitor"]:not([data-state="sending"])', { hasText: 'first words' }).waitFor();
    // The agent answers 1,999 times through the agent API (what the console sends).
    const headers = await agentHeaders(server);
    const open = await fetch(`${server.baseUrl}/agent-sdk/conversations?status=open`, { headers });
    const id = ((await open.json()) as { data: { conversations: { conversationId: string; lastMessagePreview?: string }[] } }).data.conversations.find((c) =>
      c.lastMessagePreview?.includes('first words'),
    )!.conversationId;
    agentSend = (body) =>
      fetch(`${server.baseUrl}/agent-sdk/conversations/${id}/messages`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ body, messageType: 'text', clientMessageId: crypto.randomUUID() }),
      });
    // One after another: their order is the conversation's.
    for (let i = 1; i < TOTAL; i++) expect((await agentSend(line(i))).status).toBe(201);
    await t.visitor.page.reload();
    await t.visitor.page.getByTestId('launcher').click();
    await message(t.visitor.page, 'agent', line(TOTAL - 1)).waitFor();
  }, 180_000);

  afterAll(async () => {
    await t?.close();
  });

  it('reaches the very first message by scrolling, every message once and in order, never jumping, never rendering them all', async () => {
    const walk = await t.visitor.page.evaluate(walkToTop);
    expect(walk.reachedFirst).toBe(true);
    // Each look: consecutive lines, oldest first, none twice (0 is the visitor's first words).
    for (const snap of walk.snapshots) {
      const lines = snap.filter((n) => n > 0);
      expect(lines).toEqual(lines.map((_, i) => lines[0]! + i));
    }
    // Together they cover the whole conversation.
    const seen = new Set(walk.snapshots.flat());
    expect(seen.size).toBe(TOTAL);
    expect(walk.jumps).toEqual([]);
    // A bounded window, however long the conversation.
    expect(walk.mostRendered).toBeLessThanOrEqual(220);
  }, 120_000);

  it('brings the newest back by scrolling down, and follows new messages at the bottom', async () => {
    const page = t.visitor.page;
    const list = page.getByTestId('message-list');
    await expect
      .poll(
        async () => {
          await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
          return message(page, 'agent', line(TOTAL - 1)).count();
        },
        { timeout: 60_000, interval: 50 },
      )
      .toBe(1);
    await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
    expect(await rendered(page)).toBeLessThanOrEqual(220);
    // An agent's new message shows, and the list stays pinned to it.
    const pinned = async () => list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 48);
    expect((await agentSend('a new answer')).status).toBe(201);
    await message(page, 'agent', 'a new answer').waitFor();
    await expect.poll(pinned).toBe(true);
    await sendText(page, 'still here');
    await message(page, 'visitor', 'still here').waitFor();
    await expect.poll(pinned).toBe(true);
  });

  it('shows the visitor their own new message even while they read far back', async () => {
    const page = t.visitor.page;
    const list = page.getByTestId('message-list');
    // Read back by keyboard: the focused list scrolls with Page Up and reads older messages.
    await list.focus();
    for (let i = 0; i < 40; i++) await page.keyboard.press('PageUp');
    await expect.poll(async () => (await list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)) > 2000).toBe(true);
    // Page Up scrolls smoothly: let it come to rest (as a visitor reading would) before typing.
    let at = -1;
    await expect.poll(async () => at === (at = await list.evaluate((el) => el.scrollTop)), { interval: 200 }).toBe(true);
    await sendText(page, 'back to the present');
    await message(page, 'visitor', 'back to the present').waitFor();
    await expect.poll(() => list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 48)).toBe(true);
  });

  it('raised no uncaught error', () => {
    expect(t.visitor.errors).toEqual([]);
  });
});
