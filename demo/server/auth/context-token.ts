/**
 * Checking a visitor context token at `/sdk/session` (extensions.md §10). The customer's backend
 * mints it (`/server/visitor-context-token`) and the browser carries it, so the browser may also
 * have tampered with it, replayed an old one or brought another tenant's: each is refused with
 * `SDK_CONTEXT_TOKEN_INVALID`, an expired one with `TOKEN_EXPIRED` (the site then asks its
 * backend for a new one: the widget's `getContextToken`).
 */
import { decodeJwt } from 'jose';
import type { Deps } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import type { TenantRow } from '../store/tenants.ts';
import type { TokenClaims } from './tokens.ts';

/**
 * Clock skew accepted, in seconds: the token may come from another server instance whose
 * clock runs a little ahead or behind (the usual JWT leeway).
 */
export const CONTEXT_TOKEN_SKEW_SECONDS = 60;

/** Longest lifetime a context token may claim (the Server API mints at most this). */
export const CONTEXT_TOKEN_MAX_SECONDS = 86_400;

const rejected = (why: string) => new ApiError(401, 'SDK_CONTEXT_TOKEN_INVALID', `The visitor context token was rejected: ${why}.`);

/** The claims of a valid context token of `tenant`; throws the error envelope's `ApiError` otherwise. */
export async function verifyContextToken(deps: Pick<Deps, 'tokens'>, tenant: TenantRow, token: string): Promise<TokenClaims> {
  const now = Math.floor(Date.now() / 1000);
  let claims: TokenClaims;
  try {
    claims = await deps.tokens.verify(token);
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'TOKEN_EXPIRED')) throw rejected('it is not a token this server signed');
    // jose checks the signature (and the algorithm and issuer) before the expiry: an expired
    // token is one we signed, so its payload can be read to allow the clock skew.
    claims = decodeJwt(token) as unknown as TokenClaims;
    if (claims.exp + CONTEXT_TOKEN_SKEW_SECONDS < now) {
      throw new ApiError(401, 'TOKEN_EXPIRED', 'The visitor context token has expired: ask your backend for a new one (getContextToken).');
    }
  }
  if (claims.typ !== 'context') throw rejected('it is not a visitor context token');
  if (claims.tid !== tenant.id) throw rejected('it belongs to another tenant');
  // A token valid for longer than any the Server API mints was not minted by it (or by a
  // backend that forgot to bound it): a stolen one must not work for months.
  if (claims.exp - now > CONTEXT_TOKEN_MAX_SECONDS + CONTEXT_TOKEN_SKEW_SECONDS) {
    throw rejected(`its expiry is more than ${CONTEXT_TOKEN_MAX_SECONDS / 3600} h ahead`);
  }
  return claims;
}
