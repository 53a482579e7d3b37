/**
 * Binding a visitor session token to the origin it was started from (extensions.md §4). A token
 * minted by a browser on `https://shop.example` carries `org: "https://shop.example"` and works
 * only from there: not from another allowed origin (a token leaked from one site is useless on a
 * sibling) and not without an `Origin` (a script replaying it). A token minted without `Origin`
 * (a native app, a server) carries no `org` and keeps working without one.
 */
import { ApiError } from '../http/errors.ts';
import { isOwnOrigin } from '../calls/own-origin.ts';
import { normalizeOrigin } from './origin.ts';

/** What a request says about where it comes from. */
export interface RequestOrigin {
  /** The `Origin` header. */
  origin: string | undefined;
  /** The `Host` header. */
  host: string | undefined;
  /** The `Sec-Fetch-Site` header (set by browsers in secure contexts, never by a page's script). */
  fetchSite: string | undefined;
}

/**
 * The `org` claim for a token minted by a request with this `Origin` header. An `Origin` that is
 * not an http(s) origin (`null`) binds to `"null"`, which no later request can satisfy.
 */
export function originClaim(origin: string | undefined): { org?: string } {
  if (origin === undefined) return {};
  return { org: normalizeOrigin(origin) ?? 'null' };
}

/** Whether a request may use a token bound to `org` (undefined: not bound). */
export function isTokenOriginOk(org: string | undefined, request: RequestOrigin): boolean {
  if (org === undefined) return true;
  if (request.origin !== undefined) return normalizeOrigin(request.origin) === org;
  // Browsers leave `Origin` off same-origin GETs, so the hosted chat page and the call page
  // (served by this server) read without it. Good only for a token minted on this server's own
  // origin, and only when fetch metadata does not say the request is cross-site: browsers send
  // `Sec-Fetch-Site` only in secure contexts, so the call page opened over plain http on a LAN
  // address sends none. A token minted on a customer's site never passes without `Origin`.
  const sameOrigin = request.fetchSite === undefined || request.fetchSite === 'same-origin';
  return sameOrigin && isOwnOrigin(org, request.host);
}

/** Throws 403 `SDK_ORIGIN_NOT_ALLOWED` when the token is bound to another origin than the request's. */
export function assertTokenOrigin(org: string | undefined, request: RequestOrigin): void {
  if (isTokenOriginOk(org, request)) return;
  const where = request.origin === undefined ? 'without an Origin header' : `from ${request.origin}`;
  throw new ApiError(
    403,
    'SDK_ORIGIN_NOT_ALLOWED',
    `This session was started on ${org} and cannot be used ${where}. Start a new session where it is used.`,
  );
}
