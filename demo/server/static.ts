/**
 * Static files: the built loader and widget (`dist/`), the console (`dist/console/`), the call
 * page call links open (`dist/call/`, extensions.md §15) and the demo site (`demo/site/`). Paths are resolved inside their root; `..` cannot escape it.
 * The loader and widget chunks are fetched cross-origin by host pages, hence CORS `*`.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Context, Hono } from 'hono';
import type { AppEnv } from './http/context.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

/** Resolves `relative` inside `root`, or undefined when it would leave it. */
export function resolveInside(root: string, relative: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const full = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  return full === root || full.startsWith(root + path.sep) ? full : undefined;
}

async function sendFile(c: Context, root: string, relative: string, headers: Record<string, string> = {}): Promise<Response> {
  let file = resolveInside(root, relative);
  if (file) {
    const info = await stat(file).catch(() => undefined);
    if (info?.isDirectory()) file = path.join(file, 'index.html');
    else if (!info) file = undefined;
  }
  const body = file ? await readFile(file).catch(() => undefined) : undefined;
  if (!file || !body) return c.text('Not found', 404, { 'X-Content-Type-Options': 'nosniff' });
  return c.body(new Uint8Array(body), 200, {
    'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
    ...headers,
  });
}

/**
 * The call page (extensions.md §15): its fragment holds a session-granting link, so it runs only
 * this server's own code (no inline script, no other origin), is never framed, and its links
 * never tell another site where the visitor came from.
 */
export const CALL_PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
};

/** Mounts the static routes; call after the API and demo routes. */
export function mountStatic(app: Hono<AppEnv>, rootDir: string): void {
  const dist = path.join(rootDir, 'dist');
  const site = path.join(rootDir, 'demo', 'site');
  const crossOrigin = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' };

  app.get('/loader.js', (c) => sendFile(c, dist, 'loader.js', crossOrigin));
  app.get('/widget/*', (c) => sendFile(c, path.join(dist, 'widget'), c.req.path.slice('/widget/'.length), crossOrigin));
  app.get('/console', (c) => sendFile(c, path.join(dist, 'console'), 'index.html'));
  app.get('/console/*', (c) => sendFile(c, path.join(dist, 'console'), c.req.path.slice('/console/'.length) || 'index.html'));
  // The token rides in the fragment (`/call/#<token>`), which the browser never sends here.
  app.get('/call', (c) => sendFile(c, path.join(dist, 'call'), 'index.html', CALL_PAGE_HEADERS));
  app.get('/call/*', (c) => sendFile(c, path.join(dist, 'call'), c.req.path.slice('/call/'.length) || 'index.html', CALL_PAGE_HEADERS));
  // The runtime core as ESM for pages with a chat UI of their own (demo/site/headless.html): the
  // core's chunks, and its two bare imports for the page's import map.
  const modules = path.join(rootDir, 'node_modules');
  app.get('/sdk/core/*', (c) => sendFile(c, path.join(dist, 'core'), c.req.path.slice('/sdk/core/'.length), crossOrigin));
  app.get('/sdk/shared/*', (c) => sendFile(c, path.join(dist, 'shared'), c.req.path.slice('/sdk/shared/'.length), crossOrigin));
  app.get('/sdk/vendor/signals-core.js', (c) => sendFile(c, path.join(modules, '@preact/signals-core/dist'), 'signals-core.module.js', crossOrigin));
  app.get('/sdk/vendor/idb-keyval.js', (c) => sendFile(c, path.join(modules, 'idb-keyval/dist'), 'index.js', crossOrigin));
  app.get('*', (c) => {
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/demo/')) return c.text('Not found', 404);
    return sendFile(c, site, c.req.path === '/' ? 'index.html' : c.req.path.slice(1));
  });
}
