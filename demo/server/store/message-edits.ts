/**
 * Editing and deleting one's own message (extensions.md §9) within the tenant's edit window.
 * Someone else's message answers 404 `MESSAGE_NOT_FOUND`, exactly like an unknown id, so a
 * caller cannot tell which ids exist. A deleted message keeps its row and seq (`deletedAt`).
 */
import type { Queryable } from '../db/database.ts';
import { ApiError } from '../http/errors.ts';
import { type MessageRow, messageNotFound } from './messages.ts';

export type MessageChange = { kind: 'edit'; body: string } | { kind: 'delete' };

export interface ChangeResult {
  message: MessageRow;
  /** False for a repeated delete (nothing changed, nothing to announce). */
  changed: boolean;
  /** Storage key of an attachment file to remove once the transaction committed. */
  removedFile?: string;
}

/** Runs inside a transaction; `sender` must be who sent the message. */
export async function changeOwnMessage(
  db: Queryable,
  conversationId: string,
  messageId: string,
  sender: { type: 'visitor' | 'agent'; id: string },
  windowSeconds: number,
  change: MessageChange,
): Promise<ChangeResult> {
  const [row] = await db.query<MessageRow & { window_passed: boolean }>(
    `SELECT m.*, m.sent_at < now() - ($3::int * interval '1 second') AS window_passed
     FROM messages m WHERE m.id = $1 AND m.conversation_id = $2 FOR UPDATE`,
    [messageId, conversationId, windowSeconds],
  );
  if (!row || row.sender_type !== sender.type || row.sender_id !== sender.id) throw messageNotFound(messageId);
  const deleted = row.deleted_at !== null;
  if (change.kind === 'delete' && deleted) return { message: row, changed: false };
  if (deleted) throw messageNotFound(messageId);
  if (row.message_type === 'rating') {
    throw new ApiError(409, 'MESSAGE_NOT_EDITABLE', 'A rating cannot be edited or deleted.');
  }
  if (change.kind === 'edit' && row.message_type !== 'text') {
    throw new ApiError(409, 'MESSAGE_NOT_EDITABLE', `Only text messages can be edited; this one is ${row.message_type}. Delete it and send a new one.`);
  }
  if (row.window_passed) {
    const minutes = Math.round(windowSeconds / 60);
    throw new ApiError(
      409,
      'MESSAGE_EDIT_WINDOW_PASSED',
      `Messages can be ${change.kind === 'edit' ? 'edited' : 'deleted'} for ${windowSeconds < 120 ? `${windowSeconds} seconds` : `${minutes} minutes`} after sending; this one is older.`,
    );
  }

  let removedFile: string | undefined;
  let updated: MessageRow | undefined;
  if (change.kind === 'edit') {
    [updated] = await db.query<MessageRow>('UPDATE messages SET body = $2, edited_at = now() WHERE id = $1 RETURNING *', [messageId, change.body]);
  } else {
    [updated] = await db.query<MessageRow>('UPDATE messages SET deleted_at = now() WHERE id = $1 RETURNING *', [messageId]);
    const [file] = await db.query<{ storage_key: string }>(
      'UPDATE attachments SET deleted_at = now() WHERE message_id = $1 AND deleted_at IS NULL RETURNING storage_key',
      [messageId],
    );
    removedFile = file?.storage_key;
  }
  // The inbox preview follows its message.
  await db.query('UPDATE conversations SET last_message_preview = $3, updated_at = now() WHERE id = $1 AND last_seq = $2', [
    conversationId,
    row.seq,
    change.kind === 'edit' ? change.body.slice(0, 140) : 'Message deleted',
  ]);
  return { message: updated ?? row, changed: true, ...(removedFile ? { removedFile } : {}) };
}
