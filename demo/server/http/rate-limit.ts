/**
 * Rate-limit middleware (extensions.md §13): per client IP before anything else is done, and
 * per runtime session (the token's subject, so a renewed token keeps its bucket) right after
 * the auth guard. A refused request is answered 429 `RATE_LIMITED` with `Retry-After` in whole
 * seconds, before its body is read, so it changes nothing.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { AppEnv, Deps } from './context.ts';
import { ApiError } from './errors.ts';
import { RATE_LIMIT_NOUNS, RATE_LIMIT_SCOPES, type RateLimitName, type RateLimitRule } from '../limits/rules.ts';

/** Counts the request against the per-IP bucket `name` (`sessions`, `requests`). */
export function byIp(deps: Deps, name: RateLimitName): MiddlewareHandler<AppEnv> {
  return guard(deps, name, (c) => `ip:${clientIp(c, deps.config.trustProxy)}`);
}

/** Counts it against the caller's per-session bucket `name` (`messages`, `uploads`); after an auth guard. */
export function bySession(deps: Deps, name: RateLimitName): MiddlewareHandler<AppEnv> {
  return guard(deps, name, (c) => {
    const auth = c.get('visitorAuth') ?? c.get('agentAuth');
    if (!auth) throw new Error(`rate limit "${name}" by session runs before an auth guard`);
    return `${auth.claims.typ}:${auth.claims.tid}:${auth.claims.sub}`;
  });
}

function guard(deps: Deps, name: RateLimitName, keyOf: (c: Context<AppEnv>) => string): MiddlewareHandler<AppEnv> {
  const rule = deps.config.rateLimits[name];
  if (!rule) return (_c, next) => next();
  return async (c, next) => {
    const result = await deps.rateLimitStore.take(`${name}:${keyOf(c)}`, rule);
    if (!result.allowed) throw rateLimited(name, rule, result.retryAfterMs);
    await next();
  };
}

/** The 429 a refused request gets: whole seconds, rounded up, never 0. */
export function rateLimited(name: RateLimitName, rule: RateLimitRule, retryAfterMs: number): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const per = RATE_LIMIT_SCOPES[name] === 'session' ? 'session' : 'address';
  return new ApiError(
    429,
    'RATE_LIMITED',
    `Too many ${RATE_LIMIT_NOUNS[name]}: try again in ${seconds} s.`,
    [`limit: ${rule.burst} at once, then ${rule.perMinute} per minute per ${per}`],
    { 'Retry-After': String(seconds) },
  );
}

/** The peer address (IPv4-mapped IPv6 written as IPv4), or the proxy's last forwarded hop. */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const last = hops.at(-1);
    if (last) return normalise(last);
  }
  return normalise(getConnInfo(c).remote.address ?? 'unknown');
}

function normalise(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address.toLowerCase();
}
