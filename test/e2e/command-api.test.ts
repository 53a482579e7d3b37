import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { launchChromium, openPage } from './browser.ts';

// The script tag's command API (`window.Ringnity`), as a site owner uses it.
describe('command API', () => {
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    // Pages given through `page.route` come from no address, so Chromium counts them as public and
    // blocks their socket to 127.0.0.1 (Local Network Access); a site served for real is not affected.
    [server, browser] = await Promise.all([startTestServer(), launchChromium(['--disable-features=LocalNetworkAccessChecks'])]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A page on the server's origin; its WebSockets are counted in `window.__sockets`. */
  async function visit(html?: string, path = '/'): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    const { page } = await openPage(context);
    await page.addInitScript(() => {
      const Native = WebSocket;
      const sockets: WebSocket[] = [];
      Object.assign(window, { __sockets: sockets });
      window.WebSocket = class extends Native {
        constructor(...args: ConstructorParameters<typeof WebSocket>) {
          super(...args);
          sockets.push(this);
        }
      };
    });
    if (html) await page.route(`${server.origin}${path}`, (route) => route.fulfill({ contentType: 'text/html', body: html }));
    await page.goto(`${server.origin}${path}`);
    return page;
  }

  const openSockets = (page: Page) =>
    page.evaluate(() => (window as unknown as { __sockets: WebSocket[] }).__sockets.filter((s) => s.readyState <= WebSocket.OPEN).length);
  const widgets = (page: Page) => page.locator('ringnity-widget').count();
  /** What the widget keeps on the device: IndexedDB databases, localStorage keys, cookies. */
  const stored = (page: Page) =>
    page.evaluate(async () => ({
      databases: (await indexedDB.databases()).map((d) => d.name),
      localStorage: Object.keys(localStorage),
      cookies: document.cookie,
    }));

  it('runs the calls a page made before the loader arrived: boot, listeners, open', async () => {
    const page = await visit(`<!doctype html><title>Shop</title><body><h1>Shop</h1>
      <script>
        window.Ringnity = window.Ringnity || function () { (Ringnity.q = Ringnity.q || []).push(arguments); };
        window.seen = [];
        Ringnity('on', 'ready', () => seen.push('ready'));
        Ringnity('on', 'open', () => seen.push('open'));
        Ringnity('boot', { slug: 'acme', position: 'left', offsetX: 30 });
        Ringnity('open');
      </script>
      <script src="/loader.js" async></script></body>`);
    await page.getByTestId('composer-input').waitFor();
    await vi.waitFor(async () => expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual(['ready', 'open']));
    const box = await page.getByTestId('launcher').boundingBox();
    expect(box?.x).toBe(30);

    // Later calls go straight to the widget.
    await page.evaluate(() => Ringnity('close'));
    await page.getByTestId('panel').waitFor({ state: 'detached' });
    await page.evaluate(() => Ringnity('hideLauncher'));
    await page.getByTestId('launcher').waitFor({ state: 'hidden' });
    expect(await widgets(page)).toBe(1);
  });

  it('keeps one widget and one socket when the script tag is included twice and boot is called again', async () => {
    const page = await visit(`<!doctype html><title>Twice</title><body>
      <script src="/loader.js" data-slug="acme" async></script>
      <script src="/loader.js" data-slug="acme" async></script></body>`);
    await page.getByTestId('launcher').click();
    await page.getByTestId('composer-input').waitFor();
    await vi.waitFor(async () => expect(await openSockets(page)).toBe(1), { timeout: 10_000 });
    await page.evaluate(() => Ringnity('boot', { slug: 'acme' }));
    expect(await widgets(page)).toBe(1);
    expect(await openSockets(page)).toBe(1);
  });

  it("speaks the site owner's language (data-locale) whatever the browser's", async () => {
    const page = await visit(`<!doctype html><title>Tienda</title><body>
      <script src="/loader.js" data-slug="acme" data-locale="es-MX" async></script></body>`);
    await page.getByTestId('launcher').click();
    const root = page.getByTestId('widget-root');
    await expect.poll(() => root.getAttribute('lang')).toBe('es');
    expect(await page.getByTestId('launcher').getAttribute('aria-label')).toBe('Cerrar chat');
  });

  it('keeps one widget and one socket after back/forward navigation (bfcache)', async () => {
    const page = await visit();
    await page.getByTestId('launcher').click();
    await page.getByTestId('composer-input').waitFor();
    await vi.waitFor(async () => expect(await openSockets(page)).toBe(1), { timeout: 10_000 });
    await page.goto(`${server.origin}/site.css`);
    await page.goBack();
    await page.getByTestId('launcher').waitFor();
    // A returning visitor: the restored (or reloaded) page reconnects by itself, once.
    await vi.waitFor(async () => expect(await openSockets(page)).toBe(1), { timeout: 10_000 });
    expect(await widgets(page)).toBe(1);
  });

  it('stores nothing and connects nowhere until consent is given; shutdown removes everything', async () => {
    const page = await visit(`<!doctype html><title>Consent</title><body>
      <script src="/loader.js" data-slug="acme" data-consent="required" async></script></body>`);
    const api: string[] = [];
    page.on('request', (r) => new URL(r.url()).pathname.startsWith('/api/') && api.push(r.url()));
    await page.getByTestId('launcher').click();
    await page.getByTestId('consent').waitFor();
    await page.waitForLoadState('networkidle');
    expect(api).toEqual([]);
    expect(await openSockets(page)).toBe(0);
    expect(await stored(page)).toEqual({ databases: [], localStorage: [], cookies: '' });

    await page.evaluate(() => Ringnity('consent', true));
    await page.getByTestId('composer-input').waitFor();
    await vi.waitFor(async () => expect(await openSockets(page)).toBe(1), { timeout: 10_000 });
    expect((await stored(page)).databases).toContain('ringnity');

    await page.evaluate(() => Ringnity('shutdown'));
    await vi.waitFor(async () => expect(await stored(page)).toEqual({ databases: [], localStorage: [], cookies: '' }));
    expect(await widgets(page)).toBe(0);
    await vi.waitFor(async () => expect(await openSockets(page)).toBe(0), { timeout: 10_000 });
  });
});
