/** `/agent-sdk/*`: the agent console's endpoints. An agent sees every conversation of its tenant. */
import { Hono } from 'hono';
import type { Assignment, SendMessageRequest } from '../../../src/contract/extensions.ts';
import { requireAgent } from '../auth/guards.ts';
import type { AppEnv, Deps } from '../http/context.ts';
import { ok } from '../http/envelope.ts';
import { bySession } from '../http/rate-limit.ts';
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
import { conversationNotFound, findMessage, listMessages, messageNotFound, sendMessage } from '../store/messages.ts';
import { toTenant } from '../store/tenants.ts';
import { availabilityOf } from '../store/availability.ts';
import { findMessageAttachment } from '../store/attachments.ts';
import { applyChange, readEdit } from './message-changes.ts';
import { prepareMessage } from './message-input.ts';
import { presenter } from './present.ts';
import { recordReceipt } from './receipts.ts';
import { uploadHandlers } from './uploads.ts';
import { agentAiRoutes } from './agent-ai.ts';
import { agentCallRoutes } from './agent-calls.ts';

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
  // extensions.md §14a: routing, AI states and reply suggestions for agents.
  app.route('/', agentAiRoutes(deps));
  // extensions.md §15: answering calls, the live calls, call links.
  app.route('/', agentCallRoutes(deps));
  // Sends, edits and deletes share the agent's `messages` bucket (extensions.md §13).
  const messages = bySession(deps, 'messages');

  app.get('/me', (c) => {
    const { agent, tenant, claims } = c.get('agentAuth');
    return ok(c, { agent: toAgentProfile(agent, claims.scopes), tenant: toTenant(tenant) });
  });

  app.get('/presence', (c) => ok(c, toPresence(c.get('agentAuth').agent)));

  app.patch('/presence', async (c) => {
    const body = await readJson<{ status: string }>(c, 'UpdatePresenceRequest');
    const status = PRESENCE[body.status] ?? 'offline';
    const { tenant, agent } = c.get('agentAuth');
    const before = await availabilityOf(deps.db, tenant);
    const row = await setPresence(deps.db, agent.id, status);
    const after = await availabilityOf(deps.db, tenant);
    // Visitors' headers follow the team's presence live (extensions.md §10).
    if (JSON.stringify(before) !== JSON.stringify(after)) deps.hub.toTenantVisitors(tenant.id, { type: 'availability', availability: after });
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
    const present = presenter(deps, c);
    const oldest = page.messages[0];
    // nextCursor pages back: set when older messages exist (always the case when paging back with more).
    const olderExist = after === undefined ? page.hasMore : oldest !== undefined && oldest.seq > 1;
    return ok(c, {
      messages: await present.messages(page.messages),
      hasMore: page.hasMore,
      ...(olderExist && oldest ? { nextCursor: String(oldest.seq) } : {}),
    });
  });

  app.post('/conversations/:id/messages', messages, async (c) => {
    const body = await readJson<SendMessageRequest>(c, 'SendMessageRequest');
    const { tenant, agent } = c.get('agentAuth');
    const conversationId = c.req.param('id');
    const result = await deps.db.transaction(async (tx) => {
      const prepared = await prepareMessage(tx, conversationId, { type: 'agent', id: agent.id }, body);
      return sendMessage(tx, { tenantId: tenant.id }, conversationId, {
        ...prepared,
        clientMessageId: body.clientMessageId,
        sender: { type: 'agent', id: agent.id, name: agent.name },
      });
    });
    const message = await presenter(deps, c).message(result.message);
    if (result.created) {
      // A person answers: an AI answer still streaming stops now (it would not be stored anyway).
      await deps.ai.stopConversation(conversationId);
      deps.typing.messageSent('agent', agent.id, conversationId);
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
    if (targetId !== null) await deps.ai.stopConversation(id);
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

  // ---------------------------------------------------------------- issue 3 (extensions.md §7–§9)

  for (const kind of ['delivered', 'read'] as const) {
    // `read` is the contract's; `delivered` is our extension.
    app.post(`/conversations/:id/messages/:messageId/${kind}`, async (c) => {
      const id = c.req.param('id');
      const conversation = await findConversation(deps.db, { tenantId: c.get('agentAuth').tenant.id }, id);
      if (!conversation) throw conversationNotFound(id);
      return ok(c, await recordReceipt(deps, conversation, c.req.param('messageId'), 'agent', kind));
    });
  }

  app.patch('/conversations/:id/messages/:messageId', messages, async (c) => {
    const { tenant, agent } = c.get('agentAuth');
    const change = await readEdit(c);
    const message = await applyChange(deps, c, { tenant, viewer: { tenantId: tenant.id }, sender: { type: 'agent', id: agent.id }, change });
    return ok(c, { message });
  });

  app.delete('/conversations/:id/messages/:messageId', messages, async (c) => {
    const { tenant, agent } = c.get('agentAuth');
    const message = await applyChange(deps, c, {
      tenant,
      viewer: { tenantId: tenant.id },
      sender: { type: 'agent', id: agent.id },
      change: { kind: 'delete' },
    });
    return ok(c, { message, deleted: true });
  });

  app.post(
    '/conversations/:id/attachments/upload',
    ...uploadHandlers(deps, 'id', (c) => {
      const { tenant, agent } = c.get('agentAuth');
      return { tenant, viewer: { tenantId: tenant.id }, uploader: { type: 'agent', id: agent.id } };
    }),
  );

  // Removes a message's file (moderation, or a file sent by mistake); the message stays.
  app.delete('/conversations/:id/messages/:messageId/attachment', async (c) => {
    await readJson<{ reason?: string }>(c, 'DeleteMediaRequest');
    const { tenant } = c.get('agentAuth');
    const id = c.req.param('id');
    const messageId = c.req.param('messageId');
    const { message, attachment, conversation } = await deps.db.transaction(async (tx) => {
      const conv = await findConversation(tx, { tenantId: tenant.id }, id);
      if (!conv) throw conversationNotFound(id);
      const row = await findMessage(tx, id, messageId);
      if (!row) throw messageNotFound(messageId);
      const file = await findMessageAttachment(tx, messageId);
      if (!file) throw new ApiError(404, 'ATTACHMENT_NOT_FOUND', `Message ${messageId} has no attachment.`);
      await tx.query('UPDATE attachments SET deleted_at = now() WHERE id = $1', [file.id]);
      const [updated] = await tx.query<typeof row>(
        `UPDATE messages SET metadata = jsonb_set(metadata, '{attachment,removed}', 'true'::jsonb) WHERE id = $1 RETURNING *`,
        [messageId],
      );
      return { message: updated ?? row, attachment: file, conversation: conv };
    });
    await deps.uploads.remove(attachment.storage_key).catch((error: unknown) => deps.log.error('removing an upload failed', error));
    const data = await presenter(deps, c).message(message);
    deps.hub.messageChanged('message.updated', tenant.id, conversation.visitor_id, data);
    const removed = { attachmentId: attachment.id, name: attachment.name, size: attachment.size, contentType: attachment.content_type, kind: attachment.kind };
    return ok(c, { message: data, attachment: removed, deleted: true as const });
  });

  return app;
}
