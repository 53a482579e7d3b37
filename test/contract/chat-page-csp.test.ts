/**
 * The hosted chat page's Content-Security-Policy (extensions.md §16): framed only by the server's
 * own pages and the tenant's allowed domains, with room for a service worker and a manifest.
 * The route runs on the test server's own database; the page file is a stand-in, as only the
 * headers are checked here (the built page is driven in test/e2e/hosted-page.test.ts). Also the
 * page's service worker, `/chat/sw.js`: how it is served, and what the built one precaches (it
 * works offline in test/e2e/hosted-offline.test.ts).
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../demo/server/db/database.ts';
import { WORKER_CSP, chatPageRoutes } from '../../demo/server/routes/chat-page.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

let server: TestServer;
let db: Database | undefined;
let rootDir: string;
const WORKER = "self.addEventListener('fetch', () => {}); // build 1\n";

beforeAll(async () => {
  rootDir = await mkdtemp(path.join(os.tmpdir(), 'ringnity-chat-page-'));
  await mkdir(path.join(rootDir, 'dist', 'chat'), { recursive: true });
  await writeFile(path.join(rootDir, 'dist', 'chat', 'index.html'), '<!doctype html><title>chat</title>');
  await writeFile(path.join(rootDir, 'dist', 'chat', 'sw.js'), WORKER);
  server = await startTestServer({
    // The second entry is not an origin CSP can carry (a `;` would start a directive of its own).
    allowedOrigins: ['https://Shop.Example.com', 'https://evil.example;sandbox'],
    seed: async (database) => void (db = database),
  });
});
afterAll(async () => {
  await server?.close();
  await rm(rootDir, { recursive: true, force: true });
});

async function cspOf(slug: string): Promise<Map<string, string>> {
  const res = await chatPageRoutes(rootDir, db).request(`/${slug}`);
  expect(res.status).toBe(200);
  const header = res.headers.get('content-security-policy') ?? '';
  return new Map(header.split(';').map((d) => d.trim().split(/\s+(.*)/s).slice(0, 2) as [string, string]));
}

describe('GET /chat/{slug} Content-Security-Policy', () => {
  it("lets the server's own pages and the tenant's allowed domains frame the page, and no one else", async () => {
    const csp = await cspOf('acme');
    const ancestors = csp.get('frame-ancestors')?.split(' ') ?? [];
    expect(ancestors[0]).toBe("'self'");
    // The order of the allowlist is not the point: the set is.
    expect(new Set(ancestors)).toEqual(new Set(["'self'", `http://localhost:${server.port}`, `http://127.0.0.1:${server.port}`, 'https://shop.example.com']));
    expect(csp.has('sandbox')).toBe(false);
    expect(csp.get('frame-ancestors')).not.toContain('evil');
  });

  it('is framed by nobody else for a slug no tenant has', async () => {
    expect((await cspOf('no-such-shop')).get('frame-ancestors')).toBe("'self'");
  });

  it("allows a same-origin service worker and web manifest, and still nothing inline", async () => {
    const csp = await cspOf('acme');
    expect(csp.get('worker-src')).toBe("'self'");
    expect(csp.get('manifest-src')).toBe("'self'");
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('style-src')).toBe("'self'");
  });
});


describe("the page's CSP stays strict", () => {
  it("has no 'unsafe-*' source anywhere and no blob: for scripts or workers", async () => {
    const csp = await cspOf('acme');
    expect([...csp.values()].join(' ')).not.toMatch(/unsafe-/);
    for (const directive of ['default-src', 'script-src', 'worker-src']) expect(csp.get(directive)).not.toMatch(/blob:|data:|\*/);
    expect(csp.get('object-src')).toBe("'none'");
  });
});

describe('GET /chat/sw.js (the page\'s service worker)', () => {
  it('answers the current worker, never cached by HTTP, scoped to /chat/, under a policy of its own', async () => {
    const res = await chatPageRoutes(rootDir, db).request('/sw.js');
    expect(res.status).toBe(200);
    await expect(res.text()).resolves.toBe(WORKER);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    // The browser's update check must see a new build at once.
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('service-worker-allowed')).toBe('/chat/');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe(WORKER_CSP);
    expect(WORKER_CSP).toBe("default-src 'none'; connect-src 'self'");
  });

  it('answers 404 when the page is not built, and never hands out files beside it', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'ringnity-chat-page-'));
    try {
      expect((await chatPageRoutes(empty, db).request('/sw.js')).status).toBe(404);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
    // The page without its CSP (no frame-ancestors: clickjacking) or the worker under another URL.
    for (const probe of ['/sw.js/..%2Findex.html', '/assets/..%2Fsw.js', '/assets/..%2Findex.html', '/assets/%2e%2e/index.html', '/assets/..%5Csw.js']) {
      const res = await chatPageRoutes(rootDir, db).request(probe);
      expect(res.status, probe).toBe(404);
      const body = await res.text();
      expect(body, probe).not.toContain('<title>');
      expect(body, probe).not.toBe(WORKER);
    }
    // What is in assets/ is still served.
    await mkdir(path.join(rootDir, 'dist', 'chat', 'assets'), { recursive: true });
    await writeFile(path.join(rootDir, 'dist', 'chat', 'assets', 'index-abc.js'), 'export {};');
    const asset = await chatPageRoutes(rootDir, db).request('/assets/index-abc.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });
});

describe('the built service worker (npm run build)', () => {
  const built = path.resolve(import.meta.dirname, '../../dist/chat');

  it("precaches every hashed file of the page, the icon, and nothing of the API", async () => {
    const source = await readFile(path.join(built, 'sw.js'), 'utf8');
    const assets = (await readdir(path.join(built, 'assets'))).filter((file) => !file.endsWith('.map'));
    expect(assets.length).toBeGreaterThan(10);
    const listed = [...source.matchAll(/url:["'`]([^"'`]+)["'`]/g)].map((m) => m[1]);
    expect(new Set(listed)).toEqual(new Set([...assets.map((file) => `/chat/assets/${file}`), '/favicon.svg']));
    // The placeholder was replaced; tokens and sessions never reach a cache (issue 8).
    expect(source).not.toContain('__WB_MANIFEST');
    expect(source).not.toContain('sdk/session');
    // It takes over only when told to (the page's update prompt), never by itself at install.
    expect(source.match(/skipWaiting\(\)/g)).toHaveLength(1);
    expect(source).toContain('SKIP_WAITING');
  });
});
