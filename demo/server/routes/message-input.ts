/**
 * What a sent message may be (extensions.md §7, §11): `text` (the default), an attachment
 * (`image`, `audio`, `voice`, `video`, `document`, `file` with `metadata.attachmentId` of an
 * upload), a `location`, or (visitors, closed conversations only) a `rating`. The server builds
 * the stored metadata itself: a client cannot plant an attachment URL or fields agents trust.
 */
import type { AttachmentKind } from '../../../src/contract/extensions.ts';
import type { Queryable } from '../db/database.ts';
import { invalid } from '../http/validate.ts';
import { findSendableAttachment, storedAttachment } from '../store/attachments.ts';
import { attachmentNotFound } from '../store/messages.ts';
import { MAX_MESSAGE_LENGTH, checkMessageBody } from './message-body.ts';

export const ATTACHMENT_MESSAGE_TYPES = ['image', 'audio', 'voice', 'video', 'document', 'file'] as const;
const VISITOR_TYPES = ['text', ...ATTACHMENT_MESSAGE_TYPES, 'location', 'rating'];
const MAX_COMMENT_LENGTH = 1000;

export interface MessageInput {
  body: string;
  messageType?: string;
  metadata?: Record<string, unknown>;
  clientMessageId?: string;
}

export interface PreparedMessage {
  body: string;
  messageType: string;
  metadata?: Record<string, unknown>;
  attachmentId?: string;
  preview?: string;
}

/**
 * Validates a send and builds what is stored. `sender` is who uploads must belong to;
 * agents may also send other message types with their own metadata (console features), minus
 * the keys the server owns.
 */
export async function prepareMessage(
  db: Queryable,
  conversationId: string,
  sender: { type: 'visitor' | 'agent'; id: string },
  input: MessageInput,
): Promise<PreparedMessage> {
  const type = input.messageType ?? 'text';
  if ((ATTACHMENT_MESSAGE_TYPES as readonly string[]).includes(type)) return prepareAttachment(db, conversationId, sender, type, input);
  if (type === 'location') return prepareLocation(input);
  if (type === 'rating') {
    if (sender.type !== 'visitor') invalid('messageType', 'only the visitor can rate a conversation');
    return prepareRating(input);
  }
  if (sender.type === 'visitor') {
    if (!VISITOR_TYPES.includes(type)) invalid('messageType', `must be one of ${VISITOR_TYPES.join(', ')}, got "${type}"`);
    // Visitors' free-form metadata is not stored: agents would take it for server facts.
    return { body: checkMessageBody(input.body), messageType: 'text' };
  }
  const metadata = clientMetadata(input.metadata);
  return { body: checkMessageBody(input.body), messageType: type, ...(metadata ? { metadata } : {}) };
}

/**
 * Metadata keys only the server writes (an attachment and its signed URL, the attachment id it
 * resolves). A client naming them could point a message at someone else's file or plant a link.
 */
export const SERVER_OWNED_METADATA = ['attachment', 'attachmentId', 'url', 'expiresAt'] as const;

/** An agent's free-form metadata without the server-owned keys (undefined when nothing is left). */
function clientMetadata(metadata: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!metadata) return undefined;
  const kept = Object.fromEntries(Object.entries(metadata).filter(([key]) => !(SERVER_OWNED_METADATA as readonly string[]).includes(key)));
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/** A caption is optional on attachments, locations and ratings. */
function optionalBody(body: string): string {
  const text = body.trim();
  if (text.length > MAX_MESSAGE_LENGTH) invalid('body', `must be at most ${MAX_MESSAGE_LENGTH} characters, got ${text.length}`);
  return text;
}

async function prepareAttachment(
  db: Queryable,
  conversationId: string,
  sender: { type: 'visitor' | 'agent'; id: string },
  type: string,
  input: MessageInput,
): Promise<PreparedMessage> {
  const id = input.metadata?.attachmentId;
  if (typeof id !== 'string' || id.length === 0) invalid('metadata.attachmentId', `is required for a ${type} message (the attachmentId an upload answered)`);
  const row = await findSendableAttachment(db, id, conversationId, sender, input.clientMessageId);
  if (!row) throw attachmentNotFound(id);
  return {
    body: optionalBody(input.body),
    messageType: messageTypeFor(type, row.kind),
    metadata: { attachment: storedAttachment(row) },
    attachmentId: row.id,
    preview: `📎 ${row.name}`,
  };
}

/** The file's real kind wins over the declared type; `voice` and `file` are kept where they fit. */
function messageTypeFor(declared: string, kind: AttachmentKind): string {
  if (declared === 'voice' && kind === 'audio') return 'voice';
  if (declared === 'file' && kind === 'document') return 'file';
  return kind;
}

function prepareLocation(input: MessageInput): PreparedMessage {
  const { latitude, longitude, label } = input.metadata ?? {};
  if (typeof latitude !== 'number' || latitude < -90 || latitude > 90) invalid('metadata.latitude', 'must be a number from -90 to 90');
  if (typeof longitude !== 'number' || longitude < -180 || longitude > 180) invalid('metadata.longitude', 'must be a number from -180 to 180');
  if (label !== undefined && (typeof label !== 'string' || label.length > 200)) invalid('metadata.label', 'must be a string of at most 200 characters');
  const metadata = { latitude, longitude, ...(label ? { label } : {}) };
  return { body: optionalBody(input.body), messageType: 'location', metadata, preview: `📍 ${label ?? 'Location'}` };
}

function prepareRating(input: MessageInput): PreparedMessage {
  const { rating, comment, ...rest } = input.metadata ?? {};
  if (typeof rating !== 'number' || !Number.isInteger(rating) || rating < 1 || rating > 5) invalid('metadata.rating', 'must be an integer from 1 to 5');
  if (comment !== undefined && (typeof comment !== 'string' || comment.length > MAX_COMMENT_LENGTH)) {
    invalid('metadata.comment', `must be a string of at most ${MAX_COMMENT_LENGTH} characters`);
  }
  const extra = Object.keys(rest);
  if (extra.length > 0) invalid(`metadata.${extra[0]}`, 'is not a rating field (rating, comment)');
  const text = typeof comment === 'string' ? comment.trim() : '';
  return {
    body: text,
    messageType: 'rating',
    metadata: { rating, ...(text ? { comment: text } : {}) },
    preview: `Rated ${rating}/5${text ? `: ${text}` : ''}`,
  };
}
