import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { launchChromium, openPage } from './browser.ts';
import { HUMAN_ONLY, message, noisePng, openConversation, openTwoSides, signIn, type TwoSides } from './two-sides.ts';

// axe-core in the page, run over the widget's shadow host (axe walks open shadow roots), with
// the WCAG 2.1 A/AA rules (issue 7, item 6).
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  help: string;
  nodes: { target: unknown; failureSummary?: string }[];
}

async function violations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Violation[]; passes: { id: string }[] }> } }).axe;
    const host = document.querySelector('ringnity-widget') ?? document.body;
    const result = await axe.run(host, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return { violations: result.violations, passed: result.passes.map((r) => r.id) };
  });
  // The widget's controls were really looked at (axe reached into the shadow root).
  expect(found.passed).toContain('button-name');
  return found.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join(' | ')}`);
}

/** The element focused inside the widget (through its shadow root), as `data-testid` or tag. */
const focused = (page: Page): Promise<string> =>
  page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el?.getAttribute('data-testid') ?? el?.tagName.toLowerCase() ?? '';
  });

/** Runs a `window.Ringnity` command of the page. */
const command = (page: Page, ...args: unknown[]) => page.evaluate((a) => (window as unknown as { Ringnity(...x: unknown[]): void }).Ringnity(...a), args);

/** The texts the widget's live region holds, oldest first. */
const announced = (page: Page) => page.getByTestId('announcer').locator('p').allInnerTexts();

async function tabTo(page: Page, testId: string, limit = 30): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if ((await focused(page)) === testId) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${testId} (at ${await focused(page)})`);
}

describe('accessibility', () => {
  let t: TwoSides;

  beforeAll(async () => {
    t = await openTwoSides();
    await signIn(t.agent.page, t.server.origin);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('is used with the keyboard alone: open, write and send, message actions, Escape closes and focus returns to the launcher', async () => {
    const { page } = t.visitor;
    await page.goto(`${t.server.origin}/`);
    await page.getByTestId('launcher').waitFor();
    await tabTo(page, 'launcher');
    await page.keyboard.press('Enter');
    // Focus moves into the panel, on the composer.
    await page.getByTestId('composer-input').waitFor();
    await expect.poll(() => focused(page)).toBe('composer-input');
    await expect(page.getByTestId('panel').getAttribute('role')).resolves.toBe('dialog');

    await page.keyboard.type('Is the Fjell 45 waterproof?');
    await page.keyboard.press('Enter');
    const mine = message(page, 'visitor', 'Fjell 45 waterproof');
    await mine.and(page.locator('[data-state="delivered"], [data-state="read"]')).waitFor();

    // The message's actions: reached by Tab, opened with Enter, arrows move, Escape goes back.
    await tabTo(page, 'message-menu');
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe('edit');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => focused(page)).toBe('delete');
    await page.keyboard.press('Escape');
    await expect.poll(() => focused(page)).toBe('message-menu');

    await page.keyboard.press('Escape');
    await page.getByTestId('panel').waitFor({ state: 'detached' });
    await expect.poll(() => focused(page)).toBe('launcher');
  });

  it('gives focus back to the page’s own button that opened the chat when the launcher is hidden, else to the widget', async () => {
    const { page } = t.visitor;
    await page.goto(`${t.server.origin}/`);
    await page.getByTestId('launcher').waitFor();
    // A site with its own chat button: `hideLauncher`, and the button calls `open`.
    await page.evaluate(() => {
      const button = document.createElement('button');
      button.id = 'help';
      button.textContent = 'Chat with us';
      button.onclick = () => (window as unknown as { Ringnity(c: string): void }).Ringnity('open');
      document.body.prepend(button);
    });
    await command(page, 'hideLauncher');
    await expect.poll(() => page.getByTestId('launcher').isVisible()).toBe(false);
    await page.locator('#help').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe('composer-input');
    await page.keyboard.press('Escape');
    await page.getByTestId('panel').waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('help');

    // Opened by the site's script with nothing focused: focus goes to the widget, not <body>.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await command(page, 'open');
    await expect.poll(() => focused(page)).toBe('composer-input');
    await page.keyboard.press('Escape');
    await page.getByTestId('panel').waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.localName)).toBe('ringnity-widget');
  });

  it('puts focus on the page’s “open chat” button when the hosted chat page closes with Escape', async () => {
    const context = await t.browser.newContext({ viewport: { width: 390, height: 844 } });
    const { page } = await openPage(context);
    await page.goto(`${t.server.origin}/chat/${t.server.slug}`);
    await expect.poll(() => focused(page)).toBe('composer-input');
    await page.keyboard.press('Escape');
    await page.getByTestId('panel').waitFor({ state: 'detached' });
    await expect.poll(() => focused(page)).toBe('launcher');
    await context.close();
  });

  it('does not close while an input method composes, and Escape then closes', async () => {
    const { page } = t.visitor;
    await page.goto(`${t.server.origin}/`);
    await page.getByTestId('launcher').click();
    await expect.poll(() => focused(page)).toBe('composer-input');
    // The Escape that cancels a composition (Japanese, Chinese…) arrives with `isComposing`.
    await page.getByTestId('composer-input').dispatchEvent('keydown', { key: 'Escape', isComposing: true, bubbles: true, composed: true });
    await page.getByTestId('composer-input').dispatchEvent('keydown', { key: 'a', bubbles: true, composed: true });
    expect(await page.getByTestId('panel').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByTestId('panel').waitFor({ state: 'detached' });
  });

  it('announces every reply of others through one polite live region, the same words twice and a burst too', async () => {
    const { page } = t.visitor;
    await page.getByTestId('launcher').click();
    await openConversation(t.agent.page, 'Fjell 45 waterproof');
    const reply = async (text: string) => {
      await t.agent.page.getByTestId('reply-input').fill(text);
      await t.agent.page.getByTestId('reply-input').press('Enter');
    };
    await reply('Yes, fully taped seams.');
    await message(page, 'agent', 'taped seams').waitFor();
    const live = page.locator('[aria-live="polite"]').filter({ hasText: 'taped seams' });
    await expect.poll(() => live.count()).toBe(1);

    // "OK" twice: two announcements, not one.
    await reply('OK');
    await expect.poll(() => message(page, 'agent', 'OK').count()).toBe(1);
    await reply('OK');
    await expect.poll(() => message(page, 'agent', 'OK').count()).toBe(2);
    // Three at once: all three.
    for (const text of ['One', 'Two', 'Three']) await reply(text);
    await message(page, 'agent', 'Three').waitFor();
    await expect.poll(async () => (await announced(page)).map((a) => a.replace(/^[^:]*: /, ''))).toEqual(['OK', 'OK', 'One', 'Two', 'Three']);
  });

  it('has no WCAG 2.1 AA violations on the closed launcher and the open panel with messages and a file', async () => {
    const { page } = t.visitor;
    await page.getByTestId('attach-input').setInputFiles({ name: 'tent.png', mimeType: 'image/png', buffer: noisePng(20_000) });
    await message(page, 'visitor').getByTestId('thumbnail').waitFor();
    await message(page, 'agent', 'taped seams').waitFor();
    expect(await violations(page)).toEqual([]);

    await page.getByTestId('close').click();
    await page.getByTestId('panel').waitFor({ state: 'detached' });
    expect(await violations(page)).toEqual([]);
  });
});

// The open panel with a file the server refused, in Arabic (right to left), in the dark, and on a
// light tenant colour: the combinations where contrast and mirrored layout most often break.
describe('accessibility in other languages, schemes and colours', () => {
  let server: TestServer;
  let browser: Browser;
  let site: http.Server;
  let siteOrigin: string;

  beforeAll(async () => {
    // The host page on its own origin, `?locale=…&color=…` becoming the tag's `data-*`.
    site = http.createServer((req, res) => {
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      const attrs = ['locale', 'color'].map((k) => (query.get(k) ? ` data-${k}="${query.get(k)}"` : '')).join('');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body><main><h1>Shop</h1></main>
<script>window.Ringnity = window.Ringnity || function () { (Ringnity.q = Ringnity.q || []).push(arguments); };${query.get('open') ? "Ringnity('open');" : ''}</script>
<script src="${server.origin}/loader.js" data-slug="acme"${attrs} async></script></body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    [server, browser] = await Promise.all([startTestServer({ ...HUMAN_ONLY, allowedOrigins: [siteOrigin] }), launchChromium()]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    site?.closeAllConnections();
    await new Promise((resolve) => site?.close(resolve));
  });

  async function panelWithRefusedFile(query: string, options: BrowserContextOptions = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, ...options });
    const { page } = await openPage(context);
    await page.goto(`${siteOrigin}/?${query}`);
    await page.getByTestId('launcher').click();
    await page.getByTestId('composer-input').fill('مرحبا / hello');
    await page.getByTestId('composer-input').press('Enter');
    // Called a PNG, so only the server (reading the bytes) refuses it: a failed file message.
    await page.getByTestId('attach-input').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from('<html></html>') });
    await page.locator('[data-testid="message"][data-state="failed"]').waitFor();
    return page;
  }

  it('has no violations in Arabic, right to left, and says why the file failed in Arabic', async () => {
    const page = await panelWithRefusedFile('locale=ar');
    await expect(page.getByTestId('widget-root').getAttribute('dir')).resolves.toBe('rtl');
    await expect(page.getByTestId('upload-error').innerText()).resolves.toBe('لا يمكن إرسال هذا النوع من الملفات هنا.');
    expect(await violations(page)).toEqual([]);
    await page.context().close();
  });

  it('has no violations in the dark and on a light tenant colour', async () => {
    for (const [query, scheme] of [
      ['color=%23ffd400', 'light'],
      ['', 'dark'],
      ['color=%23ffd400&locale=ar', 'dark'],
    ] as const) {
      const page = await panelWithRefusedFile(query, { colorScheme: scheme });
      expect(await violations(page), `${query} ${scheme}`).toEqual([]);
      await page.context().close();
    }
  });

  it('shows the panel in Arabic from its first frame when the site asks for Arabic', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    // Every frame, the direction of the widget while a panel shows.
    await context.addInitScript(() => {
      const seen: (string | null)[] = ((window as unknown as { seen: (string | null)[] }).seen = []);
      const tick = () => {
        const root = document.querySelector('ringnity-widget')?.shadowRoot?.querySelector('[data-testid="widget-root"]');
        if (root?.querySelector('[data-testid="panel"]')) seen.push(root.getAttribute('dir'));
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const { page } = await openPage(context);
    // Opened by the page before the app (and its Arabic words) loaded.
    await page.goto(`${siteOrigin}/?locale=ar&open=1`);
    await page.getByTestId('composer-input').waitFor();
    await expect(page.getByTestId('composer-input').getAttribute('placeholder')).resolves.toBe('اكتب رسالة…');
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set(['rtl']));
    await context.close();
  });
});
