/**
 * Receipts (extensions.md §8): the visitor's `POST /chat/conversations/{id}/messages/{id}/delivered|read`
 * here, the agent's under `/agent-sdk` through {@link recordReceipt}. A receipt for message N covers
 * every earlier message of the other side; the other party gets one `receipt` frame when
 * something changed.
 */
import { Hono } from 'hono';
import type { ReceiptKind, ReceiptResult } from '../../../src/contract/extensions.ts';
import { requireVisitor } from '../auth/guards.ts';
import type { AppEnv, Deps } from '../http/context.ts';
import { ok } from '../http/envelope.ts';
import { type ConversationRow, findConversation } from '../store/conversations.ts';
import { conversationNotFound, findMessage, messageNotFound } from '../store/messages.ts';
import { markReceipt } from '../store/receipts.ts';

export async function recordReceipt(
  deps: Deps,
  conversation: ConversationRow,
  messageId: string,
  by: 'visitor' | 'agent',
  kind: ReceiptKind,
): Promise<ReceiptResult> {
  const message = await findMessage(deps.db, conversation.id, messageId);
  if (!message) throw messageNotFound(messageId);
  const outcome = await markReceipt(deps.db, conversation.id, message.seq, by, kind);
  const result: ReceiptResult = { conversationId: conversation.id, kind, upToSeq: message.seq, by, at: outcome.at };
  if (outcome.changed > 0) {
    const frame = { type: 'receipt' as const, ...result };
    if (by === 'visitor') deps.hub.toAgents(conversation.tenant_id, frame);
    else deps.hub.toVisitor(conversation.tenant_id, conversation.visitor_id, frame);
  }
  return result;
}

/** Mounted at `/chat/conversations`. */
export function visitorReceiptRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', requireVisitor(deps));
  for (const kind of ['delivered', 'read'] as const) {
    app.post(`/:conversationId/messages/:messageId/${kind}`, async (c) => {
      const { tenant, visitor } = c.get('visitorAuth');
      const id = c.req.param('conversationId');
      const conversation = await findConversation(deps.db, { tenantId: tenant.id, visitorId: visitor.id }, id);
      if (!conversation) throw conversationNotFound(id);
      return ok(c, await recordReceipt(deps, conversation, c.req.param('messageId'), 'visitor', kind));
    });
  }
  return app;
}
