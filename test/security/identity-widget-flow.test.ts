/**
 * Issue 8 item 3 end to end in Chromium: the site's backend mints a context token with its Server
 * API key (`/server/visitor-context-token`), the page hands it to the widget through
 * `Ringnity('boot', { getContextToken })`, and `/sdk/session` verifies it. Sessions here live 3 s,
 * so the widget renews while the test runs: it asks the page for a fresh context token each
 * time and stays the same verified visitor. The Server API key never reaches the browser.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { client } from '../contract/support.ts';
import { launchChromium, openPage } from '../e2e/browser.ts';
import { message, sendText } from '../e2e/two-sides.ts';

let server: TestServer;
let browser: Browser;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startTestServer({ sessionTtlSeconds: 3, tenantSettings: { aiRouting: 'human_only' } }),
    // The page is given through `page.route`: Chromium would count it as public and block its
    // socket to 127.0.0.1 (Local Network Access); a real site is not affected.
    launchChromium(['--disable-features=LocalNetworkAccessChecks']),
  ]);
  api = client(server);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const SITE = `<!doctype html><title>Shop</title><body><h1>My account</h1>
<script>
  window.Ringnity = window.Ringnity || function () { (Ringnity.q = Ringnity.q || []).push(arguments); };
  window.tokenCalls = 0;
  Ringnity('boot', {
    slug: 'acme',
    getContextToken: async () => {
      window.tokenCalls++;
      const res = await fetch('/my-backend/chat-token', { method: 'POST' });
      return (await res.json()).token;
    },
  });
</script>
<script src="/loader.js" async></script></body>`;

describe('the customer-backend flow in the widget', () => {
  it('verifies the visitor through getContextToken, and asks again at each renewal', async () => {
    const { page } = await openPage(await browser.newContext());
    const keysSeen: string[] = [];
    page.on('request', (r) => {
      const auth = r.headers().authorization;
      if (auth) keysSeen.push(auth);
    });
    // "The site's backend": mints with the Server API key, server side.
    await page.route(`${server.origin}/my-backend/chat-token`, async (route) => {
      const minted = await api.call('POST', '/server/visitor-context-token', {
        headers: { authorization: `Bearer ${server.serverApiKey}` },
        body: { visitor: { externalId: 'shop-user-31', name: 'Kari Nordmann', email: 'kari@example.com' } },
      });
      await route.fulfill({ contentType: 'application/json', body: JSON.stringify({ token: minted.body.data.token }) });
    });
    await page.route(`${server.origin}/shop`, (route) => route.fulfill({ contentType: 'text/html', body: SITE }));
    await page.goto(`${server.origin}/shop`);
    await page.getByTestId('launcher').click();
    await page.getByTestId('composer-input').waitFor();
    await sendText(page, 'Hello, I am signed in');
    await message(page, 'visitor', 'Hello, I am signed in').and(page.locator('[data-state="sent"],[data-state="delivered"],[data-state="read"]')).waitFor();

    const agent = await api.agentToken();
    const list = async () => (await api.call('GET', '/agent-sdk/conversations', { token: agent })).body.data.conversations as Array<Record<string, unknown>>;
    const mine = async () => (await list()).filter((c) => c.visitorName === 'Kari Nordmann');
    expect(await mine()).toEqual([expect.objectContaining({ visitorVerified: true, visitorEmail: 'kari@example.com' })]);
    const calls = (p: Page) => p.evaluate(() => (window as unknown as { tokenCalls: number }).tokenCalls);
    const first = await calls(page);
    expect(first).toBeGreaterThanOrEqual(1);

    // A renewal (the session lives 3 s) asks for a fresh context token; the visitor stays the same one.
    await vi.waitFor(async () => expect(await calls(page)).toBeGreaterThan(first), { timeout: 10_000, interval: 200 });
    await sendText(page, 'Still me after the renewal');
    await message(page, 'visitor', 'Still me after the renewal').and(page.locator('[data-state="sent"],[data-state="delivered"],[data-state="read"]')).waitFor();
    const after = await mine();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ visitorVerified: true });
    expect(keysSeen.join()).not.toContain(server.serverApiKey);
  });
});
