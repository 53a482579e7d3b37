/**
 * The hosted chat page `/chat/{slug}` in a phone-sized Chromium, with a stub native shell: the
 * bridge events a React Native, iOS or Android app receives, and the page filling the screen.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ServerFrame } from '../../src/contract/extensions.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { agentOf, type Agent } from '../unit/core/agent.ts';
import { launchChromium, openPage } from './browser.ts';
import { HUMAN_ONLY, sendText } from './two-sides.ts';

type Posted = { type: string; [key: string]: unknown };

let server: TestServer;
let browser: Browser;
let agent: Agent;
beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(HUMAN_ONLY), launchChromium()]);
  agent = await agentOf(server);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A phone-sized page whose shell records what the bridge posts (`window.posted`). */
async function phone(shell: () => void): Promise<{ context: BrowserContext; page: Page; errors: string[]; posted: () => Promise<Posted[]> }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await context.addInitScript(shell);
  const { page, errors } = await openPage(context);
  return { context, page, errors, posted: () => page.evaluate(() => (window as unknown as { posted: Posted[] }).posted) };
}

/** What react-native-webview injects: `postMessage(string)`. */
function reactNativeShell() {
  const w = window as unknown as { posted: unknown[]; ReactNativeWebView: { postMessage(s: string): void } };
  w.posted = [];
  w.ReactNativeWebView = { postMessage: (s: string) => void w.posted.push(JSON.parse(s)) };
}

/** Makes the page hidden or visible, as when the app goes to the background and back. */
const setHidden = (page: Page, hidden: boolean) =>
  page.evaluate((h) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);

describe('the hosted chat page with a React Native shell', () => {
  it('posts ready, then message and unread for a reply while in the background, and close when the visitor closes', async () => {
    const { context, page, errors, posted } = await phone(reactNativeShell);
    const violations: string[] = [];
    await page.exposeFunction('cspViolation', (v: string) => void violations.push(v));
    await page.addInitScript(() =>
      document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { cspViolation(v: string): void }).cspViolation(`${e.violatedDirective} ${e.blockedURI}`)),
    );
    const socket = await agent.listen();
    try {
      const response = await page.goto(`${server.origin}/chat/${server.slug}`);
      const csp = response?.headers()['content-security-policy'] ?? '';
      expect(csp).toContain("script-src 'self'");
      // No other site may frame the chat (clickjacking); room for a service worker and a manifest.
      expect(csp).toMatch(/(^|; )frame-ancestors 'self'( |;|$)/);
      expect(csp).toContain("worker-src 'self'");
      expect(csp).toContain("manifest-src 'self'");
      await vi.waitFor(async () => expect(await posted()).toContainEqual({ type: 'ready', slug: 'acme' }), { timeout: 10_000 });

      // The panel is the whole screen, and no launcher floats over it.
      const box = await page.getByTestId('panel').boundingBox();
      expect(box).toMatchObject({ x: 0, y: 0, width: 390, height: 844 });
      await expect(page.getByTestId('launcher').isVisible()).resolves.toBe(false);

      await sendText(page, 'Where is my order?');
      const conversationId = await vi.waitFor(() => {
        const frame = socket.frames.find((f) => f.type === 'message.created');
        expect(frame).toBeDefined();
        return (frame as ServerFrame & { conversationId: string }).conversationId;
      });

      // The app goes to the background; the team answers.
      await setHidden(page, true);
      await agent.send(conversationId, 'It ships today.');
      await vi.waitFor(async () => {
        const events = await posted();
        expect(events).toContainEqual(expect.objectContaining({ type: 'message', conversationId, senderType: 'agent', body: 'It ships today.' }));
        expect(events).toContainEqual({ type: 'unread', count: 1 });
      });
      // Back in front: the visitor sees it, the count goes back to 0.
      await setHidden(page, false);
      await vi.waitFor(async () => expect((await posted()).at(-1)).toEqual({ type: 'unread', count: 0 }));

      await page.getByTestId('close').click();
      await vi.waitFor(async () => expect((await posted()).at(-1)).toEqual({ type: 'close' }));
      // The visitor's own message never goes out as a `message` event.
      expect((await posted()).filter((e) => e.type === 'message')).toHaveLength(1);
      expect(violations).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      socket.close();
      await context.close();
    }
  });
});

describe('push tokens handed to the hosted page by its shell', () => {
  it('registers the token for the visitor chatting in the page and disables it on sign-out, posting the outcome', async () => {
    const { context, page, errors, posted } = await phone(reactNativeShell);
    type Commands = { RingnityChat: { registerPush(d: object): Promise<void>; unregisterPush(d: object): Promise<void> } };
    try {
      await page.goto(`${server.origin}/chat/${server.slug}`);
      await vi.waitFor(async () => expect(await posted()).toContainEqual({ type: 'ready', slug: 'acme' }), { timeout: 10_000 });
      const token = `eRn1:APA91b${'Qw-_7x'.repeat(24)}`;
      // What the app runs through injectJavaScript / evaluateJavaScript.
      await page.evaluate((t) => (window as unknown as Commands).RingnityChat.registerPush({ platform: 'react_native', provider: 'fcm', token: t, deviceId: 'install-7' }), token);
      await page.evaluate(() => (window as unknown as Commands).RingnityChat.registerPush({ platform: 'ios', provider: 'apns', token: 'nope' }));
      await page.evaluate(() => (window as unknown as Commands).RingnityChat.unregisterPush({ deviceId: 'install-7' }));
      expect((await posted()).filter((e) => e.type === 'push' || e.type === 'error')).toEqual([
        { type: 'push', enabled: true, deviceId: 'install-7' },
        { type: 'error', code: 'SDK_DEVICE_TOKEN_INVALID', message: expect.stringContaining('apns') },
        { type: 'push', enabled: false, disabled: 1 },
      ]);
      // Chromium logs the refused token's 400 itself; nothing else went wrong.
      expect(errors).toEqual(['console.error: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    } finally {
      await context.close();
    }
  });
});

describe('the hosted chat page for everyone', () => {
  it('has no WCAG 2.1 A/AA violations (axe over the whole page, into the widget)', async () => {
    // The page's CSP refuses inline scripts, axe's among them: this context only is let through.
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
    const { page, errors } = await openPage(context);
    try {
      await page.goto(`${server.origin}/chat/${server.slug}`);
      await page.getByTestId('composer-input').waitFor();
      await page.addScriptTag({ content: readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8') });
      const found = await page.evaluate(async () => {
        type Result = { violations: { id: string; nodes: { target: unknown }[] }[]; passes: { id: string }[] };
        const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<Result> } }).axe;
        const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
        return { violations: result.violations.map((v) => `${v.id} ${JSON.stringify(v.nodes.map((n) => n.target))}`), passes: result.passes.map((r) => r.id) };
      });
      // axe reached the widget's controls inside its shadow root.
      expect(found.passes).toContain('button-name');
      expect(found.violations).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('the hosted chat page with other shells', () => {
  it('posts an object to an iOS WKScriptMessageHandler and a string to an Android interface', async () => {
    const { context, page, errors, posted } = await phone(() => {
      const w = window as unknown as Record<string, unknown> & { posted: unknown[] };
      w.posted = [];
      w.webkit = { messageHandlers: { ringnity: { postMessage: (o: unknown) => void w.posted.push({ via: 'ios', kind: typeof o, value: o }) } } };
      w.RingnityBridge = { postMessage: (s: unknown) => void w.posted.push({ via: 'android', kind: typeof s, value: s }) };
    });
    try {
      await page.goto(`${server.origin}/chat/${server.slug}`);
      await vi.waitFor(async () => expect(await posted()).toHaveLength(2), { timeout: 10_000 });
      expect(await posted()).toEqual([
        { via: 'ios', kind: 'object', value: { type: 'ready', slug: 'acme' } },
        { via: 'android', kind: 'string', value: JSON.stringify({ type: 'ready', slug: 'acme' }) },
      ]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('works in a plain browser tab (no shell), and answers 404 for a path that is not a slug', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const { page, errors } = await openPage(context);
    try {
      await page.goto(`${server.origin}/chat/${server.slug}`);
      await page.getByTestId('composer-input').waitFor();
      // Closed in a browser tab, the launcher brings the chat back.
      await page.getByTestId('close').click();
      await page.getByTestId('launcher').click();
      await page.getByTestId('composer-input').waitFor();
      expect(errors).toEqual([]);
      expect((await fetch(`${server.origin}/chat/..%2Fsecret`)).status).toBe(404);
      expect((await fetch(`${server.origin}/chat/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
    } finally {
      await context.close();
    }
  });
});
