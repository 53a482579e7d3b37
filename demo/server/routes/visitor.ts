/** `/chat/visitor/*`: what a visitor's session token may do. Everything is scoped to that visitor. */
import { Hono } from 'hono';
import type { ConversationList, OpenTicket, VisitorIdentity } from '../../../src/contract/extensions.ts';
import { requireVisitor } from '../auth/guards.ts';
import type { AppEnv, Deps } from '../http/context.ts';
import { ok } from '../http/envelope.ts';
import { bySession } from '../http/rate-limit.ts';
import { invalid, queryInt, readJson } from '../http/validate.ts';
import { availabilityOf } from '../store/availability.ts';
import {
  findOpenConversation,
  findReadableConversation,
  listVisitorConversations,
  openConversation,
  toConversation,
} from '../store/conversations.ts';
import { conversationNotFound, listMessages, sendMessage } from '../store/messages.ts';
import { settingsOf } from '../store/tenant-settings.ts';
import { contactVisitorIds, toVisitorProfile, updateVisitor } from '../store/visitors.ts';
import { assertPreChatForm, checkIdentity } from './identity.ts';
import { prepareMessage } from './message-input.ts';
import { applyChange, readEdit } from './message-changes.ts';
import { presenter } from './present.ts';
import { preflight, uploadHandlers } from './uploads.ts';
import { createCallLink } from './call-links.ts';

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
  // Sends, edits and deletes share the per-session `messages` bucket (extensions.md §13).
  const messages = bySession(deps, 'messages');

  app.post('/sessions', async (c) => {
    const body = await readJson<VisitorSessionRequest>(c, 'VisitorSessionRequest');
    const { tenant, visitor } = c.get('visitorAuth');
    const updated = await updateVisitor(deps.db, visitor, { identity: checkIdentity(body.visitor), metadata: body.metadata });
    // Page details (the widget's `update()`, an SPA route change: extensions.md §10) reach the
    // agents of the visitor's open conversation at once, with the rest of its conversation.
    const open = body.metadata ? await findOpenConversation(deps.db, tenant.id, visitor.id) : undefined;
    if (open) deps.hub.conversationUpdated(tenant.id, toConversation(open));
    return ok(c, toVisitorProfile(updated), 201);
  });

  app.post('/conversations', async (c) => {
    const body = await readJson<VisitorConversationRequest>(c, 'VisitorConversationRequest');
    const { tenant, visitor: before } = c.get('visitorAuth');
    const identity = checkIdentity(body.visitor);
    // One transaction: a refused start (pre-chat form) leaves the visitor's identity as it was.
    const { conversation, created } = await deps.db.transaction(async (tx) => {
      const visitor = identity ? await updateVisitor(tx, before, { identity }) : before;
      const existing = await findOpenConversation(tx, tenant.id, visitor.id);
      // An open conversation is answered as is (extensions.md §2a), also to a visitor who has not filled the form.
      if (!existing) assertPreChatForm(settingsOf(tenant).preChatForm, visitor);
      return openConversation(tx, tenant.id, visitor.id, body.subject, body.metadata);
    });
    const data = toConversation(conversation);
    if (created) deps.hub.conversationUpdated(tenant.id, data);
    return ok(c, { conversation: data }, created ? 201 : 200);
  });

  app.get('/conversations', async (c) => {
    const { tenant, visitor } = c.get('visitorAuth');
    const limit = queryInt(c, 'limit', 1, 100) ?? 20;
    const cursor = c.req.query('cursor');
    if (cursor !== undefined && !/^\d{1,18}$/.test(cursor)) invalid('cursor', 'must be a nextCursor value from a previous page');
    const page = await listVisitorConversations(deps.db, tenant.id, await contactVisitorIds(deps.db, visitor), { limit, cursor });
    const data: ConversationList = { conversations: page.conversations.map(toConversation), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    return ok(c, data);
  });

  app.get('/conversations/:conversationId', async (c) => {
    const { tenant, visitor } = c.get('visitorAuth');
    const id = c.req.param('conversationId');
    const row = await findReadableConversation(deps.db, tenant.id, await contactVisitorIds(deps.db, visitor), id);
    if (!row) throw conversationNotFound(id);
    return ok(c, { conversation: toConversation(row) });
  });

  app.get('/tickets/open', async (c) => {
    const { tenant, visitor } = c.get('visitorAuth');
    const row = await findOpenConversation(deps.db, tenant.id, visitor.id);
    const data: OpenTicket = { conversation: row ? toConversation(row) : null };
    return ok(c, data);
  });

  // extensions.md §15: a link to the call page, e.g. to continue on a phone.
  app.post('/conversations/:conversationId/call-links', async (c) => {
    const { tenant, visitor } = c.get('visitorAuth');
    return createCallLink(deps, c, tenant, { tenantId: tenant.id, visitorId: visitor.id });
  });

  app.get('/availability', async (c) => ok(c, await availabilityOf(deps.db, c.get('visitorAuth').tenant)));

  app.post('/conversations/:conversationId/messages', messages, async (c) => {
    const body = await readJson<VisitorMessageRequest>(c, 'VisitorMessageRequest');
    const { tenant, visitor: before } = c.get('visitorAuth');
    const identity = checkIdentity(body.visitor);
    const viewer = { tenantId: tenant.id, visitorId: before.id };
    const conversationId = c.req.param('conversationId');
    const sender = { type: 'visitor' as const, id: before.id };
    // The identity update shares the send's transaction: a refused send (404, 409, …) rolls it
    // back, so a foreign or closed conversation id cannot be used to rename the sender.
    const result = await deps.db.transaction(async (tx) => {
      const visitor = identity ? await updateVisitor(tx, before, { identity }) : before;
      const prepared = await prepareMessage(tx, conversationId, sender, body);
      return sendMessage(tx, viewer, conversationId, { ...prepared, clientMessageId: body.clientMessageId, sender: { ...sender, name: visitor.name } });
    });
    const message = await presenter(deps, c).message(result.message);
    if (result.created) {
      deps.typing.messageSent('visitor', before.id, conversationId);
      deps.hub.messageCreated(tenant.id, before.id, message);
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
    const row = await findReadableConversation(deps.db, tenant.id, await contactVisitorIds(deps.db, visitor), id);
    if (!row) throw conversationNotFound(id);
    const page = await listMessages(deps.db, id, { after, before, limit });
    const present = presenter(deps, c);
    return ok(c, { messages: await present.messages(page.messages), hasMore: page.hasMore });
  });

  app.patch('/conversations/:conversationId/messages/:messageId', messages, async (c) => {
    const { tenant, visitor } = c.get('visitorAuth');
    const change = await readEdit(c);
    const viewer = { tenantId: tenant.id, visitorId: visitor.id };
    const message = await applyChange(deps, c, { tenant, viewer, sender: { type: 'visitor', id: visitor.id }, change });
    return ok(c, { message });
  });

  app.delete('/conversations/:conversationId/messages/:messageId', messages, async (c) => {
    const { tenant, visitor } = c.get('visitorAuth');
    const viewer = { tenantId: tenant.id, visitorId: visitor.id };
    const message = await applyChange(deps, c, { tenant, viewer, sender: { type: 'visitor', id: visitor.id }, change: { kind: 'delete' } });
    return ok(c, { message, deleted: true });
  });

  app.post('/conversations/:conversationId/attachments', async (c) => {
    const body = await readJson<{ filename?: string; contentType?: string; size?: number }>(c, 'AttachmentRequest');
    const { tenant, visitor } = c.get('visitorAuth');
    const id = c.req.param('conversationId');
    const row = await findReadableConversation(deps.db, tenant.id, [visitor.id], id);
    if (!row) throw conversationNotFound(id);
    return ok(c, preflight(tenant, body, `/chat/visitor/conversations/${id}/attachments/upload`), 201);
  });

  app.post(
    '/conversations/:conversationId/attachments/upload',
    ...uploadHandlers(deps, 'conversationId', (c) => {
      const { tenant, visitor } = c.get('visitorAuth');
      return { tenant, viewer: { tenantId: tenant.id, visitorId: visitor.id }, uploader: { type: 'visitor', id: visitor.id } };
    }),
  );

  return app;
}
