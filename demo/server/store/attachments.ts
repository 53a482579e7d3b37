/** Uploaded attachments (migration 002): who uploaded what into which conversation. */
import type { AttachmentInfo, AttachmentKind } from '../../../src/contract/extensions.ts';
import type { AttachmentLinks } from '../attachments/links.ts';
import type { Queryable } from '../db/database.ts';
import { newId } from '../ids.ts';

export interface AttachmentRow {
  [column: string]: unknown;
  id: string;
  tenant_id: string;
  conversation_id: string;
  uploader_type: 'visitor' | 'agent';
  uploader_id: string;
  name: string;
  content_type: string;
  kind: AttachmentKind;
  size: number;
  storage_key: string;
  message_id: string | null;
  deleted_at: Date | string | null;
}

export interface NewAttachment {
  tenantId: string;
  conversationId: string;
  uploader: { type: 'visitor' | 'agent'; id: string };
  name: string;
  contentType: string;
  kind: AttachmentKind;
  size: number;
  storageKey: string;
}

export async function insertAttachment(db: Queryable, input: NewAttachment): Promise<AttachmentRow> {
  const [row] = await db.query<AttachmentRow>(
    `INSERT INTO attachments (id, tenant_id, conversation_id, uploader_type, uploader_id, name, content_type, kind, size, storage_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
    [newId('att'), input.tenantId, input.conversationId, input.uploader.type, input.uploader.id, input.name, input.contentType, input.kind, input.size, input.storageKey],
  );
  return row as AttachmentRow;
}

export async function findAttachment(db: Queryable, id: string): Promise<AttachmentRow | undefined> {
  return (await db.query<AttachmentRow>('SELECT * FROM attachments WHERE id = $1', [id]))[0];
}

/**
 * An attachment the sender uploaded into this conversation that no message uses yet, or that
 * the message with this `clientMessageId` already uses (a repeated send, answered as the first).
 */
export async function findSendableAttachment(
  db: Queryable,
  id: string,
  conversationId: string,
  uploader: { type: string; id: string },
  clientMessageId: string | undefined,
): Promise<AttachmentRow | undefined> {
  const rows = await db.query<AttachmentRow>(
    `SELECT a.* FROM attachments a LEFT JOIN messages m ON m.id = a.message_id
     WHERE a.id = $1 AND a.conversation_id = $2 AND a.uploader_type = $3 AND a.uploader_id = $4 AND a.deleted_at IS NULL
       AND (a.message_id IS NULL OR ($5::text IS NOT NULL AND m.client_message_id = $5))`,
    [id, conversationId, uploader.type, uploader.id, clientMessageId ?? null],
  );
  return rows[0];
}

/** The live attachment of a message, if it has one. */
export async function findMessageAttachment(db: Queryable, messageId: string): Promise<AttachmentRow | undefined> {
  return (await db.query<AttachmentRow>('SELECT * FROM attachments WHERE message_id = $1 AND deleted_at IS NULL', [messageId]))[0];
}

export async function markAttachmentDeleted(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE attachments SET deleted_at = COALESCE(deleted_at, now()) WHERE id = $1', [id]);
}

/** What is stored in `metadata.attachment` (no URL: that is signed on every read). */
export function storedAttachment(row: AttachmentRow): Omit<AttachmentInfo, 'url' | 'expiresAt'> {
  return { attachmentId: row.id, name: row.name, size: row.size, contentType: row.content_type, kind: row.kind };
}

export function toAttachmentInfo(row: AttachmentRow, links: AttachmentLinks): AttachmentInfo {
  return { ...storedAttachment(row), ...links.sign(row.id) };
}
