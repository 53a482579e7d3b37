/**
 * Content-Security-Policy values built as data (demo/server/http/csp.ts): the hosted chat page's
 * policy per tenant and the strict policy a site embedding the widget needs. An origin added to
 * one directive never changes another, a source that would start a directive of its own never
 * reaches the header, and a tenant's CDN logo is allowed where the page draws it.
 */
import { describe, expect, it } from 'vitest';
import { cspHeader } from '../../../demo/server/http/csp.ts';
import { WORKER_CSP, chatPageCsp } from '../../../demo/server/routes/chat-page.ts';
import { strictCsp } from '../../../demo/server/strict-csp.ts';

/** Directive name → its sources, as a browser reads the header. */
const parse = (header: string) => new Map(header.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));

const BASE =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; " +
  "worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

describe('cspHeader', () => {
  it('writes directives in order, leaves out unset sources, writes a repeated one once, a bare directive alone', () => {
    expect(cspHeader({ 'default-src': ["'none'"], 'img-src': ["'self'", undefined, false, 'https://a.example', "'self'"], sandbox: [] })).toBe(
      "default-src 'none'; img-src 'self' https://a.example; sandbox",
    );
  });

  it('refuses a source that would end its directive, start another policy, or split into two sources', () => {
    for (const bad of ['https://a.example; script-src *', 'https://a.example,script-src *', 'https://a.example *', "'self'\n"]) {
      expect(() => cspHeader({ 'img-src': ["'self'", bad] }), JSON.stringify(bad)).toThrow(/Not a CSP source/);
    }
  });
});

describe("the hosted chat page's policy", () => {
  it('is the strict same-origin policy, framed only by the server itself, for a slug no tenant has', () => {
    expect(chatPageCsp([])).toBe(BASE);
    expect(WORKER_CSP).toBe("default-src 'none'; connect-src 'self'");
  });

  it('adds the files origin to img-src and media-src, the CDN logo origin to img-src, and changes nothing else', () => {
    const csp = parse(chatPageCsp(['https://shop.example'], 'https://files.example:8443', 'https://CDN.example/brand/logo.png?v=2'));
    expect(csp.get('img-src')).toEqual(["'self'", 'https://cdn.example', 'https://files.example:8443', 'data:', 'blob:']);
    expect(csp.get('media-src')).toEqual(["'self'", 'https://files.example:8443', 'blob:']);
    expect(csp.get('frame-ancestors')).toEqual(["'self'", 'https://shop.example']);
    const base = parse(BASE);
    for (const [directive, sources] of csp) {
      if (directive !== 'img-src' && directive !== 'media-src' && directive !== 'frame-ancestors') expect(sources, directive).toEqual(base.get(directive));
    }
    expect([...csp.keys()]).toEqual([...base.keys()]);
  });

  it('lists an origin that is both the files origin and the logo origin once', () => {
    expect(parse(chatPageCsp([], 'https://cdn.example', 'https://cdn.example/logo.svg')).get('img-src')).toEqual(["'self'", 'https://cdn.example', 'data:', 'blob:']);
  });

  it('leaves out what is no origin a policy can carry: a relative logo, a script URL, a smuggled directive', () => {
    const origins = ['https://evil.example;sandbox', "https://x.example' 'unsafe-inline", 'javascript:alert(1)', 'https://*.com'];
    for (const logo of ['/logo.svg', 'javascript:alert(1)', "https://x.example'/l.png", 'https://a.example;script-src */l.png', 42]) {
      for (const files of [undefined, 'https://f.example/path', "https://f.example'"]) {
        expect(chatPageCsp(origins, files, logo), `${String(logo)} ${files}`).toBe(BASE);
      }
    }
  });
});

describe('the strict policy for a site embedding the widget', () => {
  it('names the widget origin where the widget needs it (its TSDoc example), and only the nonce with strict-dynamic', () => {
    expect(strictCsp({ nonce: 'n0nce==', widgetOrigin: 'https://chat.example.com/path' })).toBe(
      "default-src 'self'; script-src 'self' 'nonce-n0nce==' https://chat.example.com; style-src 'self'; " +
        "connect-src 'self' https://chat.example.com wss://chat.example.com; img-src 'self' https://chat.example.com; media-src 'self' https://chat.example.com",
    );
    expect(strictCsp({ nonce: 'n0nce==', filesOrigin: 'https://files.example', strictDynamic: true })).toBe(
      "default-src 'self'; script-src 'nonce-n0nce==' 'strict-dynamic'; style-src 'self'; connect-src 'self'; img-src 'self' https://files.example; media-src 'self' https://files.example",
    );
  });
});
