/**
 * A Server API key in a browser is a leaked secret (issue 8 item 4): whoever can read the page
 * can act as the customer's backend. A request that carries one and comes from a browser (it
 * has an `Origin` header) is refused with `SERVER_API_KEY_EXPOSED` before any route runs, so
 * nothing is read or written with it, and the answer tells the site to rotate the key. The key
 * itself is never echoed.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';

/**
 * What a Server API key looks like (`sk_` and at least 16 more characters, like the demo's
 * `sk_demo_acme_…`; configured keys need 21, `config.ts`). Public keys are `pk_…`, tokens are
 * JWTs, credentials plain base64url.
 */
// Not after `_`, `-` or `.`: base64url values and JWT signatures contain `sk_` by chance (about
// 1 in 150,000 credentials or session tokens would be refused for good); a key stands alone or
// after `=`, a space, a quote (`Bearer sk_…`, `key=sk_…`).
export const SERVER_KEY_SHAPE = /(?:^|[^A-Za-z0-9_.-])sk_[A-Za-z0-9_-]{16,}/;

export function serverKeyExposed(): ApiError {
  return new ApiError(
    403,
    'SERVER_API_KEY_EXPOSED',
    'A Server API key was sent from a browser or as a public value. It is a secret for your backend only: remove it from the page and rotate it.',
  );
}

/** Whether any of `values` looks like a Server API key. */
export const hasServerKey = (values: ReadonlyArray<string | undefined>): boolean => values.some((v) => v !== undefined && SERVER_KEY_SHAPE.test(v));

/** A body field meant for a public value (`apiKey`, `contextToken`, …) that holds a Server API key. */
export function refuseServerKeyInBody(values: ReadonlyArray<unknown>): void {
  if (hasServerKey(values.filter((v): v is string => typeof v === 'string'))) throw serverKeyExposed();
}

/**
 * Any route: a browser request (with `Origin`) whose headers carry something shaped like a
 * Server API key, and any request at all whose query does: no route takes a key in a URL, and
 * one there has leaked into histories, logs and referrers, also from a no-cors `<img src>` or a
 * navigation, which send no `Origin`. Every configured key has this shape (`config.ts`
 * `checkServerApiKey`), so the shape test is exact for real keys.
 */
export function refuseServerKeyFromBrowser(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const query = [...new URL(c.req.url).searchParams.values()];
    if (hasServerKey(query)) throw serverKeyExposed();
    if (c.req.header('origin') !== undefined) {
      const values = [c.req.header('authorization'), c.req.header('x-ringnity-sdk-session'), c.req.header('cookie')];
      if (hasServerKey(values)) throw serverKeyExposed();
    }
    await next();
  };
}

/**
 * `/server/*`: nothing a browser sends there is legitimate, so any credential arriving with an
 * `Origin` counts as a leaked key, whatever its shape.
 */
export function refuseBrowserOnServerApi(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.header('origin') !== undefined && c.req.header('authorization') !== undefined) throw serverKeyExposed();
    await next();
  };
}
