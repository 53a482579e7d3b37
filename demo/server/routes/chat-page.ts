/**
 * The hosted chat page (extensions.md §16): `/chat/{slug}` answers the built page
 * (`dist/chat/index.html`, whose script reads the slug from the path), `/chat/assets/*` its files.
 * Served under a strict Content-Security-Policy: the page and the widget need nothing inline, and
 * only the tenant's own sites may frame it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Hono } from 'hono';
import type { AppEnv } from '../http/context.ts';
import { sendStaticFile } from '../http/static-file.ts';
import { resolveInside } from '../static.ts';
import { cspSourceOf, normalizeOrigin } from '../auth/origin.ts';
import type { Queryable } from '../db/database.ts';
import { findTenantBySlug } from '../store/tenants.ts';
import { cspHeader } from '../http/csp.ts';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** A tenant slug as the page accepts it (anything else is not a chat page). */
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/i;

/** An origin as CSP may carry it: anything else (`;`, quotes, paths) could smuggle in a directive. */
const CSP_ORIGIN = /^https?:\/\/(\*\.)?[a-z0-9.-]+(?::\d{1,5})?$/;
const cspOrigin = (origin: string | undefined): string | undefined => (origin !== undefined && CSP_ORIGIN.test(origin) ? origin : undefined);

/**
 * The page's CSP for a tenant. Same-origin everything: the API and its socket, signed attachment
 * links (images, and `blob:` previews of the visitor's own files), the call view's media, and
 * (for an installable page with offline support) its service worker and web manifest. Beyond
 * that, only what the tenant's page needs:
 * - `frame-ancestors`: the server's own pages and the tenant's allowed domains (the list the
 *   origin guard checks API calls against), never any other site, which could otherwise lay the
 *   chat under a decoy and steer the visitor's clicks;
 * - the files origin in `img-src` and `media-src`: attachment links redirect there, and CSP
 *   checks the redirect's target too;
 * - the origin of a tenant logo on a CDN (`branding.logoUrl`) in `img-src`; a relative one is
 *   covered by `'self'`.
 */
export function chatPageCsp(allowedOrigins: readonly string[], filesOrigin?: string, logoUrl?: unknown): string {
  const ancestors = allowedOrigins.map((entry) => cspOrigin(cspSourceOf(entry)));
  const files = filesOrigin === undefined ? undefined : cspOrigin(normalizeOrigin(filesOrigin));
  const logo = logoOrigin(logoUrl);
  return cspHeader({
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'connect-src': ["'self'"],
    'img-src': ["'self'", logo, files, 'data:', 'blob:'],
    'media-src': ["'self'", files, 'blob:'],
    'worker-src': ["'self'"],
    'manifest-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'self'", ...ancestors],
  });
}

/** The service worker's own policy: no scripts of any kind, requests to this server only. */
export const WORKER_CSP = cspHeader({ 'default-src': ["'none'"], 'connect-src': ["'self'"] });

/** The origin of an absolute http(s) logo URL (it has a path, so it is no bare origin). */
function logoOrigin(logoUrl: unknown): string | undefined {
  if (typeof logoUrl !== 'string' || !/^https?:\/\//i.test(logoUrl)) return undefined;
  try {
    return cspOrigin(new URL(logoUrl).origin);
  } catch {
    return undefined;
  }
}

const HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

/** The page's files: {@link sendStaticFile} sets their caching headers. */
const ASSET_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };

const typeOf = (file: string): string => TYPES[path.extname(file)] ?? 'application/octet-stream';

/**
 * Mounted at `/chat`, before the static catch-all. With `db` the page may be framed by the
 * tenant's allowed domains; without it only by this server's own pages.
 */
export function chatPageRoutes(rootDir: string, db?: Queryable, filesOrigin?: (requestOrigin: string) => string): Hono<AppEnv> {
  const dir = path.join(rootDir, 'dist', 'chat');
  const app = new Hono<AppEnv>();

  // Only what is inside assets/: an encoded `..` (`/chat/assets/..%2Findex.html`) would otherwise
  // reach the page without its CSP (no frame-ancestors), or the worker under another URL.
  app.get('/assets/*', async (c) => {
    const file = resolveInside(path.join(dir, 'assets'), c.req.path.slice(c.req.path.indexOf('/assets/') + '/assets/'.length));
    // Every file here is named by its content hash (the worker precaches them as such): kept for good.
    const sent = file ? await sendStaticFile(c, file, { contentType: typeOf(file), cache: 'immutable', headers: ASSET_HEADERS }) : undefined;
    return sent ?? c.text('Not found', 404, HEADERS);
  });

  // The page's service worker (demo/chat/sw.ts). Never cached by HTTP (`no-cache`), so the
  // browser's update check always sees the current build; its scope is `/chat/` (its own folder).
  // Its own CSP: it runs no other script and talks only to this server.
  app.get('/sw.js', async (c) => {
    const sent = await sendStaticFile(c, path.join(dir, 'sw.js'), {
      contentType: TYPES['.js']!,
      cache: 'revalidate',
      headers: { ...ASSET_HEADERS, 'Service-Worker-Allowed': '/chat/', 'Content-Security-Policy': WORKER_CSP },
    });
    return sent ?? c.text('Not found', 404, HEADERS);
  });

  app.get('/:slug{[^/]+}', async (c) => {
    const slug = c.req.param('slug');
    if (!SLUG.test(slug)) return c.text('Not found', 404, HEADERS);
    const html = await readFile(path.join(dir, 'index.html'), 'utf8').catch(() => undefined);
    if (html === undefined) return c.text('The chat page is not built: run `npm run build`.', 503, HEADERS);
    // An unknown slug still gets the page (it shows the widget's own "not found" state), framed by nobody else.
    const tenant = db ? await findTenantBySlug(db, slug) : undefined;
    return c.html(html, 200, { ...HEADERS, 'Content-Security-Policy': chatPageCsp(tenant?.allowed_origins ?? [], filesOrigin?.(new URL(c.req.url).origin), tenant?.branding?.logoUrl) });
  });

  return app;
}
