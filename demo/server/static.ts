/**
 * Static files: the built loader and widget (`dist/`), the console (`dist/console/`), the call
 * page call links open (`dist/call/`, extensions.md §15) and the demo site (`demo/site/`). Paths are resolved inside their root; `..` cannot escape it.
 * The loader and widget chunks are fetched cross-origin by host pages, hence CORS `*`.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Context, Hono } from 'hono';
import type { AppEnv } from './http/context.ts';
import { type CachePolicy, sendStaticFile } from './http/static-file.ts';
import { fillStrictCspPage, newNonce, strictCsp } from './strict-csp.ts';

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

/**
 * A file named `<name>-<hash>.<ext>` by the build (vite's 8-character content hash): its URL
 * changes whenever its bytes do, so browsers may keep it for a year without asking.
 */
const HASHED_NAME = /-[A-Za-z0-9_-]{8}\.(?:js|css|svg|png|woff2|webp)$/;

/**
 * How long browsers keep a file: hashed build files for good; everything else is revalidated
 * each time (a cheap 304 by ETag) because its URL stays the same across builds.
 */
function policyFor(file: string, hashedDir: boolean): CachePolicy {
  return hashedDir && HASHED_NAME.test(path.basename(file)) ? 'immutable' : 'revalidate';
}

interface SendOptions {
  headers?: Record<string, string>;
  /** The folder holds only build output named with content hashes (`widget/chunks`, `assets`). */
  hashed?: boolean;
  /** Overrides the policy (the loader). */
  cache?: CachePolicy;
}

async function sendFile(c: Context, root: string, relative: string, options: SendOptions = {}): Promise<Response> {
  let file = resolveInside(root, relative);
  if (file) {
    const info = await stat(file).catch(() => undefined);
    if (info?.isDirectory()) file = path.join(file, 'index.html');
    else if (!info) file = undefined;
  }
  const sent = file
    ? await sendStaticFile(c, file, {
        contentType: TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        cache: options.cache ?? policyFor(file, options.hashed ?? false),
        ...(options.headers ? { headers: options.headers } : {}),
      })
    : undefined;
  return sent ?? c.text('Not found', 404, { 'X-Content-Type-Options': 'nosniff' });
}

/**
 * The loader's freshness: host pages load it on every page view, so `no-cache` would cost each
 * view a revalidation round trip before the launcher can show (on a slow network, hundreds of ms).
 * Five minutes spares repeated views that trip, and a release still reaches every visitor within
 * five minutes (the loader fetches the revalidated `widget/app.js`, which names hashed chunks).
 */
export const LOADER_MAX_AGE_SECONDS = 300;

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

/** What the static routes need to know about the rest of the server. */
export interface StaticOptions {
  /** The files origin for a page requested on `requestOrigin` (extensions.md §7), named in the strict-CSP page's policy. */
  filesOrigin?: (requestOrigin: string) => string;
}

/**
 * `/strict-csp.html`: the demo page under the strict policy a site embedding the widget needs
 * (`strict-csp.ts`), with a fresh nonce per response (never cached, or the nonce would repeat).
 * `?policy=strict-dynamic` serves the `'strict-dynamic'` variant.
 */
async function strictCspPage(c: Context, site: string, options: StaticOptions): Promise<Response> {
  const template = await readFile(path.join(site, 'strict-csp.html'), 'utf8');
  const nonce = newNonce();
  const files = options.filesOrigin?.(new URL(c.req.url).origin);
  const policy = strictCsp({ nonce, filesOrigin: files, strictDynamic: c.req.query('policy') === 'strict-dynamic' });
  return c.html(fillStrictCspPage(template, nonce), 200, {
    'Content-Security-Policy': policy,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
}

/** Mounts the static routes; call after the API and demo routes. */
export function mountStatic(app: Hono<AppEnv>, rootDir: string, options: StaticOptions = {}): void {
  const dist = path.join(rootDir, 'dist');
  const site = path.join(rootDir, 'demo', 'site');
  const crossOrigin = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' };

  app.get('/loader.js', (c) => sendFile(c, dist, 'loader.js', { headers: crossOrigin, cache: LOADER_MAX_AGE_SECONDS }));
  app.get('/widget/*', (c) => sendFile(c, path.join(dist, 'widget'), c.req.path.slice('/widget/'.length), { headers: crossOrigin, hashed: c.req.path.startsWith('/widget/chunks/') }));
  app.get('/console', (c) => sendFile(c, path.join(dist, 'console'), 'index.html'));
  app.get('/console/*', (c) => sendFile(c, path.join(dist, 'console'), c.req.path.slice('/console/'.length) || 'index.html', { hashed: c.req.path.startsWith('/console/assets/') }));
  // The token rides in the fragment (`/call/#<token>`), which the browser never sends here.
  app.get('/call', (c) => sendFile(c, path.join(dist, 'call'), 'index.html', { headers: CALL_PAGE_HEADERS }));
  app.get('/call/*', (c) => sendFile(c, path.join(dist, 'call'), c.req.path.slice('/call/'.length) || 'index.html', { headers: CALL_PAGE_HEADERS, hashed: c.req.path.startsWith('/call/assets/') }));
  // The runtime core as ESM for pages with a chat UI of their own (demo/site/headless.html): the
  // core's chunks, and its two bare imports for the page's import map.
  const modules = path.join(rootDir, 'node_modules');
  app.get('/sdk/core/*', (c) => sendFile(c, path.join(dist, 'core'), c.req.path.slice('/sdk/core/'.length), { headers: crossOrigin }));
  app.get('/sdk/shared/*', (c) => sendFile(c, path.join(dist, 'shared'), c.req.path.slice('/sdk/shared/'.length), { headers: crossOrigin, hashed: true }));
  app.get('/sdk/vendor/signals-core.js', (c) => sendFile(c, path.join(modules, '@preact/signals-core/dist'), 'signals-core.module.js', { headers: crossOrigin }));
  app.get('/sdk/vendor/idb-keyval.js', (c) => sendFile(c, path.join(modules, 'idb-keyval/dist'), 'index.js', { headers: crossOrigin }));
  app.get('/strict-csp.html', (c) => strictCspPage(c, site, options));
  app.get('*', (c) => {
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/demo/')) return c.text('Not found', 404);
    return sendFile(c, site, c.req.path === '/' ? 'index.html' : c.req.path.slice(1));
  });
}
