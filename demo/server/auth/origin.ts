/**
 * The tenant origin allowlist (extensions.md §4). Requests without `Origin` (servers, native
 * apps, tests) are not browser requests and pass; a browser origin must be on the list.
 *
 * Everything is compared as parsed parts (scheme, host, port), never as substrings: a
 * `startsWith`/`indexOf` check would let `https://example.com.evil.test` or
 * `https://evil-example.com` through. Hosts are compared as the WHATWG URL parser leaves them
 * (lower case, IDNs in punycode), so a Unicode look-alike never equals an ASCII entry.
 */
import { ApiError } from '../http/errors.ts';

/** `scheme://host[:port]` in lower case, or undefined when `value` is not an http(s) origin. */
export function normalizeOrigin(value: string): string | undefined {
  return parseOrigin(value)?.origin;
}

/** One allowlist entry, parsed: `https://shop.example` or `https://*.example.com[:port]`. */
interface OriginRule {
  protocol: string;
  /** The exact host, or (wildcard) the domain whose subdomains match. */
  hostname: string;
  /** `''` for the scheme's default port, as `URL` reports it. */
  port: string;
  /** `*.example.com`: any subdomain at any depth, never the apex. */
  wildcard: boolean;
}

const WILDCARD = /^(https?:\/\/)\*\.(.+)$/i;

/**
 * A request's `Origin` (or an entry without `*`) as URL parts, or undefined for anything that
 * is not a bare http(s) origin: `null`, `file:`, a path, credentials, a `*` in the host.
 */
function parseOrigin(value: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return undefined;
  // `*` is a legal host code point for URL, but no browser sends it: it only ever means a wildcard entry.
  if (url.hostname.includes('*')) return undefined;
  return url;
}

/** Parses an allowlist entry; a malformed one matches nothing rather than failing the request. */
export function parseOriginRule(entry: string): OriginRule | undefined {
  const wildcard = WILDCARD.exec(entry.trim());
  const url = parseOrigin(wildcard ? `${wildcard[1]}${wildcard[2]}` : entry);
  if (!url) return undefined;
  if (wildcard) {
    // `*.com` or `*.1.2.3` would hand a whole TLD or an address range to a typo: refused.
    if (!url.hostname.includes('.') || url.hostname.startsWith('[') || /^[\d.]+$/.test(url.hostname)) return undefined;
  }
  return { protocol: url.protocol, hostname: url.hostname, port: url.port, wildcard: wildcard !== null };
}

/**
 * An allowlist entry as a CSP source expression (`frame-ancestors`): `https://shop.example` or
 * `https://*.example.com`, which CSP matches the way {@link isOriginAllowed} does (subdomains
 * at any depth, not the apex). Undefined for an entry that matches nothing.
 */
export function cspSourceOf(entry: string): string | undefined {
  const rule = parseOriginRule(entry);
  if (!rule) return undefined;
  return `${rule.protocol}//${rule.wildcard ? '*.' : ''}${rule.hostname}${rule.port ? `:${rule.port}` : ''}`;
}

function matches(rule: OriginRule, url: URL): boolean {
  if (rule.protocol !== url.protocol || rule.port !== url.port) return false;
  if (!rule.wildcard) return rule.hostname === url.hostname;
  // A dot boundary and at least one label before it: `a.example.com`, `a.b.example.com`; not
  // `example.com` (the apex) nor `evilexample.com`.
  const suffix = `.${rule.hostname}`;
  return url.hostname.length > suffix.length && url.hostname.endsWith(suffix);
}

export function isOriginAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  const url = parseOrigin(origin);
  if (!url) return false; // `null` (sandboxed frames, file://) is never on a list
  return allowed.some((entry) => {
    const rule = parseOriginRule(entry);
    return rule !== undefined && matches(rule, url);
  });
}

/** Throws 403 `SDK_ORIGIN_NOT_ALLOWED` naming the origin when it is not allowed. */
export function assertOriginAllowed(origin: string | undefined, allowed: readonly string[], tenantName: string): void {
  if (!isOriginAllowed(origin, allowed)) {
    throw new ApiError(
      403,
      'SDK_ORIGIN_NOT_ALLOWED',
      `The origin ${origin} is not on ${tenantName}'s allowed domains. Add it in the developer settings.`,
    );
  }
}
