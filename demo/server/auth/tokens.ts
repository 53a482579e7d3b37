/**
 * Signed tokens (HMAC-SHA256 JWTs through jose). Four kinds, told apart by `typ`:
 * visitor session tokens, agent tokens, visitor context tokens and call links (extensions.md §15).
 * `tid` is the tenant, `sub` the visitor or agent id. Every guard checks `typ`, so one kind never
 * passes for another.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { ApiError } from '../http/errors.ts';

export type TokenType = 'visitor' | 'agent' | 'context' | 'call-link';
const TOKEN_TYPES: readonly unknown[] = ['visitor', 'agent', 'context', 'call-link'] satisfies TokenType[];

/** What a verified token says. */
export interface TokenClaims {
  typ: TokenType;
  /** Tenant id. */
  tid: string;
  /** Visitor id (`visitor`, `call-link`), agent id (`agent`) or the customer's external id (`context`). */
  sub: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  scopes?: string[];
  /** Verified identity carried by a context token. */
  name?: string;
  email?: string;
  phone?: string;
  /**
   * `"call"` on a visitor token from `/calls/link-session` (extensions.md §15): it works only on
   * `/calls/sessions*` for the conversation `conv` and on the realtime socket (that call's frames).
   */
  scope?: 'call';
  /** A call link's conversation (also a call-scoped session's). */
  conv?: string;
  /** A call link's service (`voice_call` | `video_call`; also a call-scoped session's). */
  svc?: string;
  /**
   * A call-scoped session's link expiry (seconds since the epoch): it places calls only until
   * then, while `exp` (later) keeps its calls and socket going (extensions.md §15).
   */
  lexp?: number;
  /**
   * A visitor token's origin (extensions.md §4): the normalized `Origin` it was minted from; it
   * then works only from that origin. Absent on a token minted without `Origin` (native apps).
   */
  org?: string;
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
  expiresAt: string;
}

export interface TokenService {
  sign(claims: Omit<TokenClaims, 'exp'>, ttlSeconds: number): Promise<IssuedToken>;
  /**
   * Verifies signature and expiry. Expired → 401 `TOKEN_EXPIRED`; anything else wrong
   * (garbage, bad signature, wrong shape) → 401 `SDK_SESSION_REQUIRED`.
   */
  verify(token: string): Promise<TokenClaims>;
}

const ISSUER = 'ringnity-reference-server';

/** `sub` prefix of a context token whose identity is an email, not the customer's user id. */
export const EMAIL_SUBJECT = 'mailto:';

export function createTokenService(secret: string): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    async sign(claims, ttlSeconds) {
      const now = Math.floor(Date.now() / 1000);
      const exp = now + ttlSeconds;
      const { sub, ...rest } = claims;
      const token = await new SignJWT({ ...rest })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(ISSUER)
        .setSubject(sub)
        .setIssuedAt(now)
        .setExpirationTime(exp)
        // A unique id, so two tokens minted for the same subject in the same second differ
        // (a client can then tell a renewed token from the one a socket was rejected with).
        .setJti(randomUUID())
        .sign(key);
      return { token, expiresIn: ttlSeconds, expiresAt: new Date(exp * 1000).toISOString() };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { issuer: ISSUER, algorithms: ['HS256'] });
        const { typ, tid, sub, exp } = payload;
        if (!TOKEN_TYPES.includes(typ) || typeof tid !== 'string' || !sub || !exp) {
          throw new ApiError(401, 'SDK_SESSION_REQUIRED', 'The session token is not valid. Start a new session.');
        }
        return payload as unknown as TokenClaims;
      } catch (error) {
        if (error instanceof ApiError) throw error;
        if (error instanceof joseErrors.JWTExpired) {
          throw new ApiError(401, 'TOKEN_EXPIRED', 'The session token has expired. Refresh the session.');
        }
        throw new ApiError(401, 'SDK_SESSION_REQUIRED', 'The session token is not valid. Start a new session.');
      }
    },
  };
}
