/**
 * Security headers for everything the server answers outside the file origin (issue 8 item 9),
 * set after the route ran and only where the route set none (the chat page, the call page and
 * the strict-CSP page carry their own policies, which win):
 * - every answer: `X-Content-Type-Options: nosniff` (a JSON or text answer is never sniffed as a page);
 * - every page: `Referrer-Policy: strict-origin-when-cross-origin` (no paths or queries to other sites);
 * - the agent console and the call page: never framed (`X-Frame-Options: DENY` and CSP
 *   `frame-ancestors 'none'`, so no site can lay them under a decoy and steer an agent's or a
 *   caller's clicks) and `Cross-Origin-Opener-Policy: same-origin` (no cross-origin window keeps
 *   a handle on them);
 * - the demo site's pages: `Cross-Origin-Opener-Policy: same-origin-allow-popups` and no framing
 *   rule, because a host page is a customer's page: the widget must work inside a frame too
 *   (issue 7), and the site decides about its own framing;
 * - the hosted chat page: no framing rule here (its CSP names the tenant's allowed sites as
 *   `frame-ancestors`) and no COOP (a site may open it as a popup and keep talking to it).
 */
import type { MiddlewareHandler } from 'hono';

type Area = 'api' | 'console' | 'call' | 'chat' | 'static' | 'site';

/** Which kind of answer a path gets. */
export function areaOf(path: string): Area {
  if (path === '/api' || path.startsWith('/api/')) return 'api';
  if (path === '/console' || path.startsWith('/console/')) return 'console';
  if (path === '/call' || path.startsWith('/call/')) return 'call';
  if (path === '/chat' || path.startsWith('/chat/')) return 'chat';
  // Scripts host pages load cross-origin: not pages, and framing rules mean nothing for them.
  if (path === '/loader.js' || path.startsWith('/widget/') || path.startsWith('/sdk/')) return 'static';
  return 'site';
}

const NEVER_FRAMED = {
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "frame-ancestors 'none'",
  'Cross-Origin-Opener-Policy': 'same-origin',
};

const BY_AREA: Record<Area, Record<string, string>> = {
  api: {},
  static: {},
  console: { 'Referrer-Policy': 'strict-origin-when-cross-origin', ...NEVER_FRAMED },
  call: { 'Referrer-Policy': 'no-referrer', ...NEVER_FRAMED },
  chat: { 'Referrer-Policy': 'strict-origin-when-cross-origin' },
  site: { 'Referrer-Policy': 'strict-origin-when-cross-origin', 'Cross-Origin-Opener-Policy': 'same-origin-allow-popups' },
};

export function pageHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const headers = c.res.headers;
    const wanted = { 'X-Content-Type-Options': 'nosniff', ...BY_AREA[areaOf(c.req.path)] };
    for (const [name, value] of Object.entries(wanted)) {
      // A route's own policy wins; a page with a CSP but no frame-ancestors would still lose
      // nothing, as X-Frame-Options covers framing for it.
      if (!headers.has(name)) headers.set(name, value);
    }
  };
}
