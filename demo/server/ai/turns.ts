/**
 * One AI turn in the database, and what the parties are told about it: the visitor's question
 * and the AI's answer are stored as ordinary messages (`visitor`, then `ai`), so history, resume
 * and the agent console show them; a handoff stores a `system` message and tells the agents.
 * Frames go out only after the transaction committed.
 */
import type { AiMessageMetadata, Message } from '../../../src/contract/extensions.ts';
import type { Deps } from '../http/context.ts';
import { type ConversationRow, toConversation } from '../store/conversations.ts';
import { type MessageRow, sendMessage } from '../store/messages.ts';
import type { TenantRow } from '../store/tenants.ts';
import type { VisitorRow } from '../store/visitors.ts';
import type { AiAnswer, HandoffReason, HistoryTurn } from './answer-types.ts';
import { type AiConversationRow, markHandedOff, takenOver } from './ai-conversations.ts';

export interface TurnContext {
  deps: Deps;
  tenant: TenantRow;
  visitor: VisitorRow;
  ai: AiConversationRow;
  /** Row → API message (the request's presenter). */
  present(row: MessageRow): Promise<Message>;
}

/** How many earlier messages an engine sees. */
const HISTORY_TURNS = 8;
/** The id AI messages carry as their sender. */
export const AI_SENDER_ID = 'ai-assistant';

const HANDOFF_NOTES: Record<HandoffReason, string> = {
  visitor_asked: 'The visitor asked for a person. The conversation is now with the team.',
  low_confidence: 'The assistant could not answer from the help centre. The conversation is now with the team.',
  engine_failed: 'The assistant is unavailable. The conversation is now with the team.',
};

/** Stores the question (idempotent by `clientMessageId`) and tells both parties when it is new. */
export async function storeQuestion(ctx: TurnContext, text: string, clientMessageId: string | undefined): Promise<{ message: MessageRow; created: boolean }> {
  const { deps, tenant, visitor, ai } = ctx;
  const result = await deps.db.transaction((tx) =>
    sendMessage(tx, { tenantId: tenant.id, visitorId: visitor.id }, ai.conversation_id, {
      body: text,
      clientMessageId,
      sender: { type: 'visitor', id: visitor.id, name: visitor.name },
    }),
  );
  if (result.created) {
    deps.typing.messageSent('visitor', visitor.id, ai.conversation_id);
    await publish(ctx, result.message, result.conversation);
  }
  return { message: result.message, created: result.created };
}

/** The AI answer already stored for a question (a repeated request answers it again, unchanged). */
export async function storedReply(ctx: TurnContext, questionId: string): Promise<MessageRow | undefined> {
  const rows = await ctx.deps.db.query<MessageRow>(
    "SELECT * FROM messages WHERE conversation_id = $1 AND sender_type = 'ai' AND metadata->'ai'->>'replyTo' = $2 ORDER BY seq LIMIT 1",
    [ctx.ai.conversation_id, questionId],
  );
  return rows[0];
}

/** The conversation before `beforeSeq`, oldest first: what the engine may read as context. */
export async function recentHistory(ctx: TurnContext, beforeSeq: number): Promise<HistoryTurn[]> {
  const rows = await ctx.deps.db.query<{ sender_type: string; body: string }>(
    `SELECT sender_type, body FROM messages WHERE conversation_id = $1 AND seq < $2 AND deleted_at IS NULL
       AND sender_type IN ('visitor', 'ai', 'agent') AND message_type = 'text' ORDER BY seq DESC LIMIT $3`,
    [ctx.ai.conversation_id, beforeSeq, HISTORY_TURNS],
  );
  return rows.reverse().map((row) => ({ role: row.sender_type as HistoryTurn['role'], text: row.body }));
}

/** `metadata.ai` of a stored answer: the one place it is built (JSON answers and repeats read it back). */
export function answerMetadata(answer: AiAnswer, questionId: string, cancelled: boolean): AiMessageMetadata {
  return {
    citations: answer.citations,
    confidence: answer.confidence,
    handoffRecommended: answer.handoffRecommended,
    ...(answer.handoffReason ? { handoffReason: answer.handoffReason } : {}),
    engine: answer.engine,
    replyTo: questionId,
    ...(cancelled ? { cancelled: true } : {}),
    ...(answer.incomplete === 'cut_off' ? { truncated: true } : {}),
  };
}

export interface StoredAnswer {
  message: MessageRow;
  conversation: ConversationRow;
  /** A person had taken over: the answer was stored as cancelled (it is not a live answer). */
  takenOver: boolean;
}

/**
 * Stores the AI's answer to `questionId` (without telling anyone yet: see {@link announce}). In
 * the same transaction it re-reads whether a person has taken over (a handoff, an agent assigned
 * or replying; the latter is recorded as the handoff reason `agent_joined`) while the engine
 * answered: then a streamed answer the visitor already saw is
 * stored marked `cancelled` (what they saw, never a live answer: no handoff of its own), and an
 * unseen one (`shown: false`, the JSON path) is not stored at all (undefined).
 */
export async function storeAnswer(
  ctx: TurnContext,
  answer: AiAnswer,
  questionId: string,
  options: { cancelled?: boolean; shown: boolean },
): Promise<StoredAnswer | undefined> {
  const { tenant, visitor, ai } = ctx;
  return ctx.deps.db.transaction(async (tx) => {
    const by = await takenOver(tx, ai.id);
    const taken = by !== undefined;
    // extensions.md §14a: an agent who joined while the AI answered shows as `agent_joined`.
    if (by === 'agent') await markHandedOff(tx, ai.id, 'agent_joined');
    if (taken && !options.shown) return undefined;
    const cancelled = taken || options.cancelled === true;
    const final = taken ? { ...answer, handoffRecommended: false } : answer;
    const result = await sendMessage(tx, { tenantId: tenant.id, visitorId: visitor.id }, ai.conversation_id, {
      body: final.text,
      metadata: { ai: answerMetadata(final, questionId, cancelled) },
      sender: { type: 'ai', id: AI_SENDER_ID, name: `${tenant.name} assistant` },
    });
    return { message: result.message, conversation: result.conversation, takenOver: taken };
  });
}

/** `message.created` (and `conversation.updated`) to the visitor and the tenant's agents. */
export async function announce(ctx: TurnContext, message: MessageRow, conversation: ConversationRow): Promise<Message> {
  return publish(ctx, message, conversation);
}

/**
 * Hands the conversation to a person: marks it, stores a `system` note the agent sees in the
 * transcript, and tells both parties. Answers false when it already was handed off.
 */
export async function handOff(ctx: TurnContext, reason: HandoffReason): Promise<boolean> {
  const { deps, tenant, visitor, ai } = ctx;
  const result = await deps.db.transaction(async (tx) => {
    if (!(await markHandedOff(tx, ai.id, reason))) return undefined;
    return sendMessage(tx, { tenantId: tenant.id, visitorId: visitor.id }, ai.conversation_id, {
      body: HANDOFF_NOTES[reason],
      messageType: 'system',
      metadata: { handoff: { reason } },
      sender: { type: 'system', id: AI_SENDER_ID },
    });
  });
  if (!result) return false;
  ctx.ai = { ...ai, status: 'handed_off', handoff_reason: reason };
  await publish(ctx, result.message, result.conversation);
  return true;
}

async function publish(ctx: TurnContext, row: MessageRow, conversation: ConversationRow): Promise<Message> {
  const message = await ctx.present(row);
  ctx.deps.hub.messageCreated(ctx.tenant.id, ctx.visitor.id, message);
  ctx.deps.hub.conversationUpdated(ctx.tenant.id, toConversation(conversation));
  return message;
}
