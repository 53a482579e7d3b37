/** `/server/*`: called by a customer's backend with its secret Server API key. */
import { Hono } from 'hono';
import { refuseBrowserOnServerApi } from '../auth/browser-secret.ts';
import { requireServerKey } from '../auth/guards.ts';
import type { AppEnv, Deps } from '../http/context.ts';
import { ok } from '../http/envelope.ts';
import { ApiError } from '../http/errors.ts';
import { invalid, readJson } from '../http/validate.ts';
import { findAgent } from '../store/agents.ts';
import type { SdkToken, VisitorIdentity } from '../../../src/contract/extensions.ts';
import { EMAIL_SUBJECT } from '../auth/tokens.ts';

interface CreateVisitorContextTokenRequest {
  visitor?: VisitorIdentity;
  metadata?: Record<string, unknown>;
  expiresIn?: number;
}

interface CreateAgentTokenRequest {
  agentId?: string;
  username?: string;
  expiresIn?: number;
}

/** Longest agent token the server mints (a console re-mints through its backend). */
const MAX_AGENT_TOKEN_SECONDS = 86_400;

export function serverApiRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Before the key is even looked up: a key sent from a browser is leaked, never used.
  app.use('*', refuseBrowserOnServerApi());
  app.use('*', requireServerKey(deps));

  app.post('/sdk-token/agent', async (c) => {
    const body = await readJson<CreateAgentTokenRequest>(c, 'CreateAgentTokenRequest');
    const tenant = c.get('serverTenant');
    if (!body.agentId && !body.username) invalid('agentId', 'agentId or username is required');
    const ttl = body.expiresIn ?? 900;
    if (ttl < 60 || ttl > MAX_AGENT_TOKEN_SECONDS) invalid('expiresIn', `must be from 60 to ${MAX_AGENT_TOKEN_SECONDS} seconds, got ${ttl}`);
    const agent = await findAgent(deps.db, tenant.id, body);
    if (!agent) {
      throw new ApiError(404, 'AGENT_NOT_FOUND', `No agent ${body.agentId ?? body.username} in ${tenant.name}.`);
    }
    return ok(c, await deps.issueAgentToken(tenant, agent, ttl), 201);
  });

  // The customer's backend vouches for who the visitor is; the widget passes the token to /sdk/session.
  app.post('/visitor-context-token', async (c) => {
    const body = await readJson<CreateVisitorContextTokenRequest>(c, 'CreateVisitorContextTokenRequest');
    const tenant = c.get('serverTenant');
    const visitor = body.visitor ?? {};
    if (!visitor.externalId && !visitor.email) invalid('visitor.externalId', 'visitor.externalId or visitor.email is required');
    const ttl = body.expiresIn ?? 900;
    if (ttl < 60 || ttl > MAX_AGENT_TOKEN_SECONDS) invalid('expiresIn', `must be from 60 to ${MAX_AGENT_TOKEN_SECONDS} seconds, got ${ttl}`);
    const issued = await deps.tokens.sign(
      {
        typ: 'context',
        tid: tenant.id,
        // Without an external id the email is the identity (extensions.md §12).
        sub: visitor.externalId ?? `${EMAIL_SUBJECT}${visitor.email}`,
        ...(visitor.name ? { name: visitor.name } : {}),
        ...(visitor.email ? { email: visitor.email } : {}),
        ...(visitor.phone ? { phone: visitor.phone } : {}),
      },
      ttl,
    );
    const data: SdkToken = { token: issued.token, tokenType: 'Bearer', expiresIn: issued.expiresIn, expiresAt: issued.expiresAt };
    return ok(c, data, 201);
  });

  return app;
}
