/**
 * Route guards: who is calling. Visitor and agent tokens travel in `X-Ringnity-SDK-Session`
 * (the contract's `RuntimeBearer`); the Server API key in `Authorization: Bearer`.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Deps } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { findAgent } from '../store/agents.ts';
import { findTenantById, findTenantByServerApiKey } from '../store/tenants.ts';
import { findVisitorById } from '../store/visitors.ts';
import { isOwnOrigin } from '../calls/own-origin.ts';
import { assertOriginAllowed } from './origin.ts';
import { assertTokenOrigin } from './origin-binding.ts';
import type { TokenClaims } from './tokens.ts';

export const SESSION_HEADER = 'X-Ringnity-SDK-Session';

function sessionMissing(): ApiError {
  return new ApiError(401, 'SDK_SESSION_REQUIRED', `Send the session token from /sdk/session in the ${SESSION_HEADER} header.`);
}

function sessionGone(): ApiError {
  return new ApiError(401, 'SDK_SESSION_REQUIRED', 'The session no longer exists. Start a new session.');
}

async function claimsOf(deps: Deps, header: string | undefined): Promise<TokenClaims> {
  const token = header?.trim();
  if (!token) throw sessionMissing();
  return deps.tokens.verify(token);
}

/** `/chat/visitor/*`: a visitor session token, from an allowed origin; a call-scoped one is refused. */
export function requireVisitor(deps: Deps): MiddlewareHandler<AppEnv> {
  return visitorGuard(deps, false);
}

/**
 * A visitor session token. A call-scoped one (from `/calls/link-session`, extensions.md §15) only
 * when `callScope` says the route takes it; it may also come from the server's own origin (the
 * call page is served here), and the route limits it to its conversation.
 */
function visitorGuard(deps: Deps, callScope: boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const claims = await claimsOf(deps, c.req.header(SESSION_HEADER));
    if (claims.typ === 'agent') {
      throw new ApiError(403, 'SERVER_API_SCOPE_DENIED', 'An agent token cannot call visitor endpoints.');
    }
    if (claims.typ !== 'visitor') throw new ApiError(401, 'SDK_SESSION_REQUIRED', 'This is not a session token. Exchange it at /sdk/session.');
    const scoped = claims.scope !== undefined;
    if (scoped && (!callScope || claims.scope !== 'call' || typeof claims.conv !== 'string')) {
      throw new ApiError(403, 'SERVER_API_SCOPE_DENIED', 'This session is for one call (a call link): it works only on that call and the realtime socket.');
    }
    const tenant = await findTenantById(deps.db, claims.tid);
    if (!tenant) throw sessionGone();
    const origin = c.req.header('origin');
    if (!(scoped && isOwnOrigin(origin, c.req.header('host')))) assertOriginAllowed(origin, tenant.allowed_origins, tenant.name);
    // A token started in a browser is kept to that browser origin (extensions.md §4).
    assertTokenOrigin(claims.org, { origin, host: c.req.header('host'), fetchSite: c.req.header('sec-fetch-site') });
    const visitor = await findVisitorById(deps.db, tenant.id, claims.sub);
    if (!visitor) throw sessionGone();
    c.set('visitorAuth', { tenant, visitor, claims });
    await next();
  };
}

/** `/agent-sdk/*`: an agent token. */
export function requireAgent(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const claims = await claimsOf(deps, c.req.header(SESSION_HEADER));
    if (claims.typ !== 'agent') {
      throw new ApiError(403, 'SERVER_API_SCOPE_DENIED', 'Agent endpoints need an agent token from /server/sdk-token/agent.');
    }
    const tenant = await findTenantById(deps.db, claims.tid);
    const agent = tenant ? await findAgent(deps.db, tenant.id, { agentId: claims.sub }) : undefined;
    if (!tenant || !agent) throw sessionGone();
    c.set('agentAuth', { tenant, agent, claims });
    await next();
  };
}

/**
 * `/calls/sessions*` (extensions.md §15): a visitor session token (a call-scoped one too) or an
 * agent token, each checked as its own guard does; a handler tells them apart by which of
 * `visitorAuth`/`agentAuth` is set, and keeps a call-scoped visitor to its conversation.
 */
export function requireVisitorOrAgent(deps: Deps): MiddlewareHandler<AppEnv> {
  const visitor = visitorGuard(deps, true);
  const agent = requireAgent(deps);
  return async (c, next) => {
    const claims = await claimsOf(deps, c.req.header(SESSION_HEADER));
    return claims.typ === 'agent' ? agent(c, next) : visitor(c, next);
  };
}

/** `/server/*`: the tenant's secret Server API key as `Authorization: Bearer <key>`. */
export function requireServerKey(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    const tenant = match?.[1] ? await findTenantByServerApiKey(deps.db, match[1]) : undefined;
    if (!tenant) {
      throw new ApiError(401, 'SERVER_API_KEY_INVALID', 'Send a valid Server API key as "Authorization: Bearer <key>".');
    }
    c.set('serverTenant', tenant);
    await next();
  };
}
