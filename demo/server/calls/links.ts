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

export interface CallLinkClaims {
  tenantId: string;
  visitorId: string;
  conversationId: string;
  service: CallLinkService;
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
export async function readCallLink(deps: Deps, token: string): Promise<CallLinkClaims> {
  const invalid = (details?: string[]) => new ApiError(401, 'CALL_LINK_INVALID', 'This call link is not valid. Ask for a new one in the chat.', details);
  let claims;
  try {
    claims = await deps.tokens.verify(token);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'TOKEN_EXPIRED') {
      throw new ApiError(401, 'CALL_LINK_INVALID', 'This call link has expired. Ask for a new one in the chat.', ['expired']);
    }
    throw invalid();
  }
  const { typ, tid, sub, conv, svc } = claims;
  if (typ !== 'call-link' || typeof conv !== 'string' || (svc !== 'voice_call' && svc !== 'video_call')) throw invalid();
  return { tenantId: tid, visitorId: sub, conversationId: conv, service: svc };
}
