import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { launchChromium, openPage } from './browser.ts';

// The demo as a new user meets it: the demo site with the pasted script tag on one side,
// the agent console on the other, both in real Chromium against the real server.
describe('visitor and agent chat live', () => {
  let server: TestServer;
  let browser: Browser;
  let visitorContext: BrowserContext;
  let agentContext: BrowserContext;
  let visitor: { page: Page; errors: string[] };
  let agent: { page: Page; errors: string[] };

  beforeAll(async () => {
    // People answer here: the demo tenant's default routing (ai_first) has the AI answer first.
    [server, browser] = await Promise.all([startTestServer({ tenantSettings: { aiRouting: 'human_only' } }), launchChromium()]);
    visitorContext = await browser.newContext();
    agentContext = await browser.newContext();
    visitor = await openPage(visitorContext);
    agent = await openPage(agentContext);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the launcher on the demo site', async () => {
    await visitor.page.goto(`${server.origin}/`);
    const launcher = visitor.page.getByTestId('launcher');
    await launcher.waitFor({ state: 'visible' });
    expect(await launcher.getAttribute('aria-label')).toMatch(/chat/i);
  });

  it('delivers a visitor message to the console and the reply back, live', async () => {
    const { page } = visitor;
    await page.getByTestId('launcher').click();
    await page.getByTestId('composer-input').waitFor();
    await page.getByTestId('composer-input').fill('Hello, do you ship to Norway?');
    await page.getByTestId('composer-input').press('Enter');
    await page.locator('[data-testid="message"][data-sender="visitor"]', { hasText: 'ship to Norway' }).waitFor();

    const desk = agent.page;
    await desk.goto(`${server.origin}/console`);
    await desk.getByTestId('login-username').fill('demo');
    await desk.getByTestId('login-password').fill('demo');
    await desk.getByTestId('login-submit').click();
    const item = desk.getByTestId('conversation-item').filter({ hasText: 'ship to Norway' });
    await item.waitFor();
    await item.click();
    await desk.locator('[data-testid="message"][data-sender="visitor"]', { hasText: 'ship to Norway' }).waitFor();

    // Agent → visitor, live over the socket (no reload on either side).
    await desk.getByTestId('reply-input').fill('Yes, we ship to all of Scandinavia.');
    await desk.getByTestId('reply-send').click();
    await page.locator('[data-testid="message"][data-sender="agent"]', { hasText: 'all of Scandinavia' }).waitFor();

    // Visitor → agent, live, with the console already open.
    await page.getByTestId('composer-input').fill('Great, thanks!');
    await page.getByTestId('composer-input').press('Enter');
    await desk.locator('[data-testid="message"][data-sender="visitor"]', { hasText: 'Great, thanks!' }).waitFor();

    // The visitor's own message settles as sent (confirmed by the server).
    await page
      .locator('[data-testid="message"][data-sender="visitor"]', { hasText: 'Great, thanks!' })
      .and(page.locator('[data-state="sent"], [data-state="delivered"], [data-state="read"]'))
      .waitFor();
  });

  it('keeps the conversation after a reload', async () => {
    const { page } = visitor;
    await page.reload();
    await page.getByTestId('launcher').click();
    await page.locator('[data-testid="message"][data-sender="agent"]', { hasText: 'all of Scandinavia' }).waitFor();
    const texts = await page.getByTestId('message').allInnerTexts();
    const joined = texts.join('\n');
    expect(joined).toContain('ship to Norway');
    expect(joined).toContain('Great, thanks!');
    // Nothing shown twice after the reload.
    expect(texts.filter((t) => t.includes('Great, thanks!'))).toHaveLength(1);
  });

  it('raised no uncaught error on either side', () => {
    expect(visitor.errors).toEqual([]);
    expect(agent.errors).toEqual([]);
  });
});
