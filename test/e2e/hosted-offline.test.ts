/**
 * The hosted chat page `/chat/{slug}` with its service worker (demo/chat/sw.ts): opened once
 * online, it opens again with the network cut, keeps what the visitor writes, and sends it once
 * the network is back; a new version waits behind an "update available" prompt until the
 * visitor takes it, and the chat keeps working meanwhile.
 */
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RuntimeBootstrap, ServerFrame } from '../../src/contract/extensions.ts';
import { createServer, type RunningServer } from '../../demo/server/app.ts';
import { noRateLimits } from '../../demo/server/limits/rules.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { agentOf } from '../unit/core/agent.ts';
import { launchChromium, openPage } from './browser.ts';
import { HUMAN_ONLY, message, sendText } from './two-sides.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** A page that records the CSP violations it sees (`violations`). */
async function chatPage(context: BrowserContext): Promise<{ page: Page; errors: string[]; violations: string[] }> {
  const { page, errors } = await openPage(context);
  const violations: string[] = [];
  await page.exposeFunction('cspViolation', (v: string) => void violations.push(v));
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { cspViolation(v: string): void }).cspViolation(`${e.violatedDirective} ${e.blockedURI}`)),
  );
  return { page, errors, violations };
}

/** Waits until the page's service worker is installed and controls it. */
const controlled = (page: Page) => page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', undefined, { timeout: 15_000 });

describe('the hosted chat page offline', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(HUMAN_ONLY);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('opens with the network cut, queues what the visitor writes, and sends each message once when the network is back', async () => {
    const agent = await agentOf(server);
    const { data } = (await (await fetch(`${server.baseUrl}/sdk/bootstrap?slug=${server.slug}`)).json()) as { data: RuntimeBootstrap };
    const tenantName = data.branding?.name ?? data.tenant.name;
    const socket = await agent.listen();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const { page, errors, violations } = await chatPage(context);
    try {
      const first = await page.goto(`${server.origin}/chat/${server.slug}`);
      expect(first?.fromServiceWorker()).toBe(false);
      await page.getByTestId('composer-input').waitFor();
      await controlled(page);

      await context.setOffline(true);
      // A link with a query (from a push, a campaign) opens the same kept page.
      const linked = await page.goto(`${server.origin}/chat/${server.slug}?from=push`);
      expect(linked?.status()).toBe(200);
      await page.getByTestId('composer-input').waitFor();
      const again = await page.reload();
      // The page, its scripts and the tenant's look came from the worker's caches.
      expect(again?.status()).toBe(200);
      expect(again?.fromServiceWorker()).toBe(true);
      expect(again?.headers()['content-security-policy']).toContain("script-src 'self'");
      await page.getByTestId('composer-input').waitFor();
      await expect(page.getByTestId('connection-banner').getAttribute('data-status')).resolves.toBe('offline');
      // No error page: the chat says it is offline and will send later.
      await expect(page.getByTestId('connection-banner').textContent()).resolves.toMatch(/offline/i);
      // The tenant's public bootstrap came from the worker's cache: its name heads the chat.
      await page.getByRole('dialog', { name: tenantName }).waitFor();
      // And its logo.
      const logo = page.locator('img.logo');
      await vi.waitFor(async () => expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true));

      // The worker's own network is cut too: an answer it has not kept fails.
      await expect(page.evaluate(() => fetch('/api/sdk/bootstrap?slug=acme&probe=1').then((r) => r.status, () => 'failed'))).resolves.toBe('failed');

      await sendText(page, 'Written on the train');
      await sendText(page, 'Still in the tunnel');
      const queued = message(page, 'visitor');
      await vi.waitFor(async () => expect(await queued.evaluateAll((els) => els.map((el) => [el.textContent?.includes('train') || el.textContent?.includes('tunnel'), el.getAttribute('data-state')]))).toEqual([
        [true, 'sending'],
        [true, 'sending'],
      ]));
      // Nothing reached the server while offline.
      expect(socket.frames.filter((f) => f.type === 'message.created')).toEqual([]);

      await context.setOffline(false);
      const conversationId = await vi.waitFor(
        () => {
          const frame = socket.frames.find((f) => f.type === 'message.created');
          expect(frame).toBeDefined();
          return (frame as ServerFrame & { conversationId: string }).conversationId;
        },
        { timeout: 20_000 },
      );
      await vi.waitFor(
        async () => {
          const bodies = (await agent.messages(conversationId)).filter((m) => m.senderType === 'visitor').map((m) => m.body);
          expect(bodies).toEqual(['Written on the train', 'Still in the tunnel']);
        },
        { timeout: 20_000 },
      );
      // The page shows them sent, in order, once each.
      await vi.waitFor(async () => expect(await queued.evaluateAll((els) => els.map((el) => el.getAttribute('data-state')))).not.toContain('sending'));
      await expect(queued.count()).resolves.toBe(2);
      await expect(page.getByTestId('connection-banner').count()).resolves.toBe(0);
      expect(violations).toEqual([]);
      // What the worker keeps: the app shell, the pages and the public bootstrap; no other API answer (they need tokens).
      const kept = await page.evaluate(async () => (await Promise.all((await caches.keys()).map(async (name) => (await (await caches.open(name)).keys()).map((r) => r.url)))).flat());
      const paths = kept.map((url) => new URL(url).pathname);
      expect(paths).toContain('/chat/acme');
      expect(paths.filter((p) => p.startsWith('/api/'))).toEqual(['/api/sdk/bootstrap']);
      expect(paths).toContain('/logo.svg');
      expect(paths.filter((p) => p.startsWith('/chat/assets/')).length).toBeGreaterThan(10);
      // Chromium logs the requests that failed while offline (the session, the probe); nothing else went wrong.
      expect(errors.filter((e) => !/Failed to load resource: net::ERR_(INTERNET_DISCONNECTED|FAILED)/.test(e))).toEqual([]);
    } finally {
      socket.close();
      await context.close();
    }
  });
});

describe('a new version of the hosted chat page', () => {
  // A copy of the built page, so the test can publish a new worker without touching dist/.
  let root: string;
  let server: RunningServer;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'ringnity-chat-'));
    await cp(path.join(ROOT, 'dist', 'chat'), path.join(root, 'dist', 'chat'), { recursive: true });
    // The demo site's files: the page's icon and the tenant's logo.
    await cp(path.join(ROOT, 'demo', 'site'), path.join(root, 'demo', 'site'), { recursive: true });
    server = await createServer({
      rootDir: root,
      port: 0,
      host: '127.0.0.1',
      dataDir: 'memory://',
      uploadDir: path.join(root, 'uploads'),
      rateLimits: noRateLimits(),
      log: false,
      demoTenantSettings: { aiRouting: 'human_only' },
    });
  });
  afterAll(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  let builds = 1;
  /**
   * Publishes the next build, as a deploy does: every hashed file under a new name (the
   * references in the page, the files and the worker's manifest follow), the old names gone
   * from the server, and a worker that can say which build it is. Answers the build's id and
   * the files it retired.
   */
  async function publishBuild(): Promise<{ id: string; retired: string[] }> {
    const id = `build-${++builds}`;
    const dir = path.join(root, 'dist', 'chat');
    const assets = path.join(dir, 'assets');
    const names = await readdir(assets);
    const renamed = new Map(names.map((name) => [name, name.replace(/(\.build-\d+)?\.(js|css)$/, `.${id}.$2`)]));
    const rename = (text: string) => text.replace(/[\w.-]+\.(?:js|css)/g, (name) => renamed.get(name) ?? name);
    for (const name of names) {
      await writeFile(path.join(assets, renamed.get(name)!), rename(await readFile(path.join(assets, name), 'utf8')));
      await rm(path.join(assets, name));
    }
    await writeFile(path.join(dir, 'index.html'), rename(await readFile(path.join(dir, 'index.html'), 'utf8')));
    const sw = path.join(dir, 'sw.js');
    const worker = rename((await readFile(sw, 'utf8')).replace(/\n;self\.addEventListener\('message'.*$/s, ''));
    await writeFile(sw, `${worker}\n;self.addEventListener('message',(e)=>{if(e.data&&e.data.type==='BUILD')e.ports[0].postMessage('${id}')});\n`);
    return { id, retired: names.map((name) => `/chat/assets/${name}`) };
  }

  it('shows a prompt every visitor can read and use (axe, with the page in Arabic)', async () => {
    // The page's CSP refuses inline scripts, axe's among them: this context only is let through.
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true, locale: 'ar' });
    const { page, errors } = await openPage(context);
    try {
      await page.goto(`${server.url}/chat/acme`);
      await page.getByTestId('composer-input').waitFor();
      await controlled(page);
      await publishBuild();
      await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
      const prompt = page.getByTestId('update-prompt');
      await prompt.waitFor({ timeout: 15_000 });
      await expect(prompt.getAttribute('dir')).resolves.toBe('rtl');
      await expect(prompt.getByRole('button').textContent()).resolves.toBe('تحديث');
      await page.addScriptTag({ content: readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8') });
      const violations = await page.evaluate(async () => {
        type Result = { violations: { id: string; nodes: { target: unknown }[] }[] };
        const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<Result> } }).axe;
        const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
        return result.violations.map((v) => `${v.id} ${JSON.stringify(v.nodes.map((n) => n.target))}`);
      });
      expect(violations).toEqual([]);
      // On a phone it covers nothing of the header (the title, the call and close buttons) and
      // keeps inside the screen.
      const header = (await page.locator('.header').boundingBox())!;
      const box = (await prompt.boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(header.y + header.height);
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      // Reachable with the Tab key from the chat.
      await page.getByTestId('composer-input').click();
      const onButton = () => prompt.getByRole('button').evaluate((el) => el === document.activeElement);
      for (let presses = 0; presses < 20 && !(await onButton()); presses++) await page.keyboard.press('Tab');
      await expect(onButton()).resolves.toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('waits behind an update prompt while the chat keeps working, and reloads into it when the visitor says so', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const { page, errors, violations } = await chatPage(context);
    try {
      await page.goto(`${server.url}/chat/acme`);
      await page.getByTestId('composer-input').waitFor();
      await controlled(page);
      await sendText(page, 'Before the update');
      await vi.waitFor(async () => expect(await message(page, 'visitor', 'Before the update').getAttribute('data-state')).not.toBe('sending'));
      // Anything only this page load holds: gone after a reload.
      await page.evaluate(() => void ((window as unknown as { loadedOnce: boolean }).loadedOnce = true));

      const { id: next } = await publishBuild();
      // The page asks for updates when it comes back to the front.
      await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
      const prompt = page.getByTestId('update-prompt');
      await prompt.waitFor({ timeout: 15_000 });
      await expect(prompt.getAttribute('role')).resolves.toBe('alert');
      await expect(prompt.textContent()).resolves.toContain('new version');

      // The open chat is untouched: no reload, and sending still works.
      await sendText(page, 'While the update waits');
      await vi.waitFor(async () => expect(await message(page, 'visitor', 'While the update waits').getAttribute('data-state')).not.toBe('sending'));
      await expect(page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).resolves.toBe(true);
      // The new worker waits; the old one still serves the page.
      await expect(page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting?.state)).resolves.toBe('installed');
      const reloaded = page.waitForEvent('load');
      await prompt.getByRole('button', { name: 'Update' }).click();
      await reloaded;
      await page.getByTestId('composer-input').waitFor();
      await expect(page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).resolves.toBeUndefined();
      await controlled(page);
      await expect(buildOf(page)).resolves.toBe(next);
      await expect(page.getByTestId('update-prompt').count()).resolves.toBe(0);
      // The conversation is still there after the reload.
      await message(page, 'visitor', 'While the update waits').waitFor();
      expect(violations).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('opens offline after a release the visitor never took: the kept page names the previous files', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const { page } = await chatPage(context);
    try {
      await page.goto(`${server.url}/chat/acme`);
      await page.getByTestId('composer-input').waitFor();
      await controlled(page);
      const { retired } = await publishBuild();
      await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
      await page.getByTestId('update-prompt').waitFor({ timeout: 15_000 });
      // The visitor closes the tab without updating, with the network already gone: the new
      // version activates offline, so the kept page copy still names the previous files.
      await context.setOffline(true);
      await page.close();
      const { page: again, errors } = await chatPage(context);
      // Stands in for the browser evicting its HTTP cache: only the worker's caches are left.
      await (await context.newCDPSession(again)).send('Network.clearBrowserCache');
      const opened = await again.goto(`${server.url}/chat/acme`);
      expect(opened?.status()).toBe(200);
      expect(opened?.fromServiceWorker()).toBe(true);
      expect(await again.content()).toContain(retired.find((url) => /\/index-.*\.js$/.test(url)));
      await again.getByTestId('composer-input').waitFor();
      // The tenant's kept bootstrap heads the chat, which says it cannot connect yet (a page
      // opened in an already offline context may not see `navigator.onLine` false: either word).
      await again.getByRole('dialog', { name: /acme/i }).waitFor();
      await expect(again.getByTestId('connection-banner').getAttribute('data-status')).resolves.toMatch(/^(offline|reconnecting)$/);
      await again.getByTestId('composer-input').fill('Written after the release');
      expect(errors.filter((e) => !/Failed to load resource: net::ERR_(INTERNET_DISCONNECTED|FAILED)/.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('in a second tab, after the first took the update: the files it has not loaded still load, and its Update reloads it', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const a = await chatPage(context);
    const b = await chatPage(context);
    try {
      for (const { page } of [a, b]) {
        await page.goto(`${server.url}/chat/acme`);
        await page.getByTestId('composer-input').waitFor();
        await controlled(page);
      }
      const { id, retired } = await publishBuild();
      for (const { page } of [a, b]) {
        await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
        await page.getByTestId('update-prompt').waitFor({ timeout: 15_000 });
      }
      const reloaded = a.page.waitForEvent('load');
      await a.page.getByTestId('update-prompt').getByRole('button').click();
      await reloaded;
      await controlled(a.page);
      // The new version now controls B too; a chunk B has not loaded (the Arabic words) is gone
      // from the server, and still comes from the worker.
      await vi.waitFor(async () => expect(await buildOf(b.page)).toBe(id), { timeout: 15_000 });
      const arabic = retired.find((url) => /\/ar-[^/]*\.js$/.test(url))!;
      await expect(fetch(`${server.url}${arabic}`).then((r) => r.status)).resolves.toBe(404);
      await expect(b.page.evaluate((url) => fetch(url).then((r) => r.status), arabic)).resolves.toBe(200);
      // B's prompt still works: it reloads into the new version.
      const bReloaded = b.page.waitForEvent('load');
      await b.page.getByTestId('update-prompt').getByRole('button').click();
      await bReloaded;
      await b.page.getByTestId('composer-input').waitFor();
      await expect(b.page.getByTestId('update-prompt').count()).resolves.toBe(0);
      await expect(buildOf(b.page)).resolves.toBe(id);
      expect([...a.errors, ...b.errors, ...a.violations, ...b.violations]).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

/** The build the worker controlling `page` says it is (publishBuild's id). */
const buildOf = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (e) => resolve(String(e.data));
        navigator.serviceWorker.controller!.postMessage({ type: 'BUILD' }, [channel.port2]);
      }),
  );
