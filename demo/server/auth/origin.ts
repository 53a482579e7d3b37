/**
 * The tenant origin allowlist (extensions.md §4). Requests without `Origin` (servers, native
 * apps, tests) are not browser requests and pass; a browser origin must be on the list.
 */
import { ApiError } from '../http/errors.ts';

/** `scheme://host[:port]` in lower case, or undefined when `value` is not an http(s) origin. */
export function normalizeOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin.toLowerCase();
  } catch {
    return undefined;
  }
}

export function isOriginAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  const normalized = normalizeOrigin(origin);
  if (!normalized) return false; // `null` (sandboxed frames, file://) is never on a list
  return allowed.some((entry) => normalizeOrigin(entry) === normalized);
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
