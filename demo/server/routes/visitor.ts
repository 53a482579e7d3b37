/** `/chat/visitor/*`: what a visitor's session token may do. Everything is scoped to that visitor. */
import { Hono } from 'hono';
import type { Availability, OpenTicket, VisitorIdentity } from '../../../src/contract/extensions.ts';
import { requireVisitor } from '../auth/guards.ts';
import type { AppEnv, Deps } from '../http/context.ts';
import { ok } from '../http/envelope.ts';
import { queryInt, readJson } from '../http/validate.ts';
import { countAvailableAgents } from '../store/agents.ts';
import { findConversation, findOpenConversation, openConversation, toConversation } from '../store/conversations.ts';
import { conversationNotFound, listMessages, sendMessage, toMessage } from '../store/messages.ts';
import { toVisitorProfile, updateVisitor } from '../store/visitors.ts';
import { checkMessageBody } from './message-body.ts';

interface VisitorSessionRequest {
  visitor?: VisitorIdentity;
  metadata?: Record<string, unknown>;
}
interface VisitorConversationRequest extends VisitorSessionRequest {
  subject?: string;
}
interface VisitorMessageRequest extends VisitorSessionRequest {
  body: string;
  messageType?: string;
  clientMessageId?: string;
}

export function visitorRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', requireVisitor(deps));

  app.post('/sessions', async (c) => {
    const body = await readJson<VisitorSessionRequest>(c, 'VisitorSessionRequest');
    const { visitor } = c.get('visitorAuth');
    const updated = await updateVisitor(deps.db, visitor, body.visitor, body.metadata);
    return ok(c, toVisitorProfile(updated), 201);
  });

  app.post('/conversations', async (c) => {
    const body = await readJson<VisitorConversationRequest>(c, 'VisitorConversationRequest');
    const { tenant, visitor } = c.get('visitorAuth');
    if (body.visitor) await updateVisitor(deps.db, visitor, body.visitor);
    const { conversation, created } = await openConversation(deps.db, tenant.id, visitor.id, body.subject, body.metadata);
    const data = toConversation(conversation);
    if (created) deps.hub.conversationUpdated(tenant.id, data);
    return ok(c, { conversation: data }, created ? 201 : 200);
  });

  app.get('/conversations/:conversationId', async (c) => {
    const { tenant, visitor } = c.get('visitorAuth');
    const id = c.req.param('conversationId');
    const row = await findConversation(deps.db, { tenantId: tenant.id, visitorId: visitor.id }, id);
    if (!row) throw conversationNotFound(id);
    return ok(c, { conversation: toConversation(row) });
  });

  app.get('/tickets/open', async (c) => {
    const { tenant, visitor } = c.get('visitorAuth');
    const row = await findOpenConversation(deps.db, tenant.id, visitor.id);
    const data: OpenTicket = { conversation: row ? toConversation(row) : null };
    return ok(c, data);
  });

  app.get('/availability', async (c) => {
    const { tenant } = c.get('visitorAuth');
    const agentsOnline = await countAvailableAgents(deps.db, tenant.id);
    const data: Availability =
      agentsOnline > 0
        ? { available: true, status: 'available', agentsOnline }
        : { available: false, reason: 'No one is online right now. Leave a message and we will reply here.', agentsOnline };
    return ok(c, data);
  });

  app.post('/conversations/:conversationId/messages', async (c) => {
    const body = await readJson<VisitorMessageRequest>(c, 'VisitorMessageRequest');
    const text = checkMessageBody(body.body);
    const { tenant, visitor: before } = c.get('visitorAuth');
    const visitor = body.visitor ? await updateVisitor(deps.db, before, body.visitor) : before;
    const viewer = { tenantId: tenant.id, visitorId: visitor.id };
    const result = await deps.db.transaction((tx) =>
      sendMessage(tx, viewer, c.req.param('conversationId'), {
        body: text,
        messageType: body.messageType,
        clientMessageId: body.clientMessageId,
        sender: { type: 'visitor', id: visitor.id, name: visitor.name },
      }),
    );
    const message = toMessage(result.message);
    if (result.created) {
      deps.hub.messageCreated(tenant.id, visitor.id, message);
      deps.hub.conversationUpdated(tenant.id, toConversation(result.conversation));
    }
    return ok(c, { message }, result.created ? 201 : 200);
  });

  app.get('/conversations/:conversationId/messages', async (c) => {
    const { tenant, visitor } = c.get('visitorAuth');
    const id = c.req.param('conversationId');
    const after = queryInt(c, 'after', 0, Number.MAX_SAFE_INTEGER);
    const before = queryInt(c, 'before', 1, Number.MAX_SAFE_INTEGER);
    const limit = queryInt(c, 'limit', 1, 100) ?? 50;
    const row = await findConversation(deps.db, { tenantId: tenant.id, visitorId: visitor.id }, id);
    if (!row) throw conversationNotFound(id);
    const page = await listMessages(deps.db, id, { after, before, limit });
    return ok(c, { messages: page.messages.map(toMessage), hasMore: page.hasMore });
  });

  return app;
}
