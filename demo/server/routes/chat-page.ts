/**
 * The hosted chat page (extensions.md §16): `/chat/{slug}` answers the built page
 * (`dist/chat/index.html`, whose script reads the slug from the path), `/chat/assets/*` its files.
 * Served under a strict Content-Security-Policy: the page and the widget need nothing inline.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Hono } from 'hono';
import type { AppEnv } from '../http/context.ts';
import { resolveInside } from '../static.ts';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** A tenant slug as the page accepts it (anything else is not a chat page). */
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/i;

/**
 * Same-origin everything: the API and its socket, signed attachment links (images, and `blob:`
 * previews of the visitor's own files), the call view's media. `frame-ancestors` stays open so a
 * site may also show the page in a frame.
 */
export const CHAT_PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

/** Mounted at `/chat`, before the static catch-all. */
export function chatPageRoutes(rootDir: string): Hono<AppEnv> {
  const dir = path.join(rootDir, 'dist', 'chat');
  const app = new Hono<AppEnv>();

  app.get('/assets/*', async (c) => {
    const file = resolveInside(dir, c.req.path.slice(c.req.path.indexOf('/assets/') + 1));
    const body = file ? await readFile(file).catch(() => undefined) : undefined;
    if (!file || !body) return c.text('Not found', 404, HEADERS);
    return c.body(new Uint8Array(body), 200, { ...HEADERS, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
  });

  app.get('/:slug{[^/]+}', async (c) => {
    if (!SLUG.test(c.req.param('slug'))) return c.text('Not found', 404, HEADERS);
    const html = await readFile(path.join(dir, 'index.html'), 'utf8').catch(() => undefined);
    if (html === undefined) return c.text('The chat page is not built: run `npm run build`.', 503, HEADERS);
    return c.html(html, 200, { ...HEADERS, 'Content-Security-Policy': CHAT_PAGE_CSP });
  });

  return app;
}
