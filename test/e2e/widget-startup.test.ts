import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { launchChromium, openPage } from './browser.ts';
import { message, sendText } from './two-sides.ts';
import { contrast } from '../../widget/ink.ts';
import { serveHostPage } from './static-host.ts';

const settled = '[data-state="sent"], [data-state="delivered"], [data-state="read"]';

// When the widget starts its runtime: not for an anonymous page view, at once for a returning
// visitor, and again by itself after a start-up that failed for a transient reason.
describe('widget start-up', () => {
  let server: TestServer;
  let browser: Browser;
  const opened: BrowserContext[] = [];
  const reported: string[][] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function visitor(): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.newContext();
    opened.push(context);
    const side = await openPage(context);
    reported.push(side.errors);
    return { page: side.page, context };
  }

  /** Every `/api/...` path the page requests, in order. */
  function apiCalls(page: Page): string[] {
    const calls: string[] = [];
    page.on('request', (r) => {
      const { pathname } = new URL(r.url());
      if (pathname.startsWith('/api/')) calls.push(pathname);
    });
    return calls;
  }

  it('creates no visitor for a first-time page view until the chat is opened, and starts at load once it is a returning one', async () => {
    const { page } = await visitor();
    const calls = apiCalls(page);
    await page.goto(`${server.origin}/`);
    // Hovering loads the app (as the idle timer would); it then decides whether to start.
    const app = page.waitForResponse((r) => r.url().endsWith('/widget/app.js'));
    await page.getByTestId('launcher').hover();
    await app;
    await page.locator('button.launcher').waitFor();
    // The decision was taken (reading whether this browser holds a visitor opens the database),
    // and whatever it would send has had the time to go out.
    await expect.poll(() => page.evaluate(async () => (await indexedDB.databases()).some((d) => d.name === 'ringnity'))).toBe(true);
    await page.waitForLoadState('networkidle');
    expect(calls).toEqual([]);

    const started = page.waitForRequest((r) => r.url().endsWith('/api/sdk/session'));
    await page.getByTestId('launcher').click();
    await started;
    // The tenant is ai_first: write once its composer is there (the first one gives way when the bootstrap comes).
    await page.getByTestId('ai-handoff').waitFor();
    await sendText(page, 'Do you have the Ridgeline 2 in green?');
    await message(page, 'visitor', 'Ridgeline 2').and(page.locator(settled)).waitFor();

    // Back on the site later: a returning visitor's runtime starts without opening the chat
    // (so the unread badge and live replies work).
    calls.length = 0;
    const session = page.waitForRequest((r) => r.url().endsWith('/api/sdk/session'));
    await page.reload();
    await page.getByTestId('launcher').hover();
    await session;
    expect(await page.getByTestId('panel').count()).toBe(0);
  });

  it('recovers by itself, without a click, when start-up fails with 503', async () => {
    const { page } = await visitor();
    // The first start-up's bootstrap fails, as when the server restarts: all three attempts
    // (the core's HTTP client repeats a 503 twice on its own before start() gives up).
    const ATTEMPTS = 3;
    let refusals = 0;
    await page.route('**/api/sdk/bootstrap*', (route) => {
      if (refusals >= ATTEMPTS) return route.fallback();
      refusals++;
      return route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ success: false, code: 'INTERNAL_ERROR', message: 'Restarting (test).' }),
      });
    });
    let answered = 0;
    const refused = new Promise<void>((resolve) =>
      page.on('response', (r) => r.url().includes('/api/sdk/bootstrap') && r.status() === 503 && ++answered === ATTEMPTS && resolve()),
    );
    await page.goto(`${server.origin}/`);
    await page.getByTestId('launcher').click();
    await refused;
    // A quiet banner, not the error state; the composer stays usable.
    await page.getByTestId('connection-banner').waitFor();
    expect(await page.getByTestId('error-state').count()).toBe(0);
    await sendText(page, 'Sent while the chat was still starting');
    // No click anywhere: start-up is retried and the message goes out.
    await message(page, 'visitor', 'still starting').and(page.locator(settled)).waitFor();
    await page.getByTestId('connection-banner').waitFor({ state: 'detached' });
  });

  it('shows the install snippet with the origin the demo is served from', async () => {
    const { page } = await visitor();
    await page.goto(`${server.origin}/`);
    const snippet = page.getByTestId('install-snippet');
    await expect.poll(() => snippet.innerText()).toBe(`<script src="${server.origin}/loader.js" data-slug="acme" async></script>`);
  });

  it("draws the loader's launcher icon readable on a light tenant colour before the app arrives", async () => {
    const host = await serveHostPage(`<!doctype html><title>Shop</title><script src="${server.origin}/loader.js" data-slug="acme" data-color="#ffd400" async></script>`);
    try {
      const { page } = await visitor();
      // The app never arrives (its request is held, unanswered): the loader's own launcher stays.
      await page.route('**/widget/app.js', () => undefined);
      await page.goto(host.origin);
      const launcher = page.getByTestId('launcher');
      await launcher.waitFor();
      const [icon, background] = await launcher.evaluate((button) => {
        const rgb = (css: string) => `#${(css.match(/\d+/g) ?? []).slice(0, 3).map((n) => (+n).toString(16).padStart(2, '0')).join('')}`;
        return [rgb(getComputedStyle(button, '::before').backgroundColor), rgb(getComputedStyle(button).backgroundColor)];
      });
      expect(background).toBe('#ffd400');
      // WCAG 1.4.11 (a control's icon): at least 3:1. White on this yellow is 1.4:1.
      expect(contrast(icon, background)).toBeGreaterThanOrEqual(3);
    } finally {
      await host.close();
    }
  });

  it("keeps the loader's launcher icon visible in forced colours (Windows High Contrast)", async () => {
    const host = await serveHostPage(`<!doctype html><title>Shop</title><script src="${server.origin}/loader.js" data-slug="acme" async></script>`);
    try {
      const { page } = await visitor();
      await page.route('**/widget/app.js', () => undefined);
      // What Windows High Contrast does to the page: Chromium's own emulation (CDP Emulation.setEmulatedMedia).
      await page.emulateMedia({ forcedColors: 'active' });
      await page.goto(host.origin);
      const launcher = page.getByTestId('launcher');
      await launcher.waitFor();
      await expect(page.evaluate(() => matchMedia('(forced-colors: active)').matches)).resolves.toBe(true);
      const [icon, background] = await launcher.evaluate((button) => [getComputedStyle(button, '::before').backgroundColor, getComputedStyle(button).backgroundColor]);
      // The icon is drawn, in a colour other than the button's.
      expect(icon).not.toBe('rgba(0, 0, 0, 0)');
      expect(icon).not.toBe(background);
      const rgb = (css: string) => `#${(css.match(/\d+/g) ?? []).slice(0, 3).map((n) => (+n).toString(16).padStart(2, '0')).join('')}`;
      expect(contrast(rgb(icon), rgb(background))).toBeGreaterThanOrEqual(3);
    } finally {
      await host.close();
    }
  });

  it("keeps boot({ getContextToken }) on a tag with data-slug: the signed-in visitor's token goes with the session", async () => {
    // A shop on an origin of its own, which a server of its own allows (the page is written
    // once that server's address is known).
    let html = '';
    const shop = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    const shopOrigin = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
    const own = await startTestServer({ allowedOrigins: [shopOrigin] });
    let shopper: BrowserContext | undefined;
    try {
      // What the site's backend does for its signed-in user.
      const minted = await fetch(`${own.baseUrl}/server/visitor-context-token`, {
        method: 'POST',
        headers: { authorization: `Bearer ${own.serverApiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ visitor: { externalId: 'kari-tag', name: 'Kari' } }),
      });
      const token = ((await minted.json()) as { data: { token: string } }).data.token;
      // The README's first tag, with the Security section's boot call added.
      html = `<!doctype html><title>Shop</title>
        <script>
          window.Ringnity = window.Ringnity || function () { (Ringnity.q = Ringnity.q || []).push(arguments); };
          window.asked = 0;
          Ringnity('boot', { getContextToken: async () => { window.asked++; return ${JSON.stringify(token)}; } });
        </script>
        <script src="${own.origin}/loader.js" data-slug="acme" async></script>`;
      const { page, context } = await visitor();
      shopper = context;
      const sessions: string[] = [];
      page.on('request', (r) => void (new URL(r.url()).pathname === '/api/sdk/session' && sessions.push(r.postData() ?? '')));
      await page.goto(shopOrigin);
      await page.getByTestId('launcher').click();
      await page.getByTestId('composer-input').waitFor();
      // The widget the chat runs on mints with the callback's token. (A click before the command
      // API arrived may still have started the first screen's widget without it.)
      const carried = () => sessions.map((body) => (JSON.parse(body) as { contextToken?: string }).contextToken);
      await vi.waitFor(() => expect(carried().at(-1)).toBe(token), { timeout: 10_000 });
      await expect(page.evaluate(() => (window as unknown as { asked: number }).asked)).resolves.toBeGreaterThan(0);
      // And the chat works as that visitor.
      await sendText(page, 'Signed in, from the tag');
      await message(page, 'visitor', 'Signed in, from the tag').and(page.locator(settled)).waitFor();
    } finally {
      // Closed before its server, so its socket's reconnecting is no error of the page.
      await shopper?.close();
      await own.close();
      await new Promise((resolve) => shop.close(resolve));
    }
  });

  it('raised no uncaught error', async () => {
    for (const context of opened) await context.close();
    // The refused bootstrap shows as the browser's own "Failed to load resource" line.
    expect(reported.flat().filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
