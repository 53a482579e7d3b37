import { beforeAll, describe, expect, it } from 'vitest';
import { holdRequests } from './browser.ts';
import { message, openConversation, sendText, signIn, useTwoSides } from './two-sides.ts';

// The agent's reply box while a reply is on its way: what the agent goes on typing is theirs.
describe('console reply box', () => {
  const t = useTwoSides({ openChat: true, signIn: false });

  beforeAll(async () => {
    await sendText(t.visitor.page, 'Is the Fjell 45 waterproof?');
    await signIn(t.agent.page, t.server.origin);
    await openConversation(t.agent.page, 'Fjell 45');
  });

  it('keeps the next words the agent types while the previous reply is still being sent', async () => {
    const desk = t.agent.page;
    // The reply's POST is held until the agent has typed on.
    const replies = await holdRequests(desk, '**/api/agent-sdk/conversations/*/messages', (method) => method === 'POST');
    const input = desk.getByTestId('reply-input');
    await input.fill('Yes, fully taped seams.');
    const answered = desk.waitForResponse((r) => r.url().includes('/api/agent-sdk/conversations/') && r.request().method() === 'POST');
    await input.press('Enter');
    await input.pressSequentially('And the zip is waterproof too', { delay: 10 });
    await expect.poll(() => replies.count).toBe(1);
    replies.release();
    await answered;
    await message(t.visitor.page, 'agent', 'fully taped seams').waitFor();
    expect(await input.inputValue()).toBe('And the zip is waterproof too');
    await desk.unroute('**/api/agent-sdk/conversations/*/messages');
  });

  it('puts the words back when the reply could not be sent, and sends them once on a second try', async () => {
    const desk = t.agent.page;
    // Every attempt refused (the console's HTTP client repeats a 503 on its own) until the second try.
    let refusing = true;
    let refused = 0;
    await desk.route('**/api/agent-sdk/conversations/*/messages', (route) => {
      if (route.request().method() !== 'POST' || !refusing) return route.fallback();
      refused++;
      return route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ success: false, code: 'INTERNAL_ERROR', message: 'Restarting (test).' }) });
    });
    const input = desk.getByTestId('reply-input');
    await input.fill('Sizes run small, take one up.');
    await input.press('Enter');
    // The console says why (its alert), and the words are back in the box.
    await desk.locator('p.problem[role="alert"]').waitFor();
    expect(refused).toBeGreaterThan(0);
    await expect.poll(() => input.inputValue()).toBe('Sizes run small, take one up.');
    refusing = false;
    await input.press('Enter');
    await message(t.visitor.page, 'agent', 'Sizes run small').waitFor();
    expect(await input.inputValue()).toBe('');
    expect(await message(t.visitor.page, 'agent', 'Sizes run small').count()).toBe(1);
  });

  it('sends two replies in the order the agent sent them, the second waiting for the first', async () => {
    const desk = t.agent.page;
    // Only the first reply's POST is held: a second sent alongside would overtake it.
    let posts = 0;
    const first = await holdRequests(desk, '**/api/agent-sdk/conversations/*/messages', (method) => method === 'POST' && ++posts === 1);
    const input = desk.getByTestId('reply-input');
    await input.fill('First: the hood is detachable.');
    await input.press('Enter');
    await expect.poll(() => first.count).toBe(1);
    await input.fill('Second: it packs into its pocket.');
    await input.press('Enter');
    first.release();
    const second = message(t.visitor.page, 'agent', 'Second: it packs');
    await second.waitFor();
    const texts = await t.visitor.page.locator('[data-testid="message"][data-sender="agent"]').allInnerTexts();
    const at = texts.findIndex((x) => x.includes('First: the hood'));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(at).toBeLessThan(texts.findIndex((x) => x.includes('Second: it packs')));
    await desk.unroute('**/api/agent-sdk/conversations/*/messages');
  });

  it('puts a failed reply back ahead of what the agent typed while it travelled', async () => {
    const desk = t.agent.page;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // Held, then refused (every attempt: the console's HTTP client repeats a 503 on its own).
    await desk.route('**/api/agent-sdk/conversations/*/messages', async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      await released;
      return route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ success: false, code: 'INTERNAL_ERROR', message: 'Restarting (test).' }) });
    });
    const input = desk.getByTestId('reply-input');
    await input.fill('We ship to Norway.');
    await input.press('Enter');
    await input.pressSequentially('Delivery takes', { delay: 10 });
    release();
    await expect.poll(() => input.inputValue()).toBe('We ship to Norway.\n\nDelivery takes');
    await desk.unroute('**/api/agent-sdk/conversations/*/messages');
  });

  it('raised no uncaught error on either side', () => {
    expect(t.visitor.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    expect(t.agent.errors.filter((e) => !e.includes('503'))).toEqual([]);
  });
});
