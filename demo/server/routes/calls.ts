/**
 * `/calls/*` (extensions.md §15): the visitor places a call, either party reads or ends it, and
 * the call page trades a call link for a call-scoped visitor session (`/calls/link-session`, no
 * session needed), good only for that conversation's calls and the realtime socket.
 */
import { Hono } from 'hono';
import type { CallLinkSession, CallSessionResult } from '../../../src/contract/extensions.ts';
import type { components } from '../../../src/contract/openapi.d.ts';
import { requireVisitorOrAgent } from '../auth/guards.ts';
import { originClaim } from '../auth/origin-binding.ts';
import { assertOriginAllowed } from '../auth/origin.ts';
import { isOwnOrigin } from '../calls/own-origin.ts';
import { assertCallService, serviceOf, typeOf } from '../calls/gating.ts';
import { CALL_LINK_SESSION_AFTER_LINK_SECONDS, assertLinkLive, readCallLink } from '../calls/links.ts';
import type { CallParty } from '../calls/transitions.ts';
import type { AgentAuth, AppEnv, Deps, VisitorAuth } from '../http/context.ts';
import { ok } from '../http/envelope.ts';
import { ApiError } from '../http/errors.ts';
import { byIp } from '../http/rate-limit.ts';
import { invalid, readJson } from '../http/validate.ts';
import { type CallViewer, callNotFound, findCall, toCallSession } from '../store/calls.ts';
import { findConversation } from '../store/conversations.ts';
import { findTenantById } from '../store/tenants.ts';
import { findVisitorById } from '../store/visitors.ts';

type CreateCallSessionRequest = components['schemas']['CreateCallSessionRequest'];
type EndCallSessionRequest = components['schemas']['EndCallSessionRequest'];

/** The caller, whichever token it sent. */
interface Caller {
  viewer: CallViewer;
  party: CallParty;
}

export function callRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const party = requireVisitorOrAgent(deps);
  const result = (row: Parameters<typeof toCallSession>[0]): CallSessionResult => ({
    callSession: toCallSession(row),
    iceServers: deps.config.iceServers,
  });

  app.post('/sessions', party, async (c) => {
    if (agentOf(c)) {
      throw new ApiError(403, 'SERVER_API_SCOPE_DENIED', 'Agents do not place calls: send the visitor a call link instead.');
    }
    const { tenant, visitor, claims } = c.get('visitorAuth');
    // A call-link session places calls only while its link lives (a session minted before `lexp`
    // existed ended with its link, so its `exp` is the bound); its calls go on after that.
    if (claims.scope === 'call') assertLinkLive(claims.lexp ?? claims.exp);
    const body = await readCreate(c);
    if (claims.scope === 'call') assertLinkCall(claims, body);
    assertCallService(tenant, serviceOf(body.type));
    const row = await deps.calls.create({
      tenantId: tenant.id,
      visitorId: visitor.id,
      conversationId: body.conversationId,
      type: body.type,
      ...(body.metadata ? { metadata: body.metadata } : {}),
    });
    return ok(c, result(row), 201);
  });

  app.get('/sessions/:callSessionId', party, async (c) => {
    const id = c.req.param('callSessionId');
    const row = await findCall(deps.db, callerOf(c).viewer, id);
    if (!row) throw callNotFound(id);
    return ok(c, result(row));
  });

  app.patch('/sessions/:callSessionId/end', party, async (c) => {
    const body = await readJson<EndCallSessionRequest>(c, 'EndCallSessionRequest');
    const { viewer, party: by } = callerOf(c);
    const row = await deps.calls.end(viewer, by, c.req.param('callSessionId'), body.reason);
    return ok(c, { callSession: toCallSession(row) });
  });

  // It mints a visitor session, so it counts against the per-IP `sessions` limit like /sdk/session.
  app.post('/link-session', byIp(deps, 'sessions'), async (c) => {
    const { token } = await readJson<{ token: string }>(c, 'CallLinkSessionRequest');
    const link = await readCallLink(deps, token);
    const gone = () => new ApiError(401, 'CALL_LINK_INVALID', 'This call link is for a conversation that no longer exists.');
    const tenant = await findTenantById(deps.db, link.tenantId);
    const visitor = tenant ? await findVisitorById(deps.db, tenant.id, link.visitorId) : undefined;
    if (!tenant || !visitor) throw gone();
    // The call page is served by this server; any other browser origin must be on the allowlist
    // (a foreign page holding a forwarded link gets nothing, not even the conversation's ids).
    const origin = c.req.header('origin');
    if (!isOwnOrigin(origin, c.req.header('host'))) assertOriginAllowed(origin, tenant.allowed_origins, tenant.name);
    const conversation = await findConversation(deps.db, { tenantId: tenant.id, visitorId: visitor.id }, link.conversationId);
    if (!conversation) throw gone();
    if (conversation.status === 'closed') throw new ApiError(409, 'CONVERSATION_CLOSED', 'This conversation is closed, so its call link no longer works.');
    assertCallService(tenant, link.service);
    // Call-scoped: a forwarded link grants calls in that conversation only, placed only while the
    // link lives (`lexp`); the session itself outlives the link so a call placed late keeps going.
    assertLinkLive(link.exp);
    const ttlSeconds = link.exp + CALL_LINK_SESSION_AFTER_LINK_SECONDS - Math.floor(Date.now() / 1000);
    const issued = await deps.tokens.sign(
      { typ: 'visitor', tid: tenant.id, sub: visitor.id, scope: 'call', conv: conversation.id, svc: link.service, lexp: link.exp, ...originClaim(c.req.header('origin')) },
      ttlSeconds,
    );
    const data: CallLinkSession = {
      sessionToken: issued.token,
      expiresAt: issued.expiresAt,
      visitorId: visitor.id,
      conversationId: conversation.id,
      service: link.service,
      tenant: { name: tenant.name, slug: tenant.slug },
      iceServers: deps.config.iceServers,
    };
    return ok(c, data, 201);
  });

  return app;
}

/** Hono leaves an unset variable undefined at run time; the types cannot say so. */
function agentOf(c: { get(key: 'agentAuth'): AgentAuth }): AgentAuth | undefined {
  return c.get('agentAuth') as AgentAuth | undefined;
}

function callerOf(c: { get(key: 'agentAuth'): AgentAuth; get(key: 'visitorAuth'): VisitorAuth }): Caller {
  const agent = agentOf(c);
  if (agent) return { viewer: { tenantId: agent.tenant.id }, party: { role: 'agent', agentId: agent.agent.id } };
  const { tenant, visitor, claims } = c.get('visitorAuth');
  // A call-scoped session sees only its conversation's calls: any other is "not found".
  const scope = claims.scope === 'call' && claims.conv !== undefined ? { conversationId: claims.conv } : {};
  return { viewer: { tenantId: tenant.id, visitorId: visitor.id, ...scope }, party: { role: 'visitor', visitorId: visitor.id } };
}

/** A call-scoped session places calls only in its link's conversation, of its link's service. */
function assertLinkCall(claims: VisitorAuth['claims'], body: CreateCallSessionRequest): void {
  if (body.conversationId !== claims.conv) {
    throw new ApiError(403, 'SERVER_API_SCOPE_DENIED', "This call link's session calls only in the conversation the link is for.");
  }
  if (claims.svc !== undefined && body.type !== typeOf(claims.svc === 'voice_call' ? 'voice_call' : 'video_call')) {
    throw new ApiError(403, 'SERVER_API_SCOPE_DENIED', `This call link is for a ${claims.svc === 'voice_call' ? 'voice' : 'video'} call.`);
  }
}

/**
 * The create body against the contract schema, with the two problems §15 names by their own
 * codes; anything else stays `VALIDATION_FAILED`. Visitors place inbound calls that start ringing.
 */
async function readCreate(c: Parameters<typeof readJson>[0]): Promise<CreateCallSessionRequest> {
  let body: CreateCallSessionRequest;
  try {
    body = await readJson<CreateCallSessionRequest>(c, 'CreateCallSessionRequest');
  } catch (error) {
    const details = error instanceof ApiError && error.code === 'VALIDATION_FAILED' ? (error.details ?? []) : [];
    if (details.some((d) => d.startsWith('conversationId:'))) throw conversationRequired();
    if (details.some((d) => d.startsWith('type:'))) {
      throw new ApiError(400, 'CALL_SESSION_TYPE_INVALID', 'A call is "audio" or "video".', details.filter((d) => d.startsWith('type:')));
    }
    throw error;
  }
  if (body.conversationId.trim() === '') throw conversationRequired();
  if (body.direction !== undefined && body.direction !== 'inbound') invalid('direction', 'must be "inbound": agents send a call link instead');
  if (body.status !== undefined && body.status !== 'started') invalid('status', 'must be "started": a new call rings first');
  return body;
}

function conversationRequired(): ApiError {
  return new ApiError(400, 'CALL_SESSION_CONVERSATION_REQUIRED', 'Name the conversation the call belongs to in "conversationId".');
}
