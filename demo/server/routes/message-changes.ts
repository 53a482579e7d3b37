/**
 * The HTTP side of edits and deletes (extensions.md §9), shared by the visitor routes and the
 * agent extension routes: run the change, remove a deleted attachment's file after commit, and
 * announce `message.updated` / `message.deleted`.
 */
import type { Context } from 'hono';
import type { Message } from '../../../src/contract/extensions.ts';
import type { AppEnv, Deps } from '../http/context.ts';
import { readJson } from '../http/validate.ts';
import { type MessageChange, changeOwnMessage } from '../store/message-edits.ts';
import { findConversation, toConversation, type Viewer } from '../store/conversations.ts';
import { conversationNotFound } from '../store/messages.ts';
import { settingsOf } from '../store/tenant-settings.ts';
import type { TenantRow } from '../store/tenants.ts';
import { checkMessageBody } from './message-body.ts';
import { presenter } from './present.ts';

/** The new body of a PATCH (contract `MessagePatchRequest`; `body` is what can change). */
export async function readEdit(c: Context<AppEnv>): Promise<MessageChange> {
  const body = await readJson<{ body?: string }>(c, 'MessagePatchRequestExt');
  return { kind: 'edit', body: checkMessageBody(body.body ?? '') };
}

export async function applyChange(
  deps: Deps,
  c: Context<AppEnv>,
  input: { tenant: TenantRow; viewer: Viewer; sender: { type: 'visitor' | 'agent'; id: string }; change: MessageChange },
): Promise<Message> {
  const conversationId = c.req.param('conversationId') ?? c.req.param('id') ?? '';
  const messageId = c.req.param('messageId') ?? '';
  const windowSeconds = settingsOf(input.tenant).editWindowSeconds;
  const { result, conversation } = await deps.db.transaction(async (tx) => {
    const row = await findConversation(tx, input.viewer, conversationId);
    if (!row) throw conversationNotFound(conversationId);
    const changed = await changeOwnMessage(tx, conversationId, messageId, input.sender, windowSeconds, input.change);
    return { result: changed, conversation: (await findConversation(tx, input.viewer, conversationId)) ?? row };
  });
  if (result.removedFile) await deps.uploads.remove(result.removedFile).catch((error: unknown) => deps.log.error('removing an upload failed', error));
  const message = await presenter(deps, c).message(result.message);
  if (result.changed) {
    deps.hub.messageChanged(input.change.kind === 'edit' ? 'message.updated' : 'message.deleted', input.tenant.id, conversation.visitor_id, message);
    deps.hub.conversationUpdated(input.tenant.id, toConversation(conversation));
  }
  return message;
}
