/**
 * `/agent-sdk/calls*` and `/agent-sdk/conversations/{id}/call-links` (extensions.md §15): the
 * console answers ringing calls, lists the live ones when it opens, and sends call links.
 * Mounted inside `agentRoutes`, behind its agent-token guard.
 */
import { Hono } from 'hono';
import type { CallSessionResult, CallStatus } from '../../../src/contract/extensions.ts';
import type { AppEnv, Deps } from '../http/context.ts';
import { ok } from '../http/envelope.ts';
import { invalid } from '../http/validate.ts';
import { LIVE_STATUSES, listCalls, toCallSession } from '../store/calls.ts';
import { createCallLink } from './call-links.ts';

const STATUSES: readonly CallStatus[] = ['started', 'answered', 'ended', 'missed', 'failed'];

export function agentCallRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/calls', async (c) => {
    const { tenant } = c.get('agentAuth');
    const statuses = readStatuses(c.req.query('status'));
    const rows = await listCalls(deps.db, tenant.id, statuses);
    return ok(c, { callSessions: rows.map(toCallSession) });
  });

  app.post('/calls/:callSessionId/answer', async (c) => {
    const { tenant, agent } = c.get('agentAuth');
    const row = await deps.calls.answer(tenant.id, agent.id, c.req.param('callSessionId'));
    const data: CallSessionResult = { callSession: toCallSession(row), iceServers: deps.config.iceServers };
    return ok(c, data);
  });

  app.post('/conversations/:conversationId/call-links', async (c) => {
    const { tenant } = c.get('agentAuth');
    return createCallLink(deps, c, tenant, { tenantId: tenant.id });
  });

  return app;
}

/** `?status=started,answered` (the default: the live calls). */
function readStatuses(raw: string | undefined): readonly CallStatus[] {
  if (raw === undefined || raw.trim() === '') return LIVE_STATUSES;
  const words = raw.split(',').map((w) => w.trim());
  const unknown = words.filter((w) => !(STATUSES as readonly string[]).includes(w));
  if (unknown.length > 0 || words.length === 0) invalid('status', `must list call statuses (${STATUSES.join(', ')}), got "${raw}"`);
  return words as CallStatus[];
}
