import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openChat, sendText, useTwoSides } from './two-sides.ts';

// One verified visitor on two devices (two browser contexts): the conversation started on the
// first is listed on the second, and opens there read-only. The script tag has no way to pass a
// context token yet, so each device's session request gets the token the site's backend minted
// (as a site that passes it would send it).
describe('a conversation from another device', () => {
  const t = useTwoSides();

  async function verifiedAs(page: Page, externalId: string): Promise<void> {
    const res = await fetch(`${t.server.baseUrl}/server/visitor-context-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.server.serverApiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ visitor: { externalId, name: 'Kari Nordmann', email: 'kari@example.com' } }),
    });
    expect(res.status).toBe(201);
    const { data } = (await res.json()) as { data: { token: string } };
    await page.route('**/api/sdk/session', (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as Record<string, unknown>;
      return route.continue({ postData: JSON.stringify({ ...body, contextToken: data.token }) });
    });
  }


  it('shows it without a composer or rating, with the way back to this device’s conversation', async () => {
    // Both "sides" are the same visitor here: the first device, then the second.
    const [first, second] = [t.visitor.page, t.agent.page];
    await verifiedAs(first, 'cust-4711');
    await verifiedAs(second, 'cust-4711');
    await openChat(first, t.server.origin);
    await sendText(first, 'Started on my laptop');
    await first.locator('[data-testid="message"][data-state="sent"], [data-testid="message"][data-state="delivered"]').first().waitFor();

    await openChat(second, t.server.origin);
    await second.getByTestId('past-conversations').click();
    const item = second.getByTestId('past-item').filter({ hasText: 'Started on my laptop' });
    await item.click();

    const note = second.getByTestId('read-only');
    await note.waitFor();
    expect(await note.innerText()).toContain('started on another device and can only be read here');
    await second.locator('[data-testid="message"]', { hasText: 'Started on my laptop' }).waitFor();
    expect(await second.getByTestId('composer-input').count()).toBe(0);
    expect(await second.getByTestId('attach-input').count()).toBe(0);
    expect(await second.getByTestId('ended').count()).toBe(0);

    await second.getByTestId('new-conversation').click();
    await second.getByTestId('composer-input').waitFor();
    expect(await second.getByTestId('read-only').count()).toBe(0);
    expect(t.visitor.errors.concat(t.agent.errors).filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
