/**
 * The origin rules in a real browser (extensions.md §4), where the page cannot choose its
 * `Origin`: a session token started on host A works there and is refused on host B (also on the
 * tenant's list), over HTTP and the socket; `localhost` is not `127.0.0.1`; a sandboxed frame
 * (`Origin: null`) is refused; and the server's own pages, whose same-origin GETs carry no
 * `Origin`, keep working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame, Page } from 'playwright-core';
import { launchChromium, openPage } from '../e2e/browser.ts';
import { serveHostPage } from '../e2e/static-host.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

let server: TestServer;
let browser: Browser;
let hostA: Awaited<ReturnType<typeof serveHostPage>>;
let hostB: Awaited<ReturnType<typeof serveHostPage>>;

beforeAll(async () => {
  hostA = await serveHostPage('<!doctype html><title>A</title><iframe sandbox="allow-scripts" srcdoc="<p>sandboxed</p>"></iframe>');
  hostB = await serveHostPage('<!doctype html><title>B</title>');
  server = await startTestServer({ allowedOrigins: [hostA.origin, hostB.origin] });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await hostA?.close();
  await hostB?.close();
});

interface Answer {
  status: number;
  body: { success: boolean; code?: string; data?: { sessionToken?: string } };
}

/** Runs fetch in the page (or frame), so the browser sets Origin and fetch metadata itself. */
function call(where: Page | Frame, url: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<Answer> {
  return where.evaluate(async ({ url, init }) => {
    const headers: Record<string, string> = {};
    if (init.token) headers['X-Ringnity-SDK-Session'] = init.token;
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(url, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
    return { status: res.status, body: await res.json() };
  }, { url, init });
}

/** Opens the realtime socket from the page and answers the first frame after auth. */
function socketAnswer(page: Page, url: string, token: string): Promise<{ type: string; code?: string }> {
  return page.evaluate(({ url, token }) => new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token }));
    ws.onmessage = (event) => {
      resolve(JSON.parse(String(event.data)));
      ws.close();
    };
    ws.onerror = () => reject(new Error('socket error'));
  }), { url, token });
}

async function pageOn(origin: string): Promise<Page> {
  const context = await browser.newContext();
  const { page } = await openPage(context);
  await page.goto(`${origin}/`);
  return page;
}

describe('in Chromium', () => {
  it('keeps a token started on host A to host A, over HTTP and the socket', async () => {
    const a = await pageOn(hostA.origin);
    const b = await pageOn(hostB.origin);
    const session = await call(a, `${server.baseUrl}/sdk/session`, { method: 'POST', body: { slug: 'acme' } });
    expect(session.status).toBe(201);
    const token = session.body.data?.sessionToken ?? '';
    const conversations = `${server.baseUrl}/chat/visitor/conversations`;
    expect((await call(a, conversations, { token })).status).toBe(200);
    const ws = `${server.baseUrl.replace(/^http/, 'ws')}/realtime`;
    expect(await socketAnswer(a, ws, token)).toMatchObject({ type: 'ready' });

    // The same token carried to host B (another of the tenant's own sites) is refused, readably.
    const fromB = await call(b, conversations, { token });
    expect(fromB).toMatchObject({ status: 403, body: { success: false, code: 'SDK_ORIGIN_NOT_ALLOWED' } });
    const created = await call(b, conversations, { method: 'POST', token, body: {} });
    expect(created).toMatchObject({ status: 403, body: { code: 'SDK_ORIGIN_NOT_ALLOWED' } });
    expect(await socketAnswer(b, ws, token)).toMatchObject({ type: 'error', code: 'SDK_ORIGIN_NOT_ALLOWED' });
    // Nothing was created from B: A still has no conversation.
    const listed = (await call(a, conversations, { token })).body as { data?: { conversations?: unknown[] } };
    expect(listed.data?.conversations).toEqual([]);
  });

  it('refuses localhost when only 127.0.0.1 is listed, and a sandboxed frame (Origin: null)', async () => {
    const port = new URL(hostA.origin).port;
    const lookAlike = await pageOn(`http://localhost:${port}`);
    expect(await call(lookAlike, `${server.baseUrl}/sdk/bootstrap?slug=acme`)).toMatchObject({ status: 403, body: { code: 'SDK_ORIGIN_NOT_ALLOWED' } });
    const a = await pageOn(hostA.origin);
    const frame = a.frames().find((f) => f !== a.mainFrame());
    expect(frame).toBeDefined();
    expect(await call(frame!, `${server.baseUrl}/sdk/bootstrap?slug=acme`)).toMatchObject({ status: 403, body: { code: 'SDK_ORIGIN_NOT_ALLOWED' } });
    expect(await call(a, `${server.baseUrl}/sdk/bootstrap?slug=acme`)).toMatchObject({ status: 200 });
  });

  it('lets the server\'s own pages read with their token: same-origin GETs carry no Origin', async () => {
    const own = await pageOn(server.origin);
    const session = await call(own, '/api/sdk/session', { method: 'POST', body: { slug: 'acme' } });
    expect(session.status).toBe(201);
    const token = session.body.data?.sessionToken ?? '';
    expect((await call(own, '/api/chat/visitor/conversations', { token })).status).toBe(200);
    expect((await call(own, '/api/chat/visitor/conversations', { method: 'POST', token, body: {} })).status).toBe(201);
    // Carried to host A (on the list), the own-origin token is refused.
    const a = await pageOn(hostA.origin);
    expect(await call(a, `${server.baseUrl}/chat/visitor/conversations`, { token })).toMatchObject({ status: 403, body: { code: 'SDK_ORIGIN_NOT_ALLOWED' } });
  });
});
