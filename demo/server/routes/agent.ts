/** `/agent-sdk/*`: the agent console's endpoints. An agent sees every conversation of its tenant. */
import { Hono } from 'hono';
import type { Assignment, SendMessageRequest } from '../../../src/contract/extensions.ts';
import { requireAgent } from '../auth/guards.ts';
import type { AppEnv, Deps } from '../http/context.ts';
import { ok } from '../http/envelope.ts';
import { ApiError } from '../http/errors.ts';
import { invalid, queryInt, readJson } from '../http/validate.ts';
import { type PresenceStatus, findAgent, setPresence, toAgentProfile, toPresence } from '../store/agents.ts';
import {
  assignConversation,
  closeConversation,
  findConversation,
  listConversations,
  toConversation,
} from '../store/conversations.ts';
import { conversationNotFound, listMessages, sendMessage, toMessage } from '../store/messages.ts';
import { toTenant } from '../store/tenants.ts';
import { checkMessageBody } from './message-body.ts';

interface AssignRequest {
  assignedAgentId?: string | null;
  assignedDepartmentId?: string | null;
  reason?: string;
  isTransfer?: boolean;
}

/** The contract's presence words, mapped onto the three the server keeps. */
const PRESENCE: Record<string, PresenceStatus> = {
  available: 'available',
  online: 'available',
  busy: 'busy',
  unavailable: 'busy',
  offline: 'offline',
};

export function agentRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', requireAgent(deps));

  app.get('/me', (c) => {
    const { agent, tenant, claims } = c.get('agentAuth');
    return ok(c, { agent: toAgentProfile(agent, claims.scopes), tenant: toTenant(tenant) });
  });

  app.get('/presence', (c) => ok(c, toPresence(c.get('agentAuth').agent)));

  app.patch('/presence', async (c) => {
    const body = await readJson<{ status: string }>(c, 'UpdatePresenceRequest');
    const status = PRESENCE[body.status] ?? 'offline';
    const row = await setPresence(deps.db, c.get('agentAuth').agent.id, status);
    return ok(c, toPresence(row));
  });

  app.get('/conversations', async (c) => {
    const { tenant } = c.get('agentAuth');
    const status = c.req.query('status') ?? 'all';
    if (status !== 'open' && status !== 'closed' && status !== 'all') invalid('status', `must be open, closed or all, got "${status}"`);
    const limit = queryInt(c, 'limit', 1, 100) ?? 50;
    const cursor = c.req.query('cursor');
    if (cursor !== undefined && !/^\d{1,18}$/.test(cursor)) invalid('cursor', 'must be a nextCursor value from a previous page');
    const page = await listConversations(deps.db, tenant.id, { status, limit, cursor });
    return ok(c, { conversations: page.conversations.map(toConversation), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
  });

  app.get('/conversations/:id', async (c) => {
    const id = c.req.param('id');
    const row = await findConversation(deps.db, { tenantId: c.get('agentAuth').tenant.id }, id);
    if (!row) throw conversationNotFound(id);
    return ok(c, { conversation: toConversation(row) });
  });

  app.get('/conversations/:id/messages', async (c) => {
    const id = c.req.param('id');
    const after = queryInt(c, 'after', 0, Number.MAX_SAFE_INTEGER);
    const before = queryInt(c, 'before', 1, Number.MAX_SAFE_INTEGER);
    const limit = queryInt(c, 'limit', 1, 100) ?? 50;
    const row = await findConversation(deps.db, { tenantId: c.get('agentAuth').tenant.id }, id);
    if (!row) throw conversationNotFound(id);
    const page = await listMessages(deps.db, id, { after, before, limit });
    const oldest = page.messages[0];
    // nextCursor pages back: set when older messages exist (always the case when paging back with more).
    const olderExist = after === undefined ? page.hasMore : oldest !== undefined && oldest.seq > 1;
    return ok(c, {
      messages: page.messages.map(toMessage),
      hasMore: page.hasMore,
      ...(olderExist && oldest ? { nextCursor: String(oldest.seq) } : {}),
    });
  });

  app.post('/conversations/:id/messages', async (c) => {
    const body = await readJson<SendMessageRequest>(c, 'SendMessageRequest');
    const text = checkMessageBody(body.body);
    const { tenant, agent } = c.get('agentAuth');
    const result = await deps.db.transaction((tx) =>
      sendMessage(tx, { tenantId: tenant.id }, c.req.param('id'), {
        body: text,
        messageType: body.messageType,
        metadata: body.metadata,
        clientMessageId: body.clientMessageId,
        sender: { type: 'agent', id: agent.id, name: agent.name },
      }),
    );
    const message = toMessage(result.message);
    if (result.created) {
      deps.hub.messageCreated(tenant.id, result.conversation.visitor_id, message);
      deps.hub.conversationUpdated(tenant.id, toConversation(result.conversation));
    }
    return ok(c, { message }, result.created ? 201 : 200);
  });

  app.post('/conversations/:id/assign', async (c) => {
    const body = await readJson<AssignRequest>(c, 'AssignConversationRequest');
    const { tenant, agent } = c.get('agentAuth');
    const id = c.req.param('id');
    // Omitted agent id = "I take it"; an explicit null = back to the queue.
    const targetId = body.assignedAgentId === undefined ? agent.id : body.assignedAgentId;
    if (targetId !== null && !(await findAgent(deps.db, tenant.id, { agentId: targetId }))) {
      throw new ApiError(404, 'AGENT_NOT_FOUND', `No agent ${targetId} in ${tenant.name}.`);
    }
    const { assignment, conversation } = await deps.db.transaction(async (tx) => {
      const row = await findConversation(tx, { tenantId: tenant.id }, id);
      if (!row) throw conversationNotFound(id);
      const done = await assignConversation(tx, row, {
        agentId: targetId,
        departmentId: body.assignedDepartmentId ?? null,
        byAgentId: agent.id,
        reason: body.reason ?? null,
      });
      const after = await findConversation(tx, { tenantId: tenant.id }, id);
      return { assignment: done, conversation: after ?? row };
    });
    const data: Assignment = {
      assignmentId: assignment.assignmentId,
      conversationId: id,
      clientId: tenant.id,
      assignedAgentId: targetId,
      assignedDepartmentId: body.assignedDepartmentId ?? null,
      assignedByAgentId: agent.id,
      reason: body.reason ?? null,
      createdAt: assignment.createdAt,
    };
    const updated = toConversation(conversation);
    deps.hub.conversationUpdated(tenant.id, updated);
    return ok(c, { assignment: data, conversation: updated });
  });

  app.post('/conversations/:id/close', async (c) => {
    const { tenant } = c.get('agentAuth');
    const id = c.req.param('id');
    const conversation = await deps.db.transaction(async (tx) => {
      const row = await findConversation(tx, { tenantId: tenant.id }, id);
      if (!row) throw conversationNotFound(id);
      await closeConversation(tx, id);
      return (await findConversation(tx, { tenantId: tenant.id }, id)) ?? row;
    });
    const data = toConversation(conversation);
    deps.hub.conversationUpdated(tenant.id, data);
    return ok(c, { conversation: data });
  });

  return app;
}
