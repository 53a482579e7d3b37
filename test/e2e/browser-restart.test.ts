/**
 * Issue 4, item 1: sends survive a browser restart. A visitor writes (texts and a file) while
 * the server cannot be reached, the whole browser is closed and launched again with the same
 * profile, the network comes back, and every message reaches the agent exactly once, in order.
 *
 * The server keeps running; the network is cut by the chaos suite's TCP proxy (test/chaos/proxy.ts) between the
 * browser's API traffic (HTTP and the WebSocket) and the server. The host page and the widget's
 * scripts come from elsewhere and stay reachable, as a site would while the chat backend is down.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { agentOf, type Agent } from '../unit/core/agent.ts';
import { CHROMIUM, CHROMIUM_ARGS } from './browser.ts';
import { message, noisePng, sendText } from './two-sides.ts';
import { startProxy, type ChaosProxy } from '../chaos/proxy.ts';

/** What the widget keeps in IndexedDB (`ringnity`/`kv`): pending texts and files. */
const pendingInStorage = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<{ outbox: number; uploads: number }>((resolve, reject) => {
        const request = indexedDB.open('ringnity');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const db = request.result;
          const tx = db.transaction('kv');
          const outbox = tx.objectStore('kv').get('acme:outbox');
          const uploads = tx.objectStore('kv').get('acme:uploads');
          tx.oncomplete = () => {
            db.close();
            resolve({ outbox: (outbox.result as unknown[] | undefined)?.length ?? 0, uploads: (uploads.result as unknown[] | undefined)?.length ?? 0 });
          };
        };
      }),
  );

describe('a browser restart while the chat server cannot be reached', () => {
  let server: TestServer;
  let agent: Agent;
  let forwarder: ChaosProxy;
  let host: { origin: string; close(): Promise<void> };
  let profile: string;
  let context: BrowserContext | undefined;

  const launch = async () => {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport: { width: 1000, height: 760 } });
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    return { page, errors };
  };

  beforeAll(async () => {
    forwarder = await startProxy(0);
    // The host site is on its own origin (allowed by the tenant), so it must exist before the
    // server starts, and its page names the server: the page is filled in once both are up.
    let html = '';
    const site = http.createServer((req, res) => {
      res.writeHead(req.url === '/' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(req.url === '/' ? html : 'not found');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const hostOrigin = `http://127.0.0.1:${(site.address() as net.AddressInfo).port}`;
    host = { origin: hostOrigin, close: () => new Promise<void>((resolve) => (site.closeAllConnections(), site.close(() => resolve()))) };
    server = await startTestServer({ log: false, allowedOrigins: [hostOrigin], tenantSettings: { aiRouting: 'human_only' } });
    forwarder.retarget(server.port);
    // Scripts straight from the server (always reachable); the API through the forwarder.
    html = `<!doctype html><html><head><title>Acme</title></head><body><h1>Acme</h1>
      <script src="${server.origin}/loader.js" data-slug="acme" data-api="${forwarder.origin}/api" async></script></body></html>`;
    profile = await mkdtemp(path.join(os.tmpdir(), 'ringnity-profile-'));
    agent = await agentOf(server);
  });

  afterAll(async () => {
    await context?.close();
    await host?.close();
    await forwarder?.close();
    await server?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('delivers every text and the file exactly once, in order, after the network returns', async () => {
    // First run: the chat works, then the network goes.
    const first = await launch();
    await first.page.goto(`${host.origin}/`);
    await first.page.getByTestId('launcher').click();
    await first.page.getByTestId('composer-input').waitFor();
    const firstSend = first.page.waitForRequest((r) => r.method() === 'POST' && /\/chat\/visitor\/conversations\/[^/]+\/messages$/.test(r.url()));
    await sendText(first.page, 'Hello before the outage');
    const conversationId = /conversations\/([^/]+)\/messages$/.exec((await firstSend).url())![1]!;
    await message(first.page, 'visitor', 'Hello before the outage').and(first.page.locator('[data-state="sent"],[data-state="delivered"],[data-state="read"]')).waitFor();

    forwarder.cut();
    for (const text of ['one', 'two', 'three']) await sendText(first.page, text);
    await first.page.getByTestId('attach-input').setInputFiles({ name: 'tent.png', mimeType: 'image/png', buffer: noisePng(40_000) });
    await sendText(first.page, 'four');
    for (const text of ['one', 'two', 'three', 'four']) await message(first.page, 'visitor', text).and(first.page.locator('[data-state="sending"]')).waitFor();
    // IndexedDB is written asynchronously: close only once the four texts and the file are kept.
    await vi.waitFor(async () => expect(await pendingInStorage(first.page)).toEqual({ outbox: 4, uploads: 1 }), { timeout: 10_000 });
    await context!.close();
    context = undefined;

    // Second run, same profile, network still down: the pending messages are back, waiting.
    const second = await launch();
    await second.page.goto(`${host.origin}/`);
    await second.page.getByTestId('launcher').click();
    for (const text of ['one', 'two', 'three', 'four']) await message(second.page, 'visitor', text).waitFor();
    expect((await agent.messages(conversationId)).map((m) => m.body)).toEqual(['Hello before the outage']);

    forwarder.heal();
    await vi.waitFor(
      async () => expect((await agent.messages(conversationId)).map((m) => m.messageType ?? 'text')).toEqual(['text', 'text', 'text', 'text', 'text', 'image']),
      { timeout: 45_000, interval: 500 },
    );
    const stored = await agent.messages(conversationId);
    expect(stored.map((m) => m.body)).toEqual(['Hello before the outage', 'one', 'two', 'three', 'four', '']);
    expect(stored.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(stored[5]!.metadata).toMatchObject({ attachment: { name: 'tent.png', kind: 'image' } });

    // The visitor sees each once, confirmed, in the same order.
    await vi.waitFor(async () => expect(await second.page.locator('[data-testid="message"][data-sender="visitor"][data-state="sending"]').count()).toBe(0), { timeout: 10_000 });
    const shown = await second.page.locator('[data-testid="message"][data-sender="visitor"]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-type') === 'image' ? 'image' : n.textContent ?? ''));
    expect(shown).toHaveLength(6);
    expect(shown.slice(1, 5).map((t) => /^(one|two|three|four)/.exec(t)?.[1])).toEqual(['one', 'two', 'three', 'four']);
    expect(shown[5]).toBe('image');
    expect(first.errors).toEqual([]);
    expect(second.errors).toEqual([]);
  });
});
