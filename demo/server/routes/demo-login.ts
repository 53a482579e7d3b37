/**
 * `POST /demo/agent-login` (outside `/api`): a demo-only stand-in for a customer's backend.
 * It checks a username and password and mints the agent token through the same code path as
 * `/server/sdk-token/agent`, so the console can sign in without a Server API key in the browser.
 */
import { Hono } from 'hono';
import { verifyPassword } from '../auth/passwords.ts';
import type { AppEnv, Deps } from '../http/context.ts';
import { ok } from '../http/envelope.ts';
import { ApiError } from '../http/errors.ts';
import { readJson } from '../http/validate.ts';
import { findAgent } from '../store/agents.ts';
import { findTenantBySlug } from '../store/tenants.ts';
import { DEMO_TENANT_SLUG } from '../seed.ts';

const LOGIN_SCHEMA = 'DemoAgentLogin';

export function demoLoginRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/agent-login', async (c) => {
    const body = await readJson<{ username: string; password: string; slug?: string }>(c, LOGIN_SCHEMA);
    const tenant = await findTenantBySlug(deps.db, body.slug ?? DEMO_TENANT_SLUG);
    const agent = tenant ? await findAgent(deps.db, tenant.id, { username: body.username }) : undefined;
    const passwordOk = agent?.password_hash ? await verifyPassword(body.password, agent.password_hash) : false;
    if (!tenant || !agent || !passwordOk) {
      // Not SDK_SESSION_REQUIRED: that means a missing or invalid session token (extensions.md §5).
      throw new ApiError(401, 'DEMO_LOGIN_FAILED', 'Wrong username or password.');
    }
    return ok(c, await deps.issueAgentToken(tenant, agent, 8 * 3600), 201);
  });
  return app;
}
