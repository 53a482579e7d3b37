/**
 * Issue 7 item 9: the widget on a host page under the strict policy a site needs
 * (demo/server/strict-csp.ts), on another origin than the widget. Every
 * `securitypolicyviolation` is counted from before the loader runs (an init script) and every
 * CSP line the browser prints is kept; both stay empty through the launcher, the panel, a
 * message each way, an image, the lazy chunks (a language, the message menu, the lightbox) and the
 * AI mode. The `'strict-dynamic'` variant works too, and a policy without the widget in
 * `connect-src` is caught by the same counter (so a 0 means something).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { fillStrictCspPage, newNonce, strictCsp, type StrictCspOptions } from '../../demo/server/strict-csp.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { launchChromium } from './browser.ts';
import { agentHeaders, message, noisePng, sendText } from './two-sides.ts';

const TEMPLATE = readFileSync(path.join(import.meta.dirname, '../../demo/site/strict-csp.html'), 'utf8');
const settled = '[data-state="sent"], [data-state="delivered"], [data-state="read"]';

/** A page of the host site: the widget's server and how its policy differs from the strict one. */
interface HostPage {
  server: TestServer;
  policy?: Omit<StrictCspOptions, 'nonce' | 'widgetOrigin' | 'filesOrigin'>;
  /** Rewrites the policy (to prove a missing source is caught). */
  edit?: (policy: string) => string;
}

/** What the browser refused on a page, from its own event and from its console. */
interface Refusals {
  events: () => Promise<string[]>;
  console: string[];
}


/** Runs in the page before any script: every `securitypolicyviolation` event, kept in `window.__refused`. */
function recordRefusals(): void {
  const seen: string[] = [];
  (window as unknown as { __refused: string[] }).__refused = seen;
  document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI}`), true);
}
describe('strict CSP host page', () => {
  let human: TestServer;
  let ai: TestServer;
  let browser: Browser;
  const pages = new Map<string, HostPage>();
  const host = http.createServer((req, res) => {
    const page = pages.get(new URL(req.url ?? '/', 'http://host').pathname);
    if (!page) return void res.writeHead(404).end();
    // A fresh nonce per response, as a real site must.
    const nonce = newNonce();
    const { origin, filesOrigin } = page.server;
    const policy = strictCsp({ nonce, widgetOrigin: origin, filesOrigin, ...page.policy });
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': page.edit?.(policy) ?? policy });
    res.end(fillStrictCspPage(TEMPLATE, nonce, origin));
  });
  let hostOrigin = '';
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    [human, ai, browser] = await Promise.all([
      startTestServer({ allowedOrigins: [hostOrigin], tenantSettings: { aiRouting: 'human_only' } }),
      startTestServer({ allowedOrigins: [hostOrigin], tenantSettings: { aiRouting: 'ai_first' } }),
      launchChromium(),
    ]);
    pages.set('/', { server: human });
    pages.set('/strict-dynamic', { server: human, policy: { strictDynamic: true } });
    pages.set('/ai', { server: ai });
    pages.set('/no-connect', { server: human, edit: (p) => p.replace(/connect-src [^;]*/, "connect-src 'self'") });
    // Each widget source is needed: the socket's origin, and the files origin for images.
    pages.set('/no-socket', { server: human, edit: (p) => p.replace(` ${human.origin.replace(/^http/, 'ws')}`, '') });
    pages.set('/no-files', { server: human, edit: (p) => p.replace(/img-src [^;]*/, (d) => d.replace(` ${human.filesOrigin}`, '')) });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await Promise.all([human?.close(), ai?.close()]);
    await new Promise<void>((resolve) => host.close(() => resolve()));
  });

  /** A fresh visitor on `pathname` of the host site, refusals recorded from the first script on. */
  async function visit(pathname: string, locale = 'en-US'): Promise<{ page: Page; refused: Refusals; chunks: Set<string> }> {
    const context = await browser.newContext({ locale, viewport: { width: 1100, height: 760 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.addInitScript(recordRefusals);
    const refused: Refusals = {
      events: () => page.evaluate(() => (window as unknown as { __refused: string[] }).__refused),
      console: [],
    };
    page.on('console', (m) => /Content Security Policy|Refused to/i.test(m.text()) && refused.console.push(m.text()));
    const chunks = new Set<string>();
    page.on('response', (r) => r.url().includes('/widget/') && r.ok() && chunks.add(new URL(r.url()).pathname));
    await page.goto(`${hostOrigin}${pathname}`);
    return { page, refused, chunks };
  }

  async function expectNothingRefused(refused: Refusals): Promise<void> {
    expect(await refused.events()).toEqual([]);
    expect(refused.console).toEqual([]);
  }

  /** The demo agent answers the conversation whose last message contains `text` (the agent API, as the console would). */
  async function agentReplies(server: TestServer, text: string, reply: string): Promise<void> {
    const headers = await agentHeaders(server);
    const list = await fetch(`${server.baseUrl}/agent-sdk/conversations?status=open`, { headers });
    const { conversations } = ((await list.json()) as { data: { conversations: { conversationId: string; lastMessagePreview?: string }[] } }).data;
    const id = conversations.find((c) => c.lastMessagePreview?.includes(text))!.conversationId;
    const res = await fetch(`${server.baseUrl}/agent-sdk/conversations/${id}/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ body: reply, messageType: 'text', clientMessageId: crypto.randomUUID() }),
    });
    expect(res.status).toBe(201);
  }

  /** Launcher, panel, a message each way and an image: the chat a visitor has. */
  async function chat(page: Page, server: TestServer, text: string, { image = true } = {}): Promise<void> {
    await page.getByTestId('launcher').click();
    await page.getByTestId('composer-input').waitFor();
    await sendText(page, text);
    await message(page, 'visitor', text).and(page.locator(settled)).waitFor();
    await agentReplies(server, text, `Re: ${text}`);
    await message(page, 'agent', `Re: ${text}`).waitFor();
    if (!image) return;
    await page.getByTestId('attach-input').setInputFiles({ name: 'trail.png', mimeType: 'image/png', buffer: noisePng(20_000) });
    const thumb = message(page, 'visitor').getByTestId('thumbnail');
    await thumb.waitFor();
    // Loaded and decoded, through the file link's redirect to the files origin.
    await expect.poll(() => thumb.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1024);
  }

  it('runs the whole chat with nothing refused: launcher, panel, messages both ways, an image, the lightbox and the message menu', async () => {
    const { page, refused, chunks } = await visit('/');
    // The page's own nonce'd inline script ran, and its queued `on('ready')` call took effect.
    await page.getByTestId('launcher').waitFor();
    await chat(page, human, 'Hello from a strict page');
    await expect.poll(() => page.getByTestId('chat-state').innerText()).toBe('ready');
    // Lazy parts: the lightbox and the message menu.
    await message(page, 'visitor').getByTestId('thumbnail').click();
    await page.getByTestId('lightbox').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('lightbox').waitFor({ state: 'detached' });
    await message(page, 'visitor', 'Hello from a strict page').hover();
    await message(page, 'visitor', 'Hello from a strict page').getByTestId('message-menu').click();
    await page.getByTestId('edit').waitFor();
    await page.keyboard.press('Escape');
    expect([...chunks].filter((c) => c.includes('/chunks/')).length).toBeGreaterThan(3);
    await expectNothingRefused(refused);
  });

  it('loads another language (a lazy chunk) with nothing refused', async () => {
    const { page, refused, chunks } = await visit('/', 'es-ES');
    await page.getByTestId('launcher').click();
    await page.getByTestId('composer-input').waitFor();
    await expect.poll(() => page.getByTestId('widget-root').getAttribute('lang')).toBe('es');
    expect([...chunks].some((c) => /\/chunks\/es-/.test(c))).toBe(true);
    await expectNothingRefused(refused);
  });

  it('runs the AI mode with nothing refused', async () => {
    const { page, refused } = await visit('/ai');
    await page.getByTestId('launcher').click();
    await page.getByTestId('ai-handoff').waitFor();
    await page.getByTestId('composer-input').fill('How long does delivery take?');
    await page.getByTestId('send').click();
    await page.locator('[data-testid="message"][data-sender="ai"]').waitFor();
    await expectNothingRefused(refused);
  });

  it("works under a 'strict-dynamic' policy: the loader's nonce carries the app and its chunks", async () => {
    const { page, refused } = await visit('/strict-dynamic');
    await chat(page, human, 'Hello from a strict-dynamic page');
    await expectNothingRefused(refused);
  });

  it('records the refusals of a policy without the widget in connect-src (the counter is real)', async () => {
    const { page, refused } = await visit('/no-connect');
    await page.getByTestId('launcher').click();
    await expect.poll(async () => (await refused.events()).length).toBeGreaterThan(0);
    expect((await refused.events()).every((e) => e.startsWith(`connect-src ${human.origin}/`))).toBe(true);
    expect(refused.console.length).toBeGreaterThan(0);
  });

  it('needs each source it names: without the socket origin or the files origin the browser refuses', async () => {
    const socket = await visit('/no-socket');
    await socket.page.getByTestId('launcher').click();
    await expect.poll(async () => (await socket.refused.events()).some((e) => e.startsWith(`connect-src ${human.origin.replace(/^http/, 'ws')}`))).toBe(true);

    const files = await visit('/no-files');
    await files.page.getByTestId('launcher').click();
    await files.page.getByTestId('attach-input').setInputFiles({ name: 'trail.png', mimeType: 'image/png', buffer: noisePng(20_000) });
    // The file link (on the API, which the policy allows) redirects to the files origin, which it
    // does not: refused, and Chromium names the link's first URL, not where the redirect went.
    await expect.poll(async () => (await files.refused.events()).some((e) => e.startsWith(`img-src ${human.baseUrl}/attachments/`))).toBe(true);
  });

  it('serves the demo page from the reference server under the policy, with a fresh nonce per response', async () => {
    const [a, b] = await Promise.all([fetch(`${human.origin}/strict-csp.html`), fetch(`${human.origin}/strict-csp.html`)]);
    const nonceOf = (policy: string | null) => /'nonce-([^']+)'/.exec(policy ?? '')?.[1];
    const [na, nb] = [nonceOf(a.headers.get('content-security-policy')), nonceOf(b.headers.get('content-security-policy'))];
    expect(na).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(na).not.toBe(nb);
    expect(a.headers.get('cache-control')).toBe('no-store');
    const html = await a.text();
    expect(html).not.toContain('{{');
    expect(html.match(/<script[^>]*>/g)!.every((tag) => tag.includes(`nonce="${na}"`))).toBe(true);
    const policy = a.headers.get('content-security-policy')!;
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|blob:|data:/);
    expect(policy).toMatch(/^default-src 'self'; script-src 'self' 'nonce-[^']+'; style-src 'self'; connect-src 'self'/);

    // And the widget works on it (the widget's own origin: 'self' covers it, the socket included).
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.addInitScript(recordRefusals);
    await page.goto(`${human.origin}/strict-csp.html`);
    // No image here: the demo route names the files origin only once the API passes it to
    // `mountStatic` (`filesOrigin` option); the cross-origin pages above cover images.
    await chat(page, human, 'Hello from the demo strict page', { image: false });
    expect(await page.evaluate(() => (window as unknown as { __refused: string[] }).__refused)).toEqual([]);
    expect(await page.getByTestId('csp-violations').innerText()).toBe('0');
  });
});
