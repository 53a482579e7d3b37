import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { launchChromium, openPage } from './browser.ts';
import { serveHostPage } from './static-host.ts';

// A site that is not on the tenant's allowed domains pastes the tag anyway.
describe('widget on a website the tenant did not allow', () => {
  let server: TestServer;
  let browser: Browser;
  let host: { origin: string; close(): Promise<void> };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    host = await serveHostPage(
      `<!doctype html><html><head><title>Someone else's shop</title></head><body>
       <h1>Not an allowed site</h1>
       <script src="${server.origin}/loader.js" data-slug="acme" async></script>
       </body></html>`,
    );
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await server?.close();
  });

  it('shows a clear error state in the panel and raises no uncaught error', async () => {
    const context = await browser.newContext();
    const { page, errors } = await openPage(context);
    const refused = page.waitForResponse((r) => r.url().includes('/api/sdk/bootstrap') && r.status() === 403);
    await page.goto(`${host.origin}/`);
    await page.getByTestId('launcher').click();
    await refused;
    const state = page.getByTestId('error-state');
    await state.waitFor();
    expect(await state.innerText()).toMatch(/not available|isn't available|unavailable/i);
    expect(await state.innerText()).toContain('SDK_ORIGIN_NOT_ALLOWED');
    // The panel offers no composer that would pretend messages can be sent.
    expect(await page.getByTestId('composer-input').count()).toBe(0);
    // A refused request shows in the console as a failed resource load (the browser's own
    // line, not ours); anything else, and any uncaught exception, is a bug.
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    await context.close();
  });
});
