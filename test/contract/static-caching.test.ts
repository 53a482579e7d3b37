/**
 * Static files over real HTTP (issue 9 item 8): compressed in the coding the browser accepts
 * (brotli first, then gzip), a strong ETag per coding with 304 for a matching `If-None-Match`,
 * hashed build files kept for a year, everything else revalidated, and the strict-CSP page never
 * stored. Served by the server's own static routes over a folder laid out like `dist/`, through
 * Node's HTTP server (raw bytes read with node:http, which does not decode for us).
 */
import { createServer, request, type Server } from 'node:http';
import { copyFile, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../demo/server/http/context.ts';
import { loadStaticFile } from '../../demo/server/http/static-file.ts';
import { chatPageRoutes } from '../../demo/server/routes/chat-page.ts';
import { mountStatic } from '../../demo/server/static.ts';

const here = path.dirname(new URL(import.meta.url).pathname);
/** Text that compresses the way a script does. */
const SCRIPT = `${Array.from({ length: 200 }, (_, i) => `export const value${i} = () => document.querySelector('#launcher-${i}');`).join('\n')}\n`;
const PNG = new Uint8Array(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251));

let root: string;
let server: Server;
let base: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'ringnity-static-'));
  const files: Record<string, string | Uint8Array> = {
    'dist/loader.js': SCRIPT,
    'dist/widget/app.js': SCRIPT,
    'dist/widget/chunks/message-list-AbCd1234.js': SCRIPT,
    'dist/chat/assets/index-Zx_9-8Yq.js': SCRIPT,
    'dist/chat/sw.js': SCRIPT,
    'dist/console/index.html': `<!doctype html><title>Console</title>${SCRIPT}`,
    'dist/console/assets/index-BOQtzDjD.css': SCRIPT,
    'demo/site/index.html': `<!doctype html><title>Site</title>${SCRIPT}`,
    'demo/site/photo.png': PNG,
    'demo/site/tiny.js': 'export {};',
  };
  for (const [name, body] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), body);
  }
  await copyFile(path.resolve(here, '../../demo/site/strict-csp.html'), path.join(root, 'demo/site/strict-csp.html'));
  const app = new Hono<AppEnv>();
  app.route('/chat', chatPageRoutes(root));
  mountStatic(app, root);
  server = createServer(getRequestListener(app.fetch));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(root, { recursive: true, force: true });
});

interface Raw {
  status: number;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

/** GET with exactly these headers; the body as it came over the wire. */
function get(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    request(`${base}${url}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const flat: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(res.headers)) flat[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks) });
      });
    })
      .on('error', reject)
      .end();
  });
}

const CHROME = { 'Accept-Encoding': 'gzip, deflate, br, zstd' };

describe('compression', () => {
  it('answers brotli to a browser that accepts it: far fewer bytes, the same script once decoded', async () => {
    const res = await get('/loader.js', CHROME);
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.body.byteLength).toBeLessThan(Buffer.byteLength(SCRIPT) / 5);
    expect(brotliDecompressSync(res.body).toString()).toBe(SCRIPT);
    // The host page loads it cross-origin: CORS survives the new headers.
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('answers gzip when brotli is not accepted, and the plain file when neither is', async () => {
    const gz = await get('/widget/app.js', { 'Accept-Encoding': 'gzip, br;q=0' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(SCRIPT);
    for (const accept of [undefined, 'identity', 'br;q=0, gzip;q=0', 'zstd']) {
      const plain = await get('/widget/app.js', accept === undefined ? {} : { 'Accept-Encoding': accept });
      expect(plain.headers['content-encoding'], String(accept)).toBeUndefined();
      expect(plain.body.toString()).toBe(SCRIPT);
      // A shared cache must still tell the plain answer from the compressed one.
      expect(plain.headers.vary).toBe('Accept-Encoding');
    }
  });

  it('compresses pages, styles, the chat page files and the worker, but not images or files too small to gain', async () => {
    for (const url of ['/', '/console/', '/console/assets/index-BOQtzDjD.css', '/chat/assets/index-Zx_9-8Yq.js', '/chat/sw.js']) {
      expect((await get(url, CHROME)).headers['content-encoding'], url).toBe('br');
    }
    const png = await get('/photo.png', CHROME);
    expect(png.headers['content-encoding']).toBeUndefined();
    expect(new Uint8Array(png.body)).toEqual(PNG);
    expect(png.headers.vary).toBeUndefined();
    expect((await get('/tiny.js', CHROME)).headers['content-encoding']).toBeUndefined();
  });

  it('compresses each file once, not on every request', async () => {
    await get('/widget/app.js', CHROME);
    const first = await loadStaticFile(path.join(root, 'dist/widget/app.js'));
    const brotli = first?.coded.get('br');
    expect(brotli).toBeDefined();
    await get('/widget/app.js', CHROME);
    const second = await loadStaticFile(path.join(root, 'dist/widget/app.js'));
    expect(second).toBe(first);
    expect(second?.coded.get('br')).toBe(brotli);
  });
});

describe('validators', () => {
  it('gives every file a strong ETag per coding and answers a matching If-None-Match with a bodiless 304', async () => {
    const br = await get('/widget/app.js', CHROME);
    const plain = await get('/widget/app.js');
    expect(br.headers.etag).toMatch(/^"[^"]+"$/);
    expect(plain.headers.etag).toMatch(/^"[^"]+"$/);
    expect(br.headers.etag).not.toBe(plain.headers.etag);

    const again = await get('/widget/app.js', { ...CHROME, 'If-None-Match': br.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.body.byteLength).toBe(0);
    expect(again.headers.etag).toBe(br.headers.etag);
    expect(again.headers['cache-control']).toBe('no-cache');
    expect(again.headers.vary).toBe('Accept-Encoding');
    // A weak form of the same tag and a list containing it match too (RFC 9110 weak comparison).
    expect((await get('/widget/app.js', { ...CHROME, 'If-None-Match': `"nope", W/${br.headers.etag}` })).status).toBe(304);
    // Another coding's tag does not: the browser would get bytes it cannot decode.
    expect((await get('/widget/app.js', { 'If-None-Match': br.headers.etag! })).status).toBe(200);
    expect((await get('/widget/app.js', { ...CHROME, 'If-None-Match': '"something-else"' })).status).toBe(200);
  });

  it('serves a changed file with a new ETag at once (no stale copy kept in memory)', async () => {
    const file = path.join(root, 'dist/widget/app.js');
    const before = await get('/widget/app.js', CHROME);
    const changed = `${SCRIPT}export const release = 2;\n`;
    await writeFile(file, changed);
    // Same-second writes keep their mtime on some file systems: make the change visible.
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    const after = await get('/widget/app.js', { ...CHROME, 'If-None-Match': before.headers.etag! });
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(brotliDecompressSync(after.body).toString()).toBe(changed);
  });
});

describe('Cache-Control', () => {
  it('keeps hashed build files for a year without asking again', async () => {
    for (const url of ['/widget/chunks/message-list-AbCd1234.js', '/chat/assets/index-Zx_9-8Yq.js', '/console/assets/index-BOQtzDjD.css']) {
      expect((await get(url, CHROME)).headers['cache-control'], url).toBe('public, max-age=31536000, immutable');
    }
  });

  it('lets the loader be reused for five minutes, and revalidates every other file whose URL outlives a build', async () => {
    expect((await get('/loader.js')).headers['cache-control']).toBe('public, max-age=300');
    for (const url of ['/widget/app.js', '/', '/console/', '/chat/sw.js', '/photo.png']) {
      const res = await get(url);
      expect(res.headers['cache-control'], url).toBe('no-cache');
      expect(res.headers.etag, url).toBeDefined();
    }
  });

  it('never stores the strict-CSP page (its nonce must not repeat)', async () => {
    const res = await get('/strict-csp.html', CHROME);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.etag).toBeUndefined();
  });

  it('still answers 404 outside the served folders', async () => {
    for (const url of ['/widget/..%2f..%2fpackage.json', '/chat/assets/..%2fsw.js', '/widget/chunks/missing-AbCd1234.js']) {
      const res = await get(url, CHROME);
      expect(res.status, url).toBe(404);
      expect(res.headers.etag).toBeUndefined();
    }
  });
});
