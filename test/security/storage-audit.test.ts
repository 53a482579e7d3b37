/**
 * Issue 8 item 6: tokens at rest. After a full visitor session in Chromium (messages sent, a
 * file uploaded, the page reloaded) everything the site's origin keeps is read: localStorage,
 * sessionStorage, every IndexedDB database, store, key and value (blobs read as text), Cache
 * Storage (requests and answer bodies) and cookies (HttpOnly too). The runtime token (a JWT, kept
 * in memory only) is nowhere; the anonymous visitor credential (≥ 128 random bits) is, until
 * `shutdown()` removes it. The same on the hosted chat page, whose service worker fills Cache Storage.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { launchChromium, openPage } from '../e2e/browser.ts';
import { message, noisePng, openChat, sendText } from '../e2e/two-sides.ts';

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ tenantSettings: { aiRouting: 'human_only' } }), launchChromium()]);
  context = await browser.newContext();
  ({ page } = await openPage(context));
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Everything the page's origin stores, as one string per place (values made JSON-able). */
const everythingStored = (p: Page) => everythingStoredIn(context, p);

async function everythingStoredIn(ctx: BrowserContext, p: Page): Promise<Record<string, string>> {
  const inPage = await p.evaluate(async () => {
    const plain = async (value: unknown): Promise<unknown> => {
      if (value instanceof Blob) return { blob: value.type, text: await value.text() };
      if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
        const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
        return { bytes: String.fromCharCode(...bytes.slice(0, 200_000)) };
      }
      if (value instanceof Map) return plain([...value.entries()]);
      if (Array.isArray(value)) return Promise.all(value.map(plain));
      if (value && typeof value === 'object') {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) out[k] = await plain(v);
        return out;
      }
      return value;
    };
    const idb: Record<string, unknown> = {};
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      for (const store of [...db.objectStoreNames]) {
        const tx = db.transaction(store, 'readonly').objectStore(store);
        const read = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
        const [keys, values] = await Promise.all([read(tx.getAllKeys()), read(tx.getAll())]);
        idb[`${name}/${store}`] = await plain(keys.map((k, i) => [k, values[i]]));
      }
      db.close();
    }
    const caches: Record<string, string[]> = {};
    // Every kept request with its answer's body (the hosted page's service worker keeps pages,
    // the bootstrap, images and scripts).
    if ('caches' in window)
      for (const key of await window.caches.keys()) {
        const cache = await window.caches.open(key);
        caches[key] = await Promise.all((await cache.keys()).map(async (r) => `${r.url} ${[...r.headers].join()} ${await (await cache.match(r))?.text()}`));
      }
    return {
      localStorage: JSON.stringify(Object.entries(localStorage)),
      sessionStorage: JSON.stringify(Object.entries(sessionStorage)),
      indexedDB: JSON.stringify(idb),
      cacheStorage: JSON.stringify(caches),
      documentCookie: document.cookie,
    };
  });
  return { ...inPage, cookies: JSON.stringify(await ctx.cookies()) };
}

const JWT = /eyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*/;

describe('what the widget leaves on the device', () => {
  it('keeps no runtime token anywhere and the visitor credential only until shutdown()', async () => {
    const sessions: Array<{ sessionToken: string; visitorCredential: string }> = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname.endsWith('/api/sdk/session')) void r.json().then((b: { data: (typeof sessions)[number] }) => sessions.push(b.data), () => undefined);
    });

    await openChat(page, server.origin);
    await sendText(page, 'Where is my order?');
    await message(page, 'visitor', 'Where is my order?').and(page.locator('[data-state="sent"],[data-state="delivered"],[data-state="read"]')).waitFor();
    await page.getByTestId('attach-input').setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: noisePng(20_000) });
    await sendText(page, 'Here is the receipt');
    await message(page, 'visitor', 'Here is the receipt').and(page.locator('[data-state="sent"],[data-state="delivered"],[data-state="read"]')).waitFor();
    await vi.waitFor(() => expect(sessions.length).toBeGreaterThan(0));

    await page.reload();
    await openChat(page, server.origin);
    await message(page, 'visitor', 'Here is the receipt').waitFor();
    await vi.waitFor(() => expect(sessions.length).toBeGreaterThan(1));

    const [first, second] = sessions as [(typeof sessions)[number], (typeof sessions)[number]];
    // The reload resumed the same visitor with a new runtime token.
    expect(second.visitorCredential).toBe(first.visitorCredential);
    expect(second.sessionToken).not.toBe(first.sessionToken);
    // The credential: base64url of at least 16 random bytes (the server makes 24).
    const credential = first.visitorCredential;
    expect(credential).toMatch(/^[\w-]+$/);
    expect(Buffer.from(credential, 'base64url').length).toBeGreaterThanOrEqual(16);

    const during = await everythingStored(page);
    for (const [place, text] of Object.entries(during)) {
      expect(text, place).not.toMatch(JWT);
      for (const { sessionToken } of sessions) expect(text, place).not.toContain(sessionToken);
    }
    expect(during.indexedDB).toContain(credential);
    expect(Object.entries(during).filter(([, text]) => text.includes(credential)).map(([place]) => place)).toEqual(['indexedDB']);

    await page.evaluate(() => Ringnity('shutdown'));
    await vi.waitFor(async () => {
      const after = await everythingStored(page);
      for (const [place, text] of Object.entries(after)) {
        expect(text, place).not.toContain(credential);
        expect(text, place).not.toMatch(JWT);
      }
    });
  });
});

describe('what the hosted chat page and its service worker leave on the device', () => {
  it('keeps no runtime token in any cache (bodies read), and the visitor credential in IndexedDB only', async () => {
    const hosted = await browser.newContext();
    const { page: chat } = await openPage(hosted);
    try {
      const sessions: Array<{ sessionToken: string; visitorCredential: string }> = [];
      chat.on('response', (r) => {
        if (new URL(r.url()).pathname.endsWith('/api/sdk/session')) void r.json().then((b: { data: (typeof sessions)[number] }) => sessions.push(b.data), () => undefined);
      });
      await chat.goto(`${server.origin}/chat/${server.slug}`);
      await chat.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', undefined, { timeout: 15_000 });
      await sendText(chat, 'Asked from the hosted page');
      await message(chat, 'visitor', 'Asked from the hosted page').and(chat.locator('[data-state="sent"],[data-state="delivered"],[data-state="read"]')).waitFor();
      // Loaded through the worker this time: what it keeps at runtime is kept now.
      await chat.reload();
      await message(chat, 'visitor', 'Asked from the hosted page').waitFor();
      await vi.waitFor(() => expect(sessions.length).toBeGreaterThan(1));

      const stored = await everythingStoredIn(hosted, chat);
      // The worker did keep things (the page, the bootstrap, the scripts), so the check is not empty.
      expect(stored.cacheStorage).toContain(`/chat/${server.slug}`);
      expect(stored.cacheStorage).toContain('/api/sdk/bootstrap');
      const credential = sessions[0]!.visitorCredential;
      for (const [place, text] of Object.entries(stored)) {
        expect(text, place).not.toMatch(JWT);
        for (const { sessionToken } of sessions) expect(text, place).not.toContain(sessionToken);
      }
      expect(Object.entries(stored).filter(([, text]) => text.includes(credential)).map(([place]) => place)).toEqual(['indexedDB']);
    } finally {
      await hosted.close();
    }
  });
});
