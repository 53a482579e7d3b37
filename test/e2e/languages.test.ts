import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { launchChromium, openPage } from './browser.ts';
import { HUMAN_ONLY } from './two-sides.ts';

// The widget in the visitor's language: here from the browser's (`navigator.languages`), the
// last step of the resolution (site owner's `data-locale`/`boot`, then the tenant's, then the browser's).
describe('languages', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(HUMAN_ONLY), launchChromium()]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function openIn(locale: string): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width: 1100, height: 760 } });
    const { page } = await openPage(context);
    await page.goto(`${server.origin}/`);
    await page.getByTestId('launcher').click();
    await page.getByTestId('composer-input').waitFor();
    return page;
  }

  it('lays the widget out right to left with Arabic words for an Arabic browser', async () => {
    const page = await openIn('ar-EG');
    const root = page.getByTestId('widget-root');
    await expect.poll(() => root.getAttribute('dir')).toBe('rtl');
    expect(await root.getAttribute('lang')).toBe('ar');
    const input = page.getByTestId('composer-input');
    expect(await input.getAttribute('placeholder')).toBe('اكتب رسالة…');
    expect(await page.getByTestId('send').getAttribute('aria-label')).toBe('إرسال');
    expect(await page.getByTestId('close').getAttribute('aria-label')).toBe('أغلق الدردشة');
    // Mirrored: the send button sits left of the text field, the attach button right of it.
    const [send, field, attach] = await Promise.all([page.getByTestId('send').boundingBox(), input.boundingBox(), page.getByTestId('attach').boundingBox()]);
    expect(send!.x + send!.width).toBeLessThanOrEqual(field!.x + 1);
    expect(attach!.x).toBeGreaterThanOrEqual(field!.x + field!.width - 1);
    await page.context().close();
  });

  it('speaks Indonesian and Spanish, left to right', async () => {
    for (const [locale, placeholder, close] of [
      ['id-ID', 'Tulis pesan…', 'Tutup obrolan'],
      ['es-MX', 'Escribe un mensaje…', 'Cerrar chat'],
    ] as const) {
      const page = await openIn(locale);
      const input = page.getByTestId('composer-input');
      await expect.poll(() => input.getAttribute('placeholder')).toBe(placeholder);
      expect(await page.getByTestId('close').getAttribute('aria-label')).toBe(close);
      expect(await page.getByTestId('widget-root').getAttribute('dir')).toBe('ltr');
      await page.context().close();
    }
  });

  it('stays in English for a language it has no words for', async () => {
    const page = await openIn('fr-FR');
    expect(await page.getByTestId('composer-input').getAttribute('placeholder')).toBe('Write a message…');
    expect(await page.getByTestId('widget-root').getAttribute('lang')).toBe('en');
    await page.context().close();
  });
});
