/**
 * The strict Content Security Policy a site embedding the widget needs (issue 7 item 9), and the
 * demo page served under it (`/strict-csp.html`, `demo/site/strict-csp.html`). The policy is the
 * one strict sites already have — `default-src 'self'; script-src 'self' 'nonce-…'; style-src
 * 'self'; connect-src 'self'` — plus the widget's origin only where the widget needs it: its
 * scripts, its API and socket, and the images and media of shared files. No `'unsafe-inline'`,
 * no `'unsafe-eval'`, no `blob:`, no `data:`; the widget's styles are constructable stylesheets,
 * which `style-src` does not govern.
 */
import { randomBytes } from 'node:crypto';
import { cspHeader } from './http/csp.ts';

/** Where the widget comes from, as the policy must name it. */
export interface StrictCspOptions {
  /** A fresh, unguessable value per response (base64). */
  nonce: string;
  /**
   * The widget's origin (`https://chat.example.com`: loader, app chunks, API, socket). Omit when
   * the page is served by the widget's own server: `'self'` then covers it, the socket included.
   */
  widgetOrigin?: string | undefined;
  /**
   * The origin shared files are served from (`FILES_ORIGIN`, extensions.md §7): the widget's file
   * links redirect there, so images and media need it too. Omit when it is the widget's origin.
   */
  filesOrigin?: string | undefined;
  /**
   * `script-src 'nonce-…' 'strict-dynamic'` instead of origin lists: the loader, carrying the
   * nonce, is trusted, and what it imports is trusted through it.
   */
  strictDynamic?: boolean;
}

/** The socket's origin for a page origin: `https:` → `wss:`, `http:` → `ws:`. */
export const socketOrigin = (origin: string): string => origin.replace(/^http/, 'ws');

/**
 * The policy, as a `Content-Security-Policy` header value.
 * @example strictCsp({ nonce, widgetOrigin: 'https://chat.example.com' })
 * // default-src 'self'; script-src 'self' 'nonce-…' https://chat.example.com; style-src 'self';
 * // connect-src 'self' https://chat.example.com wss://chat.example.com; img-src 'self' https://chat.example.com; media-src 'self' https://chat.example.com
 */
export function strictCsp({ nonce, widgetOrigin, filesOrigin, strictDynamic = false }: StrictCspOptions): string {
  // A page on the widget's own server is `'self'` for everything but a separate files origin.
  const widget = widgetOrigin === undefined ? undefined : new URL(widgetOrigin).origin;
  const files = filesOrigin === undefined ? undefined : new URL(filesOrigin).origin;
  return cspHeader({
    'default-src': ["'self'"],
    'script-src': strictDynamic ? [`'nonce-${nonce}'`, "'strict-dynamic'"] : ["'self'", `'nonce-${nonce}'`, widget],
    'style-src': ["'self'"],
    'connect-src': ["'self'", widget, widget && socketOrigin(widget)],
    // File links point at the widget's API, which redirects to the files origin: both must be allowed.
    'img-src': ["'self'", widget, files],
    'media-src': ["'self'", widget, files],
  });
}

/** A fresh nonce: 128 random bits, base64 (CSP3's `nonce-source` grammar). */
export const newNonce = (): string => randomBytes(16).toString('base64');

/**
 * The demo page's HTML with its placeholders filled: `{{nonce}}` on every script it runs and
 * `{{widget}}` before `/loader.js` (empty: the loader of the server that serves the page).
 */
export const fillStrictCspPage = (template: string, nonce: string, widgetOrigin = ''): string =>
  template.replaceAll('{{nonce}}', nonce).replaceAll('{{widget}}', widgetOrigin);
