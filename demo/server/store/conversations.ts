/**
 * Conversations. Reads always join the visitor and agent names the contract extension adds
 * (extensions.md §1). "Who may see it" is part of every query: a visitor's reads filter on its
 * visitor id, an agent's on its tenant, so a foreign id simply finds nothing (→ 404).
 */
import type { Conversation } from '../../../src/contract/extensions.ts';
import type { Queryable } from '../db/database.ts';
import { newId } from '../ids.ts';
import { compact, iso, isoRequired } from './time.ts';

export interface ConversationRow {
  [column: string]: unknown;
  id: string;
  tenant_id: string;
  visitor_id: string;
  number: string | number;
  status: 'open' | 'closed';
  subject: string | null;
  assigned_agent_id: string | null;
  last_seq: number;
  last_message_at: Date | string | null;
  last_message_preview: string | null;
  activity: string | number;
  created_at: Date | string;
  updated_at: Date | string;
  visitor_name: string | null;
  visitor_email: string | null;
  visitor_verified: boolean;
  assigned_agent_name: string | null;
  rating: number | null;
  /** The visitor's page details and the site's attributes (extensions.md §10). */
  visitor_metadata: Record<string, unknown> | null;
}

/** Who is asking: decides which conversations exist for the caller. */
export type Viewer = { tenantId: string; visitorId: string } | { tenantId: string; visitorId?: undefined };

const SELECT = `SELECT c.*, c.activity::text AS activity, v.name AS visitor_name, v.email AS visitor_email,
    v.verified AS visitor_verified, v.metadata AS visitor_metadata, a.name AS assigned_agent_name,
    (SELECT (r.metadata->>'rating')::int FROM messages r
      WHERE r.conversation_id = c.id AND r.message_type = 'rating' AND r.deleted_at IS NULL LIMIT 1) AS rating
  FROM conversations c
  JOIN visitors v ON v.id = c.visitor_id
  LEFT JOIN agents a ON a.id = c.assigned_agent_id`;

export async function findConversation(db: Queryable, viewer: Viewer, id: string): Promise<ConversationRow | undefined> {
  const rows = viewer.visitorId
    ? await db.query<ConversationRow>(`${SELECT} WHERE c.id = $1 AND c.tenant_id = $2 AND c.visitor_id = $3`, [id, viewer.tenantId, viewer.visitorId])
    : await db.query<ConversationRow>(`${SELECT} WHERE c.id = $1 AND c.tenant_id = $2`, [id, viewer.tenantId]);
  return rows[0];
}

/** Conversations by id, any tenant (the cluster hub re-reads what an event names; it checks the tenant). */
export async function findConversationsByIds(db: Queryable, ids: readonly string[]): Promise<ConversationRow[]> {
  return db.query<ConversationRow>(`${SELECT} WHERE c.id = ANY($1::text[])`, [ids]);
}

/** The visitor's open conversation, if any (there is at most one). */
export async function findOpenConversation(db: Queryable, tenantId: string, visitorId: string): Promise<ConversationRow | undefined> {
  const rows = await db.query<ConversationRow>(
    `${SELECT} WHERE c.tenant_id = $1 AND c.visitor_id = $2 AND c.status = 'open'`,
    [tenantId, visitorId],
  );
  return rows[0];
}

/**
 * Returns the visitor's open conversation, creating it when there is none. Race-safe: a
 * partial unique index allows one open conversation per visitor, and the loser of a race
 * reads the winner's.
 */
export async function openConversation(
  db: Queryable,
  tenantId: string,
  visitorId: string,
  subject: string | undefined,
  metadata: Record<string, unknown> = {},
): Promise<{ conversation: ConversationRow; created: boolean }> {
  const inserted = await db.query<{ id: string }>(
    `INSERT INTO conversations (id, tenant_id, visitor_id, subject, metadata) VALUES ($1, $2, $3, $4, $5::jsonb)
     ON CONFLICT (visitor_id) WHERE status = 'open' DO NOTHING RETURNING id`,
    [newId('conv'), tenantId, visitorId, subject ?? null, JSON.stringify(metadata)],
  );
  const conversation = await findOpenConversation(db, tenantId, visitorId);
  if (!conversation) throw new Error('open conversation vanished right after it was created');
  return { conversation, created: inserted.length > 0 };
}

/**
 * A conversation one of `visitorIds` owns (extensions.md §12: a verified contact reads its
 * conversations from every device). Writes still go through {@link findConversation}.
 */
export async function findReadableConversation(db: Queryable, tenantId: string, visitorIds: string[], id: string): Promise<ConversationRow | undefined> {
  const rows = await db.query<ConversationRow>(`${SELECT} WHERE c.id = $1 AND c.tenant_id = $2 AND c.visitor_id = ANY($3::text[])`, [id, tenantId, visitorIds]);
  return rows[0];
}

/** The visitor's conversations (and those of the same verified contact), newest activity first. */
export async function listVisitorConversations(
  db: Queryable,
  tenantId: string,
  visitorIds: string[],
  options: { limit: number; cursor?: string },
): Promise<ConversationPage> {
  return pageByActivity(db, 'c.tenant_id = $1 AND c.visitor_id = ANY($2::text[])', [tenantId, visitorIds], options);
}

export interface ConversationPage {
  conversations: ConversationRow[];
  nextCursor?: string;
}

/** The tenant's inbox, newest activity first; `cursor` is the previous page's `nextCursor`. */
export async function listConversations(
  db: Queryable,
  tenantId: string,
  options: { status: 'open' | 'closed' | 'all'; limit: number; cursor?: string },
): Promise<ConversationPage> {
  return options.status === 'all'
    ? pageByActivity(db, 'c.tenant_id = $1', [tenantId], options)
    : pageByActivity(db, 'c.tenant_id = $1 AND c.status = $2', [tenantId, options.status], options);
}

/** One page of conversations matching `where` (over `params`), newest activity first. */
async function pageByActivity(
  db: Queryable,
  where: string,
  params: unknown[],
  options: { limit: number; cursor?: string },
): Promise<ConversationPage> {
  const all = [...params];
  let clause = where;
  if (options.cursor !== undefined) {
    all.push(options.cursor);
    clause += ` AND c.activity < $${all.length}::bigint`;
  }
  all.push(options.limit + 1);
  const rows = await db.query<ConversationRow>(`${SELECT} WHERE ${clause} ORDER BY c.activity DESC LIMIT $${all.length}`, all);
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return rows.length > options.limit && last ? { conversations: page, nextCursor: String(last.activity) } : { conversations: page };
}

/** Assigns (or unassigns with `null`) and records the assignment. Returns the assignment row id. */
export async function assignConversation(
  db: Queryable,
  conversation: ConversationRow,
  change: { agentId: string | null; departmentId: string | null; byAgentId: string; reason: string | null },
): Promise<{ assignmentId: string; createdAt: string }> {
  await db.query(
    "UPDATE conversations SET assigned_agent_id = $2, activity = nextval('activity_seq'), updated_at = now() WHERE id = $1",
    [conversation.id, change.agentId],
  );
  const [row] = await db.query<{ id: string; created_at: Date | string }>(
    `INSERT INTO assignments (id, conversation_id, tenant_id, assigned_agent_id, assigned_department_id, assigned_by_agent_id, reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, created_at`,
    [newId('asg'), conversation.id, conversation.tenant_id, change.agentId, change.departmentId, change.byAgentId, change.reason],
  );
  return { assignmentId: row?.id ?? '', createdAt: isoRequired(row?.created_at) };
}

export async function closeConversation(db: Queryable, conversationId: string): Promise<void> {
  await db.query(
    `UPDATE conversations SET status = 'closed', closed_at = COALESCE(closed_at, now()),
       activity = CASE WHEN status = 'closed' THEN activity ELSE nextval('activity_seq') END, updated_at = now()
     WHERE id = $1`,
    [conversationId],
  );
}

export function toConversation(row: ConversationRow): Conversation {
  return compact({
    conversationId: row.id,
    conversationNumber: String(row.number),
    visitorId: row.visitor_id,
    assignedAgentId: row.assigned_agent_id ?? undefined,
    channel: 'web',
    status: row.status,
    priority: 'normal',
    subject: row.subject ?? undefined,
    lastMessageAt: iso(row.last_message_at),
    createdAt: isoRequired(row.created_at),
    updatedAt: isoRequired(row.updated_at),
    lastSeq: row.last_seq,
    lastMessagePreview: row.last_message_preview ?? undefined,
    visitorName: row.visitor_name ?? undefined,
    visitorEmail: row.visitor_email ?? undefined,
    visitorVerified: row.visitor_verified,
    assignedAgentName: row.assigned_agent_name ?? undefined,
    rating: row.rating ?? undefined,
    visitorMetadata: row.visitor_metadata && Object.keys(row.visitor_metadata).length ? row.visitor_metadata : undefined,
  });
}

/**
 * Whether the socket's subject is a party of an open conversation (typing indicators): a
 * visitor of its own conversation, an agent of any of its tenant's. Returns the conversation's
 * visitor and the sender's display name.
 */
export async function findTypingParty(
  db: Queryable,
  who: { role: 'visitor' | 'agent'; tenantId: string; subject: string },
  conversationId: string,
): Promise<{ visitorId: string; name: string | null; assignedAgentId: string | null } | undefined> {
  const rows =
    who.role === 'visitor'
      ? await db.query<{ visitor_id: string; name: string | null; assigned_agent_id: string | null }>(
          `SELECT c.visitor_id, v.name, c.assigned_agent_id FROM conversations c JOIN visitors v ON v.id = c.visitor_id
           WHERE c.id = $1 AND c.tenant_id = $2 AND c.visitor_id = $3 AND c.status = 'open'`,
          [conversationId, who.tenantId, who.subject],
        )
      : await db.query<{ visitor_id: string; name: string | null; assigned_agent_id: string | null }>(
          `SELECT c.visitor_id, a.name, c.assigned_agent_id FROM conversations c JOIN agents a ON a.tenant_id = c.tenant_id
           WHERE c.id = $1 AND c.tenant_id = $2 AND a.id = $3 AND c.status = 'open'`,
          [conversationId, who.tenantId, who.subject],
        );
  const row = rows[0];
  return row ? { visitorId: row.visitor_id, name: row.name, assignedAgentId: row.assigned_agent_id } : undefined;
}
