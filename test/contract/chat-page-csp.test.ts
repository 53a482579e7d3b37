/**
 * The hosted chat page's Content-Security-Policy (extensions.md §16): framed only by the server's
 * own pages and the tenant's allowed domains, with room for a service worker and a manifest.
 * The route runs on the test server's own database; the page file is a stand-in, as only the
 * headers are checked here (the built page is driven in test/e2e/hosted-page.test.ts).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../demo/server/db/database.ts';
import { chatPageRoutes } from '../../demo/server/routes/chat-page.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

let server: TestServer;
let db: Database | undefined;
let rootDir: string;

beforeAll(async () => {
  rootDir = await mkdtemp(path.join(os.tmpdir(), 'ringnity-chat-page-'));
  await mkdir(path.join(rootDir, 'dist', 'chat'), { recursive: true });
  await writeFile(path.join(rootDir, 'dist', 'chat', 'index.html'), '<!doctype html><title>chat</title>');
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

