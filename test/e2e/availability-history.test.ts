import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { launchChromium, openPage } from './browser.ts';
import { agentHeaders, message, openChat, sendText, signIn, useTwoSides } from './two-sides.ts';

// Issue 3, items 6, 7 and 9: nobody online, leaving an email, identity shown to the agent as
// unverified, and a long history read page by page without the scroll jumping.
describe('availability, identity and long history', () => {
  const t = useTwoSides({ signIn: true });

  it('lets a visitor leave an email while nobody is online, shown to the agent as unverified', async () => {
    const desk = t.agent.page;
    await desk.getByTestId('presence').selectOption('offline');
    const visitor = t.visitor.page;
    await openChat(visitor, t.server.origin);
    await visitor.locator('[data-testid="availability"][data-state="offline"]').waitFor();
    expect(await visitor.getByTestId('availability').innerText()).toMatch(/Offline.*Leave a message/);

    // A malformed email is refused on the spot.
    await visitor.getByTestId('prechat-email').fill('sam@');
    await visitor.getByTestId('prechat-submit').click();
    await visitor.locator('[data-testid="prechat-email"][aria-invalid="true"]').waitFor();
    await visitor.getByTestId('prechat-email').fill('sam@example.com');
    await visitor.getByTestId('prechat-submit').click();
    await visitor.getByTestId('offline-form').waitFor({ state: 'detached' });
    await sendText(visitor, 'Please call me back about my order');

    await desk.getByTestId('conversation-item').filter({ hasText: 'call me back' }).click();
    const identity = desk.getByTestId('visitor-identity');
    await identity.filter({ hasText: 'sam@example.com' }).waitFor();
    expect(await identity.innerText()).toMatch(/unverified/);
    await desk.getByTestId('presence').selectOption('available');
    await visitor.locator('[data-testid="availability"][data-state="online"]').waitFor();
  });

  it('reads a long conversation page by page on scroll-up without jumping', async () => {
    const { server } = t;
    // 150 agent messages through the agent API (what the console would send).
    const headers = await agentHeaders(server);
    const list = await fetch(`${server.baseUrl}/agent-sdk/conversations?status=open`, { headers });
    const id = ((await list.json()) as { data: { conversations: { conversationId: string; lastMessagePreview?: string }[] } }).data.conversations.find(
      (c) => c.lastMessagePreview?.includes('call me back'),
    )!.conversationId;
    for (let i = 1; i <= 150; i++) {
      const res = await fetch(`${server.baseUrl}/agent-sdk/conversations/${id}/messages`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ body: `History line ${i}`, messageType: 'text', clientMessageId: crypto.randomUUID() }),
      });
      expect(res.status).toBe(201);
    }

    const visitor = t.visitor.page;
    await visitor.reload();
    await visitor.getByTestId('launcher').click();
    await message(visitor, 'agent', 'History line 150').waitFor();
    // The latest page only: the first lines are not there yet.
    const line = (n: number) => visitor.locator('[data-testid="message"] .bubble', { hasText: new RegExp(`^History line ${n}$`) });
    expect(await line(1).count()).toBe(0);
    const shown = await message(visitor, 'agent').count();
    expect(shown).toBeLessThan(150);

    // Scroll to the top: the previous page arrives and what was at the top stays in view.
    const list_ = visitor.getByTestId('message-list');
    const oldest = Number(/\d+$/.exec(await message(visitor, 'agent').first().locator('.bubble').innerText())![0]);
    await list_.evaluate((el) => (el.scrollTop = 0));
    await expect.poll(() => message(visitor, 'agent').count()).toBeGreaterThan(shown);
    await line(oldest - 1).waitFor();
    const stillVisible = await line(oldest).evaluate((el) => {
      const list = el.closest('[data-testid="message-list"]')!.getBoundingClientRect();
      const box = el.getBoundingClientRect();
      return box.bottom > list.top && box.top < list.bottom;
    });
    expect(stillVisible).toBe(true);

    // Keep scrolling up until the very first message.
    await expect
      .poll(async () => {
        await list_.evaluate((el) => (el.scrollTop = 0));
        return message(visitor, 'visitor', 'call me back').count();
      })
      .toBe(1);
  });

  it('raised no uncaught error on either side', () => {
    expect(t.visitor.errors).toEqual([]);
    expect(t.agent.errors).toEqual([]);
  });
});

// Issue 3, item 7: a tenant that requires a name and email before the first message.
describe('pre-chat form required by the tenant', () => {
  let server: TestServer;
  let browser: Browser;
  let contexts: BrowserContext[];
  const reported: string[][] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ tenantSettings: { preChatForm: 'required', aiRouting: 'human_only' } }), launchChromium()]);
    contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('asks for a name and a valid email before the first message, and the agent sees the name', async () => {
    const [visitor, agent] = await Promise.all(contexts.map((c) => openPage(c)));
    reported.push(visitor!.errors, agent!.errors);
    const page = visitor!.page;
    await page.goto(`${server.origin}/`);
    await page.getByTestId('launcher').click();
    await page.getByTestId('prechat').waitFor();
    expect(await page.getByTestId('composer-input').count()).toBe(0);

    await page.getByTestId('prechat-name').fill('Kari Nordmann');
    await page.getByTestId('prechat-email').fill('kari@');
    await page.getByTestId('prechat-submit').click();
    await page.locator('[data-testid="prechat-email"][aria-invalid="true"]').waitFor();
    expect(await page.getByTestId('composer-input').count()).toBe(0);

    await page.getByTestId('prechat-email').fill('kari@example.com');
    await page.getByTestId('prechat-submit').click();
    await page.getByTestId('composer-input').waitFor();
    await sendText(page, 'Which boots for a wet autumn?');
    await message(page, 'visitor', 'wet autumn').and(page.locator('[data-state="sent"], [data-state="delivered"], [data-state="read"]')).waitFor();

    const desk = agent!.page;
    await signIn(desk, server.origin);
    const item = desk.getByTestId('conversation-item').filter({ hasText: 'wet autumn' });
    await item.filter({ hasText: 'Kari Nordmann' }).waitFor();
    await item.click();
    await desk.getByTestId('visitor-identity').filter({ hasText: 'kari@example.com' }).waitFor();
  });

  it('raised no uncaught error on either side', () => {
    expect(reported.flat()).toEqual([]);
  });
});
