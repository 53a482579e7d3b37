/**
 * `/agent-sdk/ai/*` and `/agent-sdk/conversations/{id}/ai/*` (extensions.md §14a): the AI's help
 * for agents. The tenant's mode as the console needs it, which conversations the AI answered or
 * handed off, and a suggested reply for a conversation, grounded in the knowledge base (the
 * neighbouring helpdesk APIs call this "AI suggest"). Mounted inside `agentRoutes`, behind its
 * agent-token guard. Nothing here writes: a suggestion is computed, never stored or sent.
 */
import { Hono } from 'hono';
import type {
  AgentAiConversationState,
  AgentAiRouting,
  AiReplySuggestion,
  AiSuggestionResult,
} from '../../../src/contract/extensions.ts';
import type { AppEnv, Deps } from '../http/context.ts';
import { ok } from '../http/envelope.ts';
import { ApiError } from '../http/errors.ts';
import { bySession } from '../http/rate-limit.ts';
import { invalid } from '../http/validate.ts';
import { findConversation } from '../store/conversations.ts';
import { conversationNotFound } from '../store/messages.ts';
import { settingsOf } from '../store/tenant-settings.ts';
import type { TenantRow } from '../store/tenants.ts';
import type { HistoryTurn } from '../ai/answer-types.ts';
import type { AiService } from '../ai/service.ts';
import { suggestReply } from '../ai/suggest.ts';

/** How many recent messages a suggestion reads (the pending question plus some context). */
const TRANSCRIPT_TURNS = 12;
/** Most conversation ids one `GET /agent-sdk/ai/conversations` may name. */
const MAX_STATE_IDS = 100;

/** The server's one AI (`deps.ai`) serves suggestions too: one index, one registry of streams. */
export function agentAiRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const aiService = () => deps.ai;

  app.get('/ai/routing', (c) => {
    const mode = settingsOf(c.get('agentAuth').tenant).aiRouting;
    const { ready, engine } = aiService();
    const data: AgentAiRouting = {
      mode,
      canUseAi: mode === 'ai_first' && ready,
      humanFallbackAvailable: true,
      engine: engine.kind,
      suggestions: mode !== 'human_only' && ready,
    };
    return ok(c, data);
  });

  app.get('/ai/conversations', async (c) => {
    const raw = c.req.query('conversationIds') ?? '';
    const ids = [...new Set(raw.split(',').map((s) => s.trim()).filter(Boolean))];
    if (ids.length === 0) invalid('conversationIds', 'must list at least one conversation id, comma-separated');
    if (ids.length > MAX_STATE_IDS) invalid('conversationIds', `must list at most ${MAX_STATE_IDS} ids, got ${ids.length}`);
    const rows = await deps.db.query<{ id: string; conversation_id: string; status: 'ai' | 'handed_off'; handoff_reason: string | null }>(
      'SELECT id, conversation_id, status, handoff_reason FROM ai_conversations WHERE tenant_id = $1 AND conversation_id = ANY($2::text[])',
      [c.get('agentAuth').tenant.id, ids],
    );
    // Unknown ids and conversations the AI never answered are simply absent.
    const conversations = rows.map(
      (row): AgentAiConversationState => ({
        conversationId: row.conversation_id,
        aiConversationId: row.id,
        status: row.status,
        ...(row.handoff_reason ? { handoffReason: row.handoff_reason as AgentAiConversationState['handoffReason'] } : {}),
      }),
    );
    return ok(c, { conversations });
  });

  app.post('/conversations/:id/ai/suggestion', bySession(deps, 'ai'), async (c) => {
    const { tenant } = c.get('agentAuth');
    const id = c.req.param('id');
    const service = aiService();
    assertSuggestions(tenant, service);
    const conversation = await findConversation(deps.db, { tenantId: tenant.id }, id);
    if (!conversation) throw conversationNotFound(id);
    if (conversation.status === 'closed') {
      throw new ApiError(409, 'CONVERSATION_CLOSED', `Conversation ${id} is closed: there is nothing to reply to.`);
    }
    const rows = await deps.db.query<{ id: string; sender_type: string; body: string }>(
      `SELECT id, sender_type, body FROM messages WHERE conversation_id = $1 AND deleted_at IS NULL
         AND sender_type IN ('visitor', 'ai', 'agent') AND message_type = 'text' ORDER BY seq DESC LIMIT $2`,
      [id, TRANSCRIPT_TURNS],
    );
    const newest = rows[0];
    if (!newest || newest.sender_type !== 'visitor') return ok(c, { suggestion: null, reason: 'nothing_to_answer' } satisfies AiSuggestionResult);
    // Visitor text is only searched for here: it is never an instruction to anything.
    const transcript = rows.reverse().map((row): HistoryTurn => ({ role: row.sender_type as HistoryTurn['role'], text: row.body }));
    const found = suggestReply(service.index, transcript) ?? suggestReply(service.index, newestAlone(transcript));
    if (!found) return ok(c, { suggestion: null, reason: 'no_match' } satisfies AiSuggestionResult);
    const suggestion: AiReplySuggestion = {
      body: found.text,
      citations: found.citations,
      confidence: found.confidence,
      question: found.question,
      replyTo: newest.id,
      engine: 'embedded',
    };
    return ok(c, { suggestion } satisfies AiSuggestionResult);
  });

  return app;
}

/**
 * The transcript with only the newest of the visitor's pending messages: when several unanswered
 * messages joined find nothing (an off-topic line, then a real question), the newest may.
 */
function newestAlone(transcript: readonly HistoryTurn[]): HistoryTurn[] {
  let start = transcript.length - 1;
  while (start > 0 && transcript[start - 1]?.role === 'visitor') start--;
  return [...transcript.slice(0, start), ...transcript.slice(-1)];
}

/** Suggestions exist in `ai_assisted` and `ai_first`, and only with a knowledge base. */
function assertSuggestions(tenant: TenantRow, service: AiService): void {
  if (settingsOf(tenant).aiRouting === 'human_only') {
    throw new ApiError(403, 'FEATURE_NOT_AVAILABLE', `${tenant.name} answers chats in person only: AI reply suggestions are off.`);
  }
  if (!service.ready) throw new ApiError(503, 'AI_NOT_READY', 'The assistant has no help articles to suggest replies from yet.');
}
