import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { contrast } from '../../widget/app/theme.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { launchChromium, openPage } from './browser.ts';
import { HUMAN_ONLY } from './two-sides.ts';

/** A long host page (it scrolls), with the widget's script tag (in `color` if given) unless `tag` is false. */
const hostPage = (origin: string, tag = true, color?: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title></head>
<body style="margin:0;font:16px sans-serif">
<main id="page" style="padding:16px">${'<p class="para">Tents, packs and boots tested on real trails.</p>'.repeat(80)}</main>
${tag ? `<script src="${origin}/loader.js" data-slug="acme"${color ? ` data-color="${color}"` : ''} async></script>` : ''}
</body></html>`;

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } satisfies BrowserContextOptions;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

// How the widget fits its host: the phone layout, colour scheme, motion, and leaving the page alone.
describe('widget layout on the host page', () => {
  let server: TestServer;
  let browser: Browser;
  let site: http.Server;
  let siteOrigin: string;
  const reported: string[][] = [];

  beforeAll(async () => {
    // The host site on its own (allowed) origin: `/` with the widget's tag, `/bare` without,
    // `/yellow` with a light launcher colour.
    site = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(hostPage(server.origin, req.url !== '/bare', req.url === '/yellow' ? '#ffd400' : undefined));
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    [server, browser] = await Promise.all([startTestServer({ ...HUMAN_ONLY, allowedOrigins: [siteOrigin] }), launchChromium()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    site?.closeAllConnections();
    await new Promise((resolve) => site?.close(resolve));
    // Nothing on the pages broke while they were laid out.
    expect(reported.flat()).toEqual([]);
  });

  async function visit(options: BrowserContextOptions = {}, tag = true, path = tag ? '' : 'bare'): Promise<Page> {
    const context = await browser.newContext(options);
    const side = await openPage(context);
    reported.push(side.errors);
    await side.page.goto(`${siteOrigin}/${path}`);
    return side.page;
  }

  async function openPanel(page: Page): Promise<void> {
    await page.getByTestId('launcher').click();
    await page.getByTestId('composer-input').waitFor();
  }

  const box = async (page: Page, testId: string): Promise<Box> => (await page.getByTestId(testId).boundingBox())!;
  const expectBox = (actual: Box, expected: Box) => {
    for (const key of ['x', 'y', 'width', 'height'] as const) expect(actual[key], key).toBeCloseTo(expected[key], 0);
  };

  it('fills a 390×844 phone screen with the open panel, composer in view', async () => {
    const page = await visit(PHONE);
    await openPanel(page);
    // The panel's open animation (if any) ends before its box is measured.
    await page.getByTestId('panel').evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
    expectBox(await box(page, 'panel'), { x: 0, y: 0, width: 390, height: 844 });
    const composer = await box(page, 'composer-input');
    expect(composer.y).toBeGreaterThan(844 / 2);
    expect(composer.y + composer.height).toBeLessThanOrEqual(844);
    expect(composer.x).toBeGreaterThanOrEqual(0);
    expect(composer.x + composer.width).toBeLessThanOrEqual(390);
    await expect(page.getByTestId('composer-input').isVisible()).resolves.toBe(true);
    // What is drawn at the top is the widget (its header), not the page.
    expect(await page.evaluate(() => document.elementFromPoint(195, 30)?.localName)).toBe('ringnity-widget');
  });

  it('follows the visual viewport on a phone, as when the on-screen keyboard opens', async () => {
    const page = await visit(PHONE);
    await openPanel(page);
    // Zooming in shrinks the visual viewport inside the unchanged layout viewport, as the
    // on-screen keyboard does: the panel must cover the visible part, not the layout viewport.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setPageScaleFactor', { pageScaleFactor: 2 });
    const visible = await page.evaluate(() => ({ top: visualViewport!.offsetTop, height: visualViewport!.height }));
    expect(visible.height).toBeLessThan(844);
    await expect
      .poll(() => page.getByTestId('panel').evaluate((el) => ({ top: el.getBoundingClientRect().top, height: el.getBoundingClientRect().height })))
      .toEqual({ top: expect.closeTo(visible.top, 0), height: expect.closeTo(visible.height, 0) });
  });

  it('mirrors the panel for a right-to-left language', async () => {
    const page = await visit({ locale: 'ar', viewport: { width: 1100, height: 760 } });
    await openPanel(page);
    await page.locator('[data-testid="widget-root"][dir="rtl"]').waitFor({ state: 'attached' });
    const panel = await box(page, 'panel');
    // The title starts at the right, the close button sits at the left; in the composer the
    // attach button (first in reading order) is right of the text field.
    expect((await page.locator('#rn-title').boundingBox())!.x).toBeGreaterThan((await box(page, 'close')).x);
    expect((await box(page, 'attach')).x).toBeGreaterThan((await box(page, 'composer-input')).x);
    await page.getByTestId('composer-input').fill('مرحبا');
    await page.getByTestId('composer-input').press('Enter');
    // The visitor's own message goes to the (reading) end: the left.
    const own = (await page.locator('[data-testid="message"][data-sender="visitor"]').boundingBox())!;
    expect(own.x - panel.x).toBeLessThan(panel.x + panel.width - (own.x + own.width));
  });

  it('writes on a light tenant colour in a colour that reads, and rings focus visibly', async () => {
    const page = await visit({}, true, 'yellow');
    await openPanel(page);
    /** Foreground and background of an element as `#rrggbb`. */
    const colours = (testId: string, css = 'color', bgOf = '') =>
      page.getByTestId(testId).evaluate(
        (el, [prop, selector]) => {
          const hex = (rgb: string) => `#${(rgb.match(/\d+/g) ?? []).slice(0, 3).map((n) => (+n).toString(16).padStart(2, '0')).join('')}`;
          const bg = selector ? el.closest(selector)! : el;
          return [hex(getComputedStyle(el).getPropertyValue(prop)), hex(getComputedStyle(bg).backgroundColor)] as const;
        },
        [css, bgOf] as const,
      );
    const [icon, launcher] = await colours('launcher');
    expect(launcher).toBe('#ffd400');
    expect(contrast(icon, launcher)).toBeGreaterThanOrEqual(4.5);
    const [title, header] = await colours('close', 'color', '.header');
    expect(contrast(title, header)).toBeGreaterThanOrEqual(4.5);
    // The composer has focus on open; its ring reads at 3:1 on the panel (yellow would not).
    await page.getByTestId('composer-input').press('a');
    const [ring, panel] = await colours('composer-input', 'outline-color', '.panel');
    expect(await page.getByTestId('composer-input').evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
    expect(contrast(ring, panel)).toBeGreaterThanOrEqual(3);
  });

  it('draws the panel dark for a visitor whose system is dark', async () => {
    const page = await visit();
    await openPanel(page);
    const background = () => page.getByTestId('panel').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await background()).toBe('rgb(255, 255, 255)');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).toBe('rgb(27, 31, 36)');
    // Text stays readable: the panel's text colour follows the scheme too.
    expect(await page.getByTestId('message-list').evaluate((el) => getComputedStyle(el).color)).toBe('rgb(230, 232, 235)');
  });

  it('runs no animation for a visitor who asks for reduced motion', async () => {
    const animated = await visit();
    await openPanel(animated);
    expect(await animated.getByTestId('panel').evaluate((el) => getComputedStyle(el).animationName)).toBe('rn-in');

    const page = await visit();
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await openPanel(page);
    const root = page.getByTestId('widget-root');
    expect(await root.evaluate((el) => el.getAnimations({ subtree: true }).length)).toBe(0);
    expect(await page.getByTestId('panel').evaluate((el) => getComputedStyle(el).animationName)).toBe('none');
  });

  for (const [name, options, latency] of [
    ['desktop', { viewport: { width: 1100, height: 760 } }, 0],
    ['phone', PHONE, 0],
    // The tenant's branding, logo and services arrive well after the panel is drawn.
    ['desktop, slow network', { viewport: { width: 1100, height: 760 } }, 400],
  ] as const) {
    it(`leaves the host page's layout, clicks and scrolling alone while closed (${name})`, async () => {
      const layoutOf = (page: Page) =>
        page.evaluate(() => ({
          paras: [...document.querySelectorAll('.para')].slice(0, 5).map((p) => p.getBoundingClientRect().toJSON() as DOMRect),
          height: document.documentElement.scrollHeight,
          width: document.documentElement.scrollWidth,
        }));
      const bare = await visit(options, false);
      const without = await layoutOf(bare);

      const page = await visit(options);
      if (latency) await page.route('**/api/sdk/**', (route) => new Promise((answer) => setTimeout(answer, latency)).then(() => route.continue()));
      // Every layout shift on the page and inside the widget, from its first paint on, also those
      // right after the visitor's click (CLS would forgive them, but the header's call buttons
      // arriving late are exactly such a shift). The panel's opening animation is a transform,
      // which is no layout shift.
      await page.evaluate(() => {
        const w = window as unknown as { shifts: number; moved: string[] };
        w.shifts = 0;
        w.moved = [];
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as (PerformanceEntry & { value: number; sources?: { node?: Node | null; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly }[] })[]) {
            w.shifts += entry.value;
            // What moved, named in the failure message for whoever has to fix it.
            for (const s of entry.sources ?? [])
              w.moved.push(`${(s.node as Element | null)?.outerHTML?.slice(0, 100) ?? s.node?.nodeName}: ${JSON.stringify(s.previousRect)} -> ${JSON.stringify(s.currentRect)}`);
          }
        }).observe({ type: 'layout-shift', buffered: true });
      });
      await page.getByTestId('launcher').waitFor();
      // Open and close: what the panel leaves behind counts too.
      await openPanel(page);
      // Everything the open panel fetches has arrived and been drawn: the call buttons (a chunk
      // of their own), whether someone is online, the tenant's logo.
      await page.getByTestId('call-voice').waitFor();
      await page.getByTestId('availability').waitFor();
      await page.locator('.header img').evaluate((img: HTMLImageElement) => img.decode());
      await page.evaluate(() => new Promise((frame) => requestAnimationFrame(() => requestAnimationFrame(frame))));
      await page.getByTestId('close').click();
      await page.getByTestId('panel').waitFor({ state: 'detached' });

      expect(await layoutOf(page)).toEqual(without);
      const { shifts, moved } = await page.evaluate(() => {
        const w = window as unknown as { shifts: number; moved: string[] };
        return { shifts: w.shifts, moved: w.moved };
      });
      expect(shifts, moved.join('\n')).toBe(0);
      // Away from the launcher, a click lands on the page, not on anything of the widget's.
      const viewport = page.viewportSize()!;
      const points: [x: number, y: number][] = [
        [viewport.width / 2, viewport.height / 2],
        [viewport.width - 150, viewport.height - 150],
        [20, viewport.height - 20],
      ];
      for (const point of points) {
        expect(await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.closest('#page') !== null, point), `${point}`).toBe(true);
      }
      // And the page scrolls under the pointer.
      await page.mouse.move(viewport.width / 2, viewport.height / 2);
      await page.mouse.wheel(0, 600);
      await expect.poll(() => page.evaluate(() => scrollY)).toBeGreaterThan(0);
    });
  }
});
