import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Database } from '../../demo/server/db/database.ts';
import { DEMO_LOGO_PATH, DEMO_TENANT_ID } from '../../demo/server/seed.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { launchChromium, openPage } from './browser.ts';
import { HUMAN_ONLY } from './two-sides.ts';

// The tenant's logo in the panel header (issue 7 item 8): drawn only from an http(s) URL, at a
// fixed size, without telling the logo's host which page the visitor is on.
describe('tenant logo', () => {
  let server: TestServer;
  let browser: Browser;
  let db: Database;
  const reported: string[][] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ ...HUMAN_ONLY, seed: async (d) => void (db = d) }), launchChromium()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    // Nothing on the pages broke (a refused logo is no console error of ours).
    expect(reported.flat().filter((e) => !e.includes('404'))).toEqual([]);
  });

  /** Sets the demo tenant's `branding.logoUrl` (`null`: the demo's own), read by the next bootstrap. */
  const setLogo = (logoUrl: string | null) =>
    db.query(`UPDATE tenants SET branding = branding || jsonb_build_object('logoUrl', $1::text) WHERE id = $2`, [logoUrl ?? DEMO_LOGO_PATH, DEMO_TENANT_ID]);

  /** The demo site with the widget, its panel open; `requested` collects every request for an image. */
  async function openPanel(): Promise<{ page: Page; requested: { url: string; referer: string | undefined }[] }> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    const side = await openPage(context);
    reported.push(side.errors);
    const requested: { url: string; referer: string | undefined }[] = [];
    side.page.on('request', async (request) => {
      if (request.resourceType() === 'image') requested.push({ url: request.url(), referer: (await request.allHeaders()).referer });
    });
    await side.page.goto(`${server.origin}/`);
    await side.page.getByTestId('launcher').click();
    // The tenant's name is drawn once bootstrap arrived: whatever logo it names is decided by then.
    await side.page.locator('#rn-title', { hasText: 'Acme Outdoor' }).waitFor();
    return { page: side.page, requested };
  }

  const logo = (page: Page) => page.locator('.header img');

  it('draws the logo next to the name: decorative, 28×28 from the start, no referrer', async () => {
    await setLogo(null);
    const { page, requested } = await openPanel();
    await expect(logo(page).count()).resolves.toBe(1);
    // alt="" (the name next to it says who this is), so screen readers skip it.
    expect(await logo(page).getAttribute('alt')).toBe('');
    expect(await logo(page).getAttribute('src')).toBe(`${server.origin}${DEMO_LOGO_PATH}`);
    await logo(page).evaluate((img: HTMLImageElement) => img.decode());
    expect(await logo(page).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    const box = (await logo(page).boundingBox())!;
    expect([box.width, box.height]).toEqual([28, 28]);
    // Before the name, in the header; the launcher stays the tenant's colour and icon only.
    expect(box.x).toBeLessThan((await page.locator('#rn-title').boundingBox())!.x);
    expect(await page.getByTestId('launcher').locator('img').count()).toBe(0);
    // The logo's host does not learn the page the visitor reads.
    const fetched = requested.filter((r) => r.url.endsWith(DEMO_LOGO_PATH));
    expect(fetched.length).toBeGreaterThan(0);
    for (const r of fetched) expect(r.referer).toBeUndefined();
  });

  it("draws it on the hosted chat page too, within that page's Content-Security-Policy", async () => {
    await setLogo(null);
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const side = await openPage(context);
    reported.push(side.errors);
    await side.page.addInitScript(() => {
      const w = window as unknown as { violations: string[] };
      w.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => w.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await side.page.goto(`${server.origin}/chat/acme`);
    await side.page.locator('#rn-title', { hasText: 'Acme Outdoor' }).waitFor();
    await logo(side.page).evaluate((img: HTMLImageElement) => img.decode());
    expect(await logo(side.page).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    expect(await side.page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
  });

  for (const url of [
    'javascript:alert(document.domain)',
    ' JaVaScRiPt:alert(1)',
    'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    'blob:https://evil.example/1234',
    'ftp://files.example/logo.png',
    'http://[::1',
  ]) {
    it(`draws no logo for ${JSON.stringify(url)}`, async () => {
      await setLogo(url);
      const { page, requested } = await openPanel();
      expect(await logo(page).count()).toBe(0);
      expect(requested.filter((r) => !r.url.startsWith(server.origin))).toEqual([]);
      // The rest of the header is whole: the name sits where it does without a logo.
      expect((await page.locator('#rn-title').boundingBox())!.width).toBeGreaterThan(0);
    });
  }

  it('keeps a logo that fails to load invisible, in its place (nothing moves)', async () => {
    await setLogo('/no-such-logo.png');
    const { page } = await openPanel();
    await expect.poll(() => logo(page).evaluate((img: HTMLImageElement) => [img.complete, img.naturalWidth, getComputedStyle(img).visibility])).toEqual([true, 0, 'hidden']);
    const box = (await logo(page).boundingBox())!;
    expect([box.width, box.height]).toEqual([28, 28]);
    // Where the name is with a working logo.
    expect((await page.locator('#rn-title').boundingBox())!.x).toBeCloseTo(box.x + 28 + 6 + 4, 0);
  });
});
