/**
 * Messages: the idempotent, ordered send and the history reads (extensions.md §1–2).
 *
 * A send locks its conversation row, so sends into one conversation commit one at a time and
 * `seq` is `last_seq + 1` in commit order. The unique `(conversation_id, client_message_id)`
 * constraint is what makes a repeated `clientMessageId` the same message, even across servers.
 */
import type { Message, SenderType } from '../../../src/contract/extensions.ts';
import type { Queryable } from '../db/database.ts';
import { ApiError } from '../http/errors.ts';
import { newId } from '../ids.ts';
import { type ConversationRow, type Viewer, findConversation } from './conversations.ts';
import { compact, iso, isoRequired } from './time.ts';
import type { AttachmentLinks } from '../attachments/links.ts';

export interface MessageRow {
  [column: string]: unknown;
  id: string;
  conversation_id: string;
  seq: number;
  client_message_id: string | null;
  sender_type: SenderType;
  sender_id: string | null;
  sender_name: string | null;
  body: string;
  message_type: string;
  metadata: Record<string, unknown> | null;
  sent_at: Date | string;
  edited_at: Date | string | null;
  deleted_at: Date | string | null;
  delivered_at: Date | string | null;
  read_at: Date | string | null;
}

export interface NewMessage {
  body: string;
  messageType?: string;
  metadata?: Record<string, unknown>;
  clientMessageId?: string;
  sender: { type: SenderType; id: string; name?: string | null };
  /** An uploaded attachment this message carries: claimed in the same transaction. */
  attachmentId?: string;
  /** Inbox preview when the body is empty (attachments, ratings). */
  preview?: string;
}

export interface SendResult {
  message: MessageRow;
  /** The conversation after the send. */
  conversation: ConversationRow;
  /** False when `clientMessageId` repeated an earlier send (nothing was written). */
  created: boolean;
}

const PREVIEW_LENGTH = 140;

/** Sends into a conversation the viewer can see; an agent's send also claims an unassigned one. */
export async function sendMessage(db: Queryable, viewer: Viewer, conversationId: string, input: NewMessage): Promise<SendResult> {
  const visible = viewer.visitorId
    ? await db.query<{ status: string; assigned_agent_id: string | null }>(
        'SELECT status, assigned_agent_id FROM conversations WHERE id = $1 AND tenant_id = $2 AND visitor_id = $3 FOR UPDATE',
        [conversationId, viewer.tenantId, viewer.visitorId],
      )
    : await db.query<{ status: string; assigned_agent_id: string | null }>(
        'SELECT status, assigned_agent_id FROM conversations WHERE id = $1 AND tenant_id = $2 FOR UPDATE',
        [conversationId, viewer.tenantId],
      );
  const locked = visible[0];
  if (!locked) throw conversationNotFound(conversationId);

  if (input.clientMessageId) {
    const earlier = await findByClientId(db, conversationId, input.clientMessageId);
    if (earlier) return { message: earlier, conversation: await mustFind(db, viewer, conversationId), created: false };
  }
  await checkClosedRules(db, conversationId, locked.status, input);

  const [message] = await db.query<MessageRow>(
    `INSERT INTO messages (id, conversation_id, seq, client_message_id, sender_type, sender_id, sender_name, body, message_type, metadata)
     SELECT $1, c.id, c.last_seq + 1, $3, $4, $5, $6, $7, $8, $9::jsonb FROM conversations c WHERE c.id = $2
     ON CONFLICT (conversation_id, client_message_id) DO NOTHING
     RETURNING *`,
    [
      newId('msg'),
      conversationId,
      input.clientMessageId ?? null,
      input.sender.type,
      input.sender.id,
      input.sender.name ?? null,
      input.body,
      input.messageType ?? 'text',
      input.metadata ? JSON.stringify(input.metadata) : null,
    ],
  );
  if (!message) {
    // Only reachable if a writer skipped the row lock; the constraint still kept one row.
    const earlier = await findByClientId(db, conversationId, input.clientMessageId ?? '');
    if (!earlier) throw new Error('message insert conflicted but no earlier message exists');
    return { message: earlier, conversation: await mustFind(db, viewer, conversationId), created: false };
  }

  if (input.attachmentId) {
    const claimed = await db.query(
      `UPDATE attachments SET message_id = $1
       WHERE id = $2 AND conversation_id = $3 AND uploader_type = $4 AND uploader_id = $5 AND message_id IS NULL AND deleted_at IS NULL
       RETURNING id`,
      [message.id, input.attachmentId, conversationId, input.sender.type, input.sender.id],
    );
    // Checked before the insert too; this catches two messages racing for one attachment.
    if (claimed.length === 0) throw attachmentNotFound(input.attachmentId);
  }

  const claim = input.sender.type === 'agent' && !locked.assigned_agent_id ? input.sender.id : null;
  await db.query(
    // now() is the transaction's start time, the same instant the insert used for sent_at.
    `UPDATE conversations SET last_seq = $2, last_message_at = now(), last_message_preview = $3,
       assigned_agent_id = COALESCE(assigned_agent_id, $4), activity = nextval('activity_seq'), updated_at = now()
     WHERE id = $1`,
    [conversationId, message.seq, (input.preview ?? input.body).slice(0, PREVIEW_LENGTH), claim],
  );
  if (claim) {
    await db.query(
      `INSERT INTO assignments (id, conversation_id, tenant_id, assigned_agent_id, assigned_by_agent_id, reason)
       VALUES ($1, $2, $3, $4, $4, 'Replied first')`,
      [newId('asg'), conversationId, viewer.tenantId, claim],
    );
  }
  return { message, conversation: await mustFind(db, viewer, conversationId), created: true };
}

export interface HistoryQuery {
  after?: number;
  before?: number;
  limit: number;
}

/**
 * Oldest first. With `after`: the oldest `limit` newer than it (resume); otherwise the newest
 * `limit` (older than `before` when given). `hasMore` is about the direction asked.
 */
export async function listMessages(db: Queryable, conversationId: string, query: HistoryQuery): Promise<{ messages: MessageRow[]; hasMore: boolean }> {
  const params: unknown[] = [conversationId];
  let where = 'conversation_id = $1';
  if (query.after !== undefined) {
    params.push(query.after);
    where += ` AND seq > $${params.length}`;
  }
  if (query.before !== undefined) {
    params.push(query.before);
    where += ` AND seq < $${params.length}`;
  }
  params.push(query.limit + 1);
  const order = query.after !== undefined ? 'ASC' : 'DESC';
  const rows = await db.query<MessageRow>(`SELECT * FROM messages WHERE ${where} ORDER BY seq ${order} LIMIT $${params.length}`, params);
  const hasMore = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  return { messages: order === 'ASC' ? page : page.reverse(), hasMore };
}

/** Message types that carry an uploaded file (extensions.md §7). */
const ATTACHMENT_TYPES: ReadonlySet<string> = new Set(['image', 'audio', 'voice', 'video', 'document', 'file']);

/**
 * Which message each live attachment named in `rows` really belongs to (`attachments.message_id`):
 * a URL is signed only for that message, never for one that merely names the attachment.
 */
export async function attachmentOwners(db: Queryable, rows: readonly MessageRow[]): Promise<ReadonlyMap<string, string>> {
  const ids = rows.filter((row) => ATTACHMENT_TYPES.has(row.message_type)).map((row) => row.id);
  if (ids.length === 0) return new Map();
  const owned = await db.query<{ id: string; message_id: string }>(
    'SELECT id, message_id FROM attachments WHERE message_id = ANY($1::text[]) AND deleted_at IS NULL',
    [ids],
  );
  return new Map(owned.map((row) => [row.id, row.message_id]));
}

/**
 * The API shape of a message. A deleted message keeps its place (seq) but shows neither body
 * nor metadata; an attachment gets a freshly signed URL from `links` when `owners` (see
 * {@link attachmentOwners}) says it is this message's.
 */
export function toMessage(row: MessageRow, links: AttachmentLinks, owners: ReadonlyMap<string, string>): Message {
  const deleted = row.deleted_at !== null && row.deleted_at !== undefined;
  return compact({
    messageId: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    senderType: row.sender_type,
    senderAgentId: row.sender_type === 'agent' ? (row.sender_id ?? undefined) : undefined,
    senderName: row.sender_name ?? undefined,
    body: deleted ? '' : row.body,
    messageType: row.message_type,
    metadata: deleted ? undefined : withAttachmentUrl(row, links, owners),
    clientMessageId: row.client_message_id ?? undefined,
    sentAt: isoRequired(row.sent_at),
    editedAt: iso(row.edited_at),
    deletedAt: iso(row.deleted_at),
    deliveredAt: iso(row.delivered_at),
    readAt: iso(row.read_at),
  });
}

/**
 * Stored `metadata.attachment` has no URL (it would expire); one is signed on every read, and
 * only for an attachment message that owns the file. Whatever URL a stored row carries is never
 * passed on, and a non-attachment message shows no `attachment` at all.
 */
function withAttachmentUrl(row: MessageRow, links: AttachmentLinks, owners: ReadonlyMap<string, string>): Record<string, unknown> | undefined {
  const metadata = row.metadata;
  if (!metadata) return undefined;
  if (!('attachment' in metadata)) return metadata;
  const { attachment: raw, ...rest } = metadata;
  if (!ATTACHMENT_TYPES.has(row.message_type) || typeof raw !== 'object' || raw === null) return rest;
  const { url: _url, expiresAt: _expiresAt, ...attachment } = raw as Record<string, unknown>;
  const id = attachment.attachmentId;
  const signable = typeof id === 'string' && attachment.removed !== true && owners.get(id) === row.id;
  return { ...rest, attachment: signable ? { ...attachment, ...links.sign(id) } : attachment };
}

/**
 * A closed conversation takes exactly one more message: the visitor's rating (extensions.md §11).
 * A rating anywhere else, or a second one, is refused. A call's record (extensions.md §15) is
 * the server's, not a party's: a call may outlive its conversation's close and is still recorded.
 */
async function checkClosedRules(db: Queryable, conversationId: string, status: string, input: NewMessage): Promise<void> {
  if (input.messageType === 'call' && input.sender.type === 'system') return;
  const rating = input.messageType === 'rating';
  if (!rating) {
    if (status === 'closed') {
      throw new ApiError(409, 'CONVERSATION_CLOSED', 'This conversation is closed. Start a new conversation to send more messages.');
    }
    return;
  }
  if (status !== 'closed') {
    throw new ApiError(409, 'RATING_NOT_ALLOWED', 'A conversation can be rated once it is closed; this one is still open.');
  }
  const earlier = await db.query("SELECT 1 FROM messages WHERE conversation_id = $1 AND message_type = 'rating' AND deleted_at IS NULL", [conversationId]);
  if (earlier.length > 0) throw new ApiError(409, 'RATING_NOT_ALLOWED', 'This conversation has already been rated.');
}

export function attachmentNotFound(id: string): ApiError {
  return new ApiError(404, 'ATTACHMENT_NOT_FOUND', `No attachment ${id} uploaded by you in this conversation, or it is already used by another message.`);
}

export function messageNotFound(id: string): ApiError {
  return new ApiError(404, 'MESSAGE_NOT_FOUND', `No message ${id} in this conversation.`);
}

/** A message of a conversation (the caller already checked the conversation is visible). */
export async function findMessage(db: Queryable, conversationId: string, messageId: string): Promise<MessageRow | undefined> {
  return (await db.query<MessageRow>('SELECT * FROM messages WHERE id = $1 AND conversation_id = $2', [messageId, conversationId]))[0];
}

export function conversationNotFound(id: string): ApiError {
  return new ApiError(404, 'CONVERSATION_NOT_FOUND', `No conversation ${id} for this session.`);
}

async function findByClientId(db: Queryable, conversationId: string, clientMessageId: string): Promise<MessageRow | undefined> {
  const rows = await db.query<MessageRow>('SELECT * FROM messages WHERE conversation_id = $1 AND client_message_id = $2', [
    conversationId,
    clientMessageId,
  ]);
  return rows[0];
}

async function mustFind(db: Queryable, viewer: Viewer, id: string): Promise<ConversationRow> {
  const row = await findConversation(db, viewer, id);
  if (!row) throw conversationNotFound(id);
  return row;
}
