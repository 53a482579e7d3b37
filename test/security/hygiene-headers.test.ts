/**
 * Issue 8 item 9: security headers on every page the server serves. The console and the call
 * page are never framed and keep no cross-origin opener; the demo site's pages stay embeddable
 * (a host page may itself sit in a frame, issue 7) with a referrer policy and a popup-friendly
 * COOP; the hosted chat page keeps its own CSP (frame-ancestors: the tenant's sites); every
 * answer, API included, says `nosniff`. A route's own header is never overridden.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../helpers/server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ log: false });
});
afterAll(() => server?.close());

async function headersOf(path: string): Promise<{ status: number; text: string; get(name: string): string | null }> {
  const res = await fetch(`${server.origin}${path}`, { redirect: 'manual' });
  const text = await res.text();
  return { status: res.status, text, get: (name) => res.headers.get(name) };
}

describe('page security headers', () => {
  it('console: never framed, same-origin COOP, nosniff, a referrer policy', async () => {
    // The page itself, not a 404 or a redirect that happens to carry the same headers.
    const page = await headersOf('/console/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Ringnity agent console</title>');
    for (const path of ['/console', '/console/']) {
      const h = await headersOf(path);
      expect([200, 301, 302, 307, 308], path).toContain(h.status);
      expect(h.get('x-frame-options'), path).toBe('DENY');
      expect(h.get('content-security-policy') ?? '', path).toMatch(/frame-ancestors 'none'/);
      expect(h.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(h.get('x-content-type-options'), path).toBe('nosniff');
      expect(h.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin');
    }
  });

  it('call page: never framed, no referrer (its fragment holds a link token), same-origin COOP', async () => {
    const h = await headersOf('/call/');
    expect(h.status).toBe(200);
    expect(h.text).toContain('<title>Call</title>');
    expect(h.get('x-frame-options')).toBe('DENY');
    expect(h.get('content-security-policy') ?? '').toMatch(/frame-ancestors 'none'/);
    expect(h.get('referrer-policy')).toBe('no-referrer');
    expect(h.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(h.get('x-content-type-options')).toBe('nosniff');
  });

  it('demo site pages: embeddable (no X-Frame-Options), nosniff, referrer policy, COOP that keeps popups', async () => {
    for (const path of ['/', '/index.html', '/spa.html', '/headless.html']) {
      const h = await headersOf(path);
      expect(h.status, path).toBe(200);
      expect(h.get('x-frame-options'), path).toBeNull();
      expect(h.get('content-security-policy') ?? '', path).not.toMatch(/frame-ancestors/);
      expect(h.get('x-content-type-options'), path).toBe('nosniff');
      expect(h.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin');
      expect(h.get('cross-origin-opener-policy'), path).toBe('same-origin-allow-popups');
    }
  });

  it('hosted chat page: its own CSP and referrer policy are kept, nosniff, no X-Frame-Options over its frame-ancestors', async () => {
    // `npm test` builds first; a 503 (page not built) fails here instead of skipping the CSP check.
    const h = await headersOf(`/chat/${server.slug}`);
    expect(h.status, 'the hosted chat page must be built (npm run build)').toBe(200);
    expect(h.get('x-content-type-options')).toBe('nosniff');
    expect(h.get('referrer-policy')).toBe('no-referrer');
    expect(h.get('x-frame-options')).toBeNull();
    expect(h.get('content-security-policy') ?? '').toMatch(/frame-ancestors 'self'/);
    expect(h.get('content-security-policy') ?? '').toMatch(/script-src 'self'/);
  });

  it('API answers, errors and 404s say nosniff too; scripts for host pages get no page rules', async () => {
    for (const path of ['/api/sdk/health', '/api/nope', '/no-such-page.html']) {
      const h = await headersOf(path);
      expect(h.get('x-content-type-options'), path).toBe('nosniff');
    }
    const loader = await headersOf('/loader.js');
    expect(loader.get('x-content-type-options')).toBe('nosniff');
    expect(loader.get('x-frame-options')).toBeNull();
    expect(loader.get('cross-origin-opener-policy')).toBeNull();
  });
});
