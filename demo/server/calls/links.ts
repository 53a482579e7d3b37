/**
 * Call links (extensions.md §15): a page URL whose fragment carries a single-purpose token
 * (`typ: "call-link"`) naming the tenant, the visitor, the conversation and the service. The
 * fragment never reaches a server log or a `Referer`; the token is refused everywhere else.
 */
import type { CallLink, CallLinkService } from '../../../src/contract/extensions.ts';
import type { Deps } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';

/** Where the reference server serves the call page (static.ts). */
export const CALL_PAGE_PATH = '/call/';

/**
 * How long a call-link session outlives its link (extensions.md §15). The link's token cannot be
 * traded again once it expired, so a session ending with the link would cut a call placed just
 * before that (its socket closes, the drop grace ends the call). After the link expires the
 * session places no new call; this only bounds how long the calls it placed may last.
 */
export const CALL_LINK_SESSION_AFTER_LINK_SECONDS = 4 * 60 * 60;

export interface CallLinkClaims {
  tenantId: string;
  visitorId: string;
  conversationId: string;
  service: CallLinkService;
}

/** A verified link: its claims and when it expires (seconds since the epoch). */
export interface VerifiedCallLink extends CallLinkClaims {
  exp: number;
}

/** Signs a link for `claims`, on the public origin the API was called on. */
export async function issueCallLink(deps: Deps, origin: string, claims: CallLinkClaims): Promise<CallLink> {
  const ttlSeconds = Math.max(1, Math.round(deps.config.callLinkTtlMs / 1000));
  const issued = await deps.tokens.sign(
    { typ: 'call-link', tid: claims.tenantId, sub: claims.visitorId, conv: claims.conversationId, svc: claims.service },
    ttlSeconds,
  );
  return { url: `${origin}${CALL_PAGE_PATH}#${issued.token}`, service: claims.service, conversationId: claims.conversationId, expiresAt: issued.expiresAt };
}

/** The link's claims; 401 `CALL_LINK_INVALID` for a tampered, expired (`details: ["expired"]`) or other kind of token. */
export async function readCallLink(deps: Deps, token: string): Promise<VerifiedCallLink> {
  const invalid = (details?: string[]) => new ApiError(401, 'CALL_LINK_INVALID', 'This call link is not valid. Ask for a new one in the chat.', details);
  let claims;
  try {
    claims = await deps.tokens.verify(token);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'TOKEN_EXPIRED') throw linkExpired();
    throw invalid();
  }
  const { typ, tid, sub, conv, svc, exp } = claims;
  if (typ !== 'call-link' || typeof conv !== 'string' || (svc !== 'voice_call' && svc !== 'video_call')) throw invalid();
  return { tenantId: tid, visitorId: sub, conversationId: conv, service: svc, exp };
}

/**
 * 401 `CALL_LINK_INVALID` (`details: ["expired"]`) once the link expiring at `linkExp` (seconds
 * since the epoch) has: a call-scoped session places no new call after it (extensions.md §15).
 */
export function assertLinkLive(linkExp: number): void {
  // `<=`, as jose judges `exp`: the session stops placing calls the moment the link stops trading.
  if (linkExp <= Math.floor(Date.now() / 1000)) throw linkExpired();
}

function linkExpired(): ApiError {
  return new ApiError(401, 'CALL_LINK_INVALID', 'This call link has expired. Ask for a new one in the chat.', ['expired']);
}
