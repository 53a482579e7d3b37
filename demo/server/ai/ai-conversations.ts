/**
 * The AI state of visitor conversations (table `ai_conversations`, migration 003). An AI
 * conversation is an ordinary conversation whose answers are messages with `sender_type 'ai'`,
 * so history, realtime frames and the agent's view work unchanged; this row says whether the AI
 * still answers (`ai`) or a person has taken over (`handed_off`).
 */
import type { Queryable } from '../db/database.ts';
import { newId } from '../ids.ts';
import type { ConversationRow } from '../store/conversations.ts';
import type { HandoffRowReason } from './answer-types.ts';

export type AiConversationStatus = 'ai' | 'handed_off';

export interface AiConversationRow {
  [column: string]: unknown;
  id: string;
  tenant_id: string;
  conversation_id: string;
  visitor_id: string;
  status: AiConversationStatus;
  handoff_reason: string | null;
}

/**
 * The AI row of `conversation`, created when missing. A conversation a person already answers
 * (it has an assigned agent) starts out handed off, so the AI never talks over an agent.
 */
export async function ensureAiConversation(db: Queryable, conversation: ConversationRow): Promise<{ row: AiConversationRow; created: boolean }> {
  const status: AiConversationStatus = conversation.assigned_agent_id ? 'handed_off' : 'ai';
  const inserted = await db.query<AiConversationRow>(
    `INSERT INTO ai_conversations (id, tenant_id, conversation_id, visitor_id, status, handed_off_at)
     VALUES ($1, $2, $3, $4, $5, CASE WHEN $5 = 'handed_off' THEN now() END)
     ON CONFLICT (conversation_id) DO NOTHING RETURNING *`,
    [newId('aic'), conversation.tenant_id, conversation.id, conversation.visitor_id, status],
  );
  if (inserted[0]) return { row: inserted[0], created: true };
  const [row] = await db.query<AiConversationRow>('SELECT * FROM ai_conversations WHERE conversation_id = $1', [conversation.id]);
  if (!row) throw new Error('AI conversation vanished right after a conflicting insert');
  return { row, created: false };
}

/** The visitor's AI conversation named by its own id or by its conversation's id. */
export async function findAiConversation(
  db: Queryable,
  owner: { tenantId: string; visitorId: string },
  by: { aiConversationId?: string; conversationId?: string },
): Promise<AiConversationRow | undefined> {
  const [column, value] = by.aiConversationId !== undefined ? ['id', by.aiConversationId] : ['conversation_id', by.conversationId];
  const rows = await db.query<AiConversationRow>(`SELECT * FROM ai_conversations WHERE ${column} = $1 AND tenant_id = $2 AND visitor_id = $3`, [
    value,
    owner.tenantId,
    owner.visitorId,
  ]);
  return rows[0];
}

/** Marks the conversation handed off; false when it already was (nothing changed). */
export async function markHandedOff(db: Queryable, id: string, reason: HandoffRowReason): Promise<boolean> {
  const rows = await db.query(
    "UPDATE ai_conversations SET status = 'handed_off', handed_off_at = now(), handoff_reason = $2 WHERE id = $1 AND status = 'ai' RETURNING id",
    [id, reason],
  );
  return rows.length > 0;
}

/**
 * Whether a person has taken the conversation over, and how: `handed_off` (the AI handed it
 * over), `agent` (an agent is assigned or has written in it while the row still says `ai`), or
 * undefined (the AI still answers). Read inside the transaction that stores an AI answer, so the
 * AI never answers after a person, without the agent routes having to tell the AI anything.
 */
export async function takenOver(db: Queryable, aiConversationId: string): Promise<'handed_off' | 'agent' | undefined> {
  const rows = await db.query<{ status: AiConversationStatus; agent: boolean }>(
    `SELECT a.status, (c.assigned_agent_id IS NOT NULL
             OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.sender_type = 'agent')) AS agent
       FROM ai_conversations a JOIN conversations c ON c.id = a.conversation_id WHERE a.id = $1`,
    [aiConversationId],
  );
  const row = rows[0];
  if (!row || row.status === 'handed_off') return 'handed_off';
  return row.agent ? 'agent' : undefined;
}
