/**
 * Three tabs of a site opened at the same moment by a browser that was never a visitor (a
 * restored session, an SPA that starts its runtime at load) are one visitor: one credential
 * in the shared storage, one conversation, one socket.
 *
 * Found here (fixed): each tab's `start()` found no stored credential and asked `/sdk/session`
 * for a new visitor, so the three tabs became three visitors, each with its own conversation
 * and its own leader (the shared socket is named per visitor). src/session.ts now creates the
 * credential under a Web Lock and re-reads storage inside it.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { launchChromium } from '../e2e/browser.ts';
import { type ChaosSite, startChaosSite } from './site.ts';
import { openTab } from './tabs.ts';

let site: ChaosSite;
let server: TestServer;
let browser: Browser;
beforeAll(async () => {
  site = await startChaosSite();
  [server, browser] = await Promise.all([startTestServer({ log: false, allowedOrigins: [site.origin] }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await site?.close();
});

it('3 tabs opened at once on a first visit are one visitor with one conversation and one socket', async () => {
  const context = await browser.newContext();
  const url = site.pageUrl(server.baseUrl);
  const tabs = await Promise.all(['t1', 't2', 't3'].map((name) => openTab(context, url, name)));
  await Promise.all(tabs.map((t) => t.started()));
  await Promise.all(tabs.map((t, i) => t.call((c, body) => c.send(body), `first-visit-${i}`)));
  await vi.waitFor(async () => {
    for (const t of tabs) expect(await t.call((c) => c.unconfirmed())).toBe(0);
  }, { timeout: 20_000 });
  const conversations = new Set(await Promise.all(tabs.map((t) => t.call((c) => c.conversationId()))));
  expect(conversations.size).toBe(1);
  expect((await Promise.all(tabs.map((t) => t.call((c) => c.runtime.leader?.value)))).filter(Boolean)).toHaveLength(1);
  await context.close();
});
