import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { launchChromium, openPage } from './browser.ts';
import { message, openChat, sendText } from './two-sides.ts';

// The widget's own behaviour on a host page, one fresh browser context (a new visitor) per test.
describe('widget behaviour on the host page', () => {
  let server: TestServer;
  let browser: Browser;
  const opened: BrowserContext[] = [];
  const reported: string[][] = [];

  beforeAll(async () => {
    // People answer here: the demo tenant's default routing (ai_first) has the AI answer first.
    [server, browser] = await Promise.all([startTestServer({ tenantSettings: { aiRouting: 'human_only' } }), launchChromium()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function visitor(): Promise<Page> {
    const context = await browser.newContext();
    opened.push(context);
    const side = await openPage(context);
    reported.push(side.errors);
    return side.page;
  }

  it('opens the panel for a Ringnity("open") call made before the loader ran', async () => {
    const page = await visitor();
    // What a site does with the usual stub snippet: queue calls until the loader arrives.
    await page.addInitScript(() => {
      type Stub = ((...args: unknown[]) => void) & { q?: unknown[] };
      const w = window as unknown as { Ringnity: Stub };
      w.Ringnity = function (...args: unknown[]) {
        (w.Ringnity.q = w.Ringnity.q ?? []).push(args);
      };
      w.Ringnity('open');
    });
    await page.goto(`${server.origin}/`);
    await page.getByTestId('panel').waitFor();
    await page.getByTestId('composer-input').waitFor();
  });

  it('shows one launcher when the tag is pasted twice', async () => {
    const page = await visitor();
    const tag = `<script src="${server.origin}/loader.js" data-slug="acme" async></script>`;
    await page.route(`${server.origin}/twice.html`, (route) =>
      route.fulfill({ contentType: 'text/html', body: `<!doctype html><html><body><h1>Shop</h1>${tag}${tag}</body></html>` }),
    );
    // `load` waits for both async scripts to have run.
    await page.goto(`${server.origin}/twice.html`);
    await page.getByTestId('launcher').waitFor();
    expect(await page.locator('ringnity-widget').count()).toBe(1);
    await page.getByTestId('launcher').click();
    await page.getByTestId('composer-input').waitFor();
    expect(await page.getByTestId('launcher').count()).toBe(1);
  });

  it('makes a new line with Shift+Enter and sends with Enter', async () => {
    const page = await visitor();
    await openChat(page, server.origin);
    const input = page.getByTestId('composer-input');
    await input.fill('First line');
    await input.press('Shift+Enter');
    await input.pressSequentially('second line');
    expect(await input.inputValue()).toBe('First line\nsecond line');
    expect(await message(page, 'visitor').count()).toBe(0);
    await input.press('Enter');
    const sent = message(page, 'visitor', 'second line');
    await sent.and(page.locator('[data-state="sent"], [data-state="delivered"], [data-state="read"]')).waitFor();
    expect(await sent.innerText()).toMatch(/First line\s*\n\s*second line/);
    expect(await input.inputValue()).toBe('');
  });

  it('shows Retry on a failed send and sends it on Retry', async () => {
    const page = await visitor();
    await openChat(page, server.origin);
    // The server refuses the first message post (an answer that will not change by waiting).
    let refused = false;
    await page.route('**/api/chat/visitor/conversations/*/messages', (route) => {
      if (route.request().method() !== 'POST' || refused) return route.fallback();
      refused = true;
      return route.fulfill({
        status: 422,
        contentType: 'application/json',
        body: JSON.stringify({ success: false, code: 'VALIDATION_FAILED', message: 'Refused once by the test.' }),
      });
    });
    await sendText(page, 'Is the Fjell 45 waterproof?');
    const entry = message(page, 'visitor', 'Fjell 45 waterproof');
    await entry.and(page.locator('[data-state="failed"]')).waitFor();
    await entry.getByTestId('retry').click();
    await entry.and(page.locator('[data-state="sent"], [data-state="delivered"], [data-state="read"]')).waitFor();
    expect(await message(page, 'visitor', 'Fjell 45 waterproof').count()).toBe(1);
  });

  it('shows the connection banner while the socket is down and hides it when it is back', async () => {
    const page = await visitor();
    // `setOffline` does not cut WebSockets (playwright#4910): the socket goes through a route we can cut.
    let cut = false;
    const live: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/api\/realtime/, (ws) => {
      if (cut) return ws.close({ code: 4000, reason: 'offline (test)' });
      ws.connectToServer();
      live.push(ws);
    });
    await openChat(page, server.origin);
    const banner = page.getByTestId('connection-banner');
    expect(await banner.count()).toBe(0);

    cut = true;
    await page.context().setOffline(true);
    for (const ws of live.splice(0)) await ws.close({ code: 4000, reason: 'offline (test)' });
    await page.locator('[data-testid="connection-banner"][data-status="offline"]').waitFor();
    expect(await banner.innerText()).toMatch(/offline/i);

    cut = false;
    await page.context().setOffline(false);
    await banner.waitFor({ state: 'detached' });
    // And the chat works again.
    await sendText(page, 'Back again');
    await message(page, 'visitor', 'Back again').and(page.locator('[data-state="sent"], [data-state="delivered"], [data-state="read"]')).waitFor();
  });

  it('raised no uncaught error', async () => {
    for (const context of opened) await context.close();
    // Refused requests and sockets tried while offline show as the browser's own lines; anything else is a bug.
    const own = /Failed to load resource|WebSocket connection to '.*' failed/;
    expect(reported.flat().filter((e) => !own.test(e))).toEqual([]);
  });
});
