import { describe, expect, it } from 'vitest';
import { message, openConversation, sendText, useTwoSides } from './two-sides.ts';

// A single-page app (demo/site/spa.html: the script tag, routes by history.pushState): the agent
// sees which page the visitor is on, and sees it change without a reload.
describe('SPA route changes', () => {
  const t = useTwoSides({ signIn: true });

  it('shows the agent the page the visitor is on, and the new one after a pushState route change', async () => {
    const { page } = t.visitor;
    await page.goto(`${t.server.origin}/spa.html?page=tents`);
    await page.evaluate(() => Ringnity('update', { plan: 'pro' }));
    await page.getByTestId('launcher').click();
    await page.getByTestId('composer-input').waitFor();
    await sendText(page, 'Which tent for two?');
    await message(page, 'visitor', 'Which tent for two?').waitFor();

    const agent = t.agent.page;
    await openConversation(agent, 'Which tent for two?');
    // A route change after the conversation started reaches the console live.
    await page.getByTestId('route-boots').click();
    const where = agent.getByTestId('visitor-page-url');
    await where.filter({ hasText: 'Acme Outdoor · Boots' }).waitFor();
    expect(await where.textContent()).toContain(`${t.server.origin}/spa.html?page=boots`);
    expect(await where.locator('a').getAttribute('rel')).toBe('noopener noreferrer');
    expect(await agent.getByTestId('visitor-attribute').allTextContents()).toEqual(['plan: pro']);
    expect(t.visitor.errors).toEqual([]);
  });

  it('runs a chat UI of its own on the runtime core (demo/site/headless.html), without the widget', async () => {
    const context = await t.browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${t.server.origin}/headless.html`);
    await page.getByTestId('headless-input').fill('Do the boots run small?');
    await page.getByTestId('headless-send').click();
    await page.getByTestId('headless-status').filter({ hasText: 'Connected' }).waitFor();

    const agent = t.agent.page;
    await openConversation(agent, 'Do the boots run small?');
    await agent.getByTestId('reply-input').fill('Half a size, take one up.');
    await agent.getByTestId('reply-input').press('Enter');
    await page.locator('[data-sender="agent"]', { hasText: 'Half a size, take one up.' }).waitFor();
    expect(await page.locator('ringnity-widget').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
