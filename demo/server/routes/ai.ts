/**
 * `/ai/visitor/*` (contract tag "AI", extensions.md §14): routing, AI conversations, questions
 * answered as JSON or streamed over the realtime socket, handoff to a person, and the help-centre
 * search. Everything needs a visitor session token. Visitor text is only ever data here: it is
 * searched for and stored, never put into anything that is executed or interpreted.
 */
import { Hono } from 'hono';
import type {
  AiChatResult,
  AiMessageMetadata,
  AiConversation,
  AiRouting,
  KnowledgeArticle,
  KnowledgeSearchResult,
  VisitorIdentity,
} from '../../../src/contract/extensions.ts';
import { requireVisitor } from '../auth/guards.ts';
import type { AppEnv, Deps, VisitorAuth } from '../http/context.ts';
import { ok } from '../http/envelope.ts';
import { ApiError } from '../http/errors.ts';
import { bySession } from '../http/rate-limit.ts';
import { invalid, readJson } from '../http/validate.ts';
import { newId } from '../ids.ts';
import { findConversation, openConversation, toConversation } from '../store/conversations.ts';
import { type MessageRow, conversationNotFound } from '../store/messages.ts';
import { settingsOf } from '../store/tenant-settings.ts';
import { updateVisitor } from '../store/visitors.ts';
import { type AiConversationRow, ensureAiConversation, findAiConversation, takenOver } from '../ai/ai-conversations.ts';
import type { AiService } from '../ai/service.ts';
import { snippetOf } from '../ai/snippet.ts';
import { safeAnswer, streamAnswer } from '../ai/run-answer.ts';
import { type TurnContext, announce, handOff, recentHistory, storeAnswer, storeQuestion, storedReply } from '../ai/turns.ts';
import { checkIdentity } from './identity.ts';
import { NO_REALTIME_MODEL } from '../calls/gating.ts';
import { presenter } from './present.ts';

/** Longest question, in characters (after trimming). */
export const MAX_QUESTION_LENGTH = 2000;
/** Longest knowledge search query, in characters. */
export const MAX_SEARCH_LENGTH = 200;
const MAX_SEARCH_RESULTS = 20;

interface AiConversationRequest {
  visitor?: VisitorIdentity;
  metadata?: Record<string, unknown>;
}
interface AiChatRequest {
  aiConversationId?: string;
  conversationId?: string;
  message: string;
  stream?: boolean;
  metadata?: Record<string, unknown>;
}

/** The routes; the AI itself is the server's one `deps.ai` (its index, engine and streams). */
export function aiRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const service = deps.ai;
  app.use('*', requireVisitor(deps));

  app.get('/routing', (c) => ok(c, routingOf(c.get('visitorAuth'), service)));

  // extensions.md §15: no real-time voice model here (bootstrap says `ai_voice: not_configured`).
  // The SDP body is not read: there is nothing to answer it with.
  app.post('/realtime/call', () => {
    throw new ApiError(501, 'FEATURE_NOT_AVAILABLE', NO_REALTIME_MODEL);
  });

  app.post('/conversations', async (c) => {
    const auth = c.get('visitorAuth');
    assertVisitorAi(auth, service);
    const body = await readJson<AiConversationRequest>(c, 'AiConversationRequest');
    const identity = checkIdentity(body.visitor);
    const { ai, created, conversation } = await deps.db.transaction(async (tx) => {
      const visitor = identity ? await updateVisitor(tx, auth.visitor, { identity }) : auth.visitor;
      const opened = await openConversation(tx, auth.tenant.id, visitor.id, undefined, body.metadata);
      const ensured = await ensureAiConversation(tx, opened.conversation);
      return { ai: ensured.row, created: ensured.created, conversation: opened.conversation };
    });
    if (created) deps.hub.conversationUpdated(auth.tenant.id, toConversation(conversation));
    const data: AiConversation = { aiConversationId: ai.id, conversationId: ai.conversation_id, handedOff: ai.status === 'handed_off', conversation: toConversation(conversation) };
    return ok(c, data, created ? 201 : 200);
  });

  app.post('/chat', bySession(deps, 'ai'), async (c) => {
    const auth = c.get('visitorAuth');
    assertVisitorAi(auth, service);
    const body = await readJson<AiChatRequest>(c, 'AiChatRequest');
    const question = checkQuestion(body.message);
    const clientMessageId = checkClientMessageId(body.metadata?.clientMessageId);
    const ai = await targetConversation(deps, auth, body);
    const ctx: TurnContext = { deps, tenant: auth.tenant, visitor: auth.visitor, ai, present: presenter(deps, c).message };
    const base = { aiConversationId: ai.id, conversationId: ai.conversation_id };

    // A repeated request (same clientMessageId, e.g. after a lost response) gets the answer it
    // already had, or the stream still answering it: never a second answer, and never a 409 for
    // a question that was answered before the conversation was handed off.
    const repeated = clientMessageId === undefined ? undefined : await findQuestion(ctx, clientMessageId);
    if (repeated) {
      let running = [...service.streams].find(([, s]) => s.questionId === repeated.id);
      if (running && body.stream === true) {
        const data: AiChatResult = { ...base, message: '', metadata: { questionMessageId: repeated.id, streamId: running[0], streaming: true } };
        return ok(c, data);
      }
      // A JSON repeat waits for the running stream's stored answer.
      if (running) await running[1].done;
      running = undefined;
      const earlier = await storedReply(ctx, repeated.id);
      if (earlier) return ok(c, await chatResult(ctx, repeated.id, earlier));
      // Asked, but never answered (a person took over first, or the server stopped): answered now
      // unless a person has taken over.
    }
    // Nothing is written for a refused question (reading "an agent joined" as handed off is enough).
    if (await takenOver(deps.db, ai.id)) throw handedOff(ai);
    const asked = repeated ? { message: repeated, created: false } : await storeQuestion(ctx, question, clientMessageId);
    if (!repeated && !asked.created) {
      // The same question raced in twice: the second joins the first's stream or answer.
      const running = [...service.streams].find(([, s]) => s.questionId === asked.message.id);
      if (running) return ok(c, { ...base, message: '', metadata: { questionMessageId: asked.message.id, streamId: running[0], streaming: true } } satisfies AiChatResult);
      const earlier = await storedReply(ctx, asked.message.id);
      if (earlier) return ok(c, await chatResult(ctx, asked.message.id, earlier));
    }

    const history = await recentHistory(ctx, asked.message.seq);
    const input = { question, history };
    if (body.stream === true) {
      const streamId = newId('aist');
      service.track(streamId, { tenantId: auth.tenant.id, visitorId: auth.visitor.id, conversationId: ai.conversation_id, questionId: asked.message.id }, (controller) =>
        streamAnswer(ctx, service, { streamId, controller, input, questionId: asked.message.id }),
      );
      const data: AiChatResult = { ...base, message: '', metadata: { questionMessageId: asked.message.id, streamId, streaming: true } };
      return ok(c, data);
    }

    const answer = await safeAnswer(deps, () => service.engine.answer(input));
    // A person took over while the engine answered: the answer was not shown, so it is dropped.
    const stored = await storeAnswer(ctx, answer, asked.message.id, { shown: false });
    if (!stored) throw handedOff(ai);
    await announce(ctx, stored.message, stored.conversation);
    if (answer.handoffRecommended) await handOff(ctx, answer.handoffReason ?? 'low_confidence');
    return ok(c, await chatResult(ctx, asked.message.id, stored.message));
  });

  // extensions.md §14: stop a streamed answer (the stop button).
  app.post('/chat/cancel', async (c) => {
    const auth = c.get('visitorAuth');
    assertMode(auth);
    const body = await readJson<{ streamId?: unknown }>(c, 'AnyObject');
    if (typeof body.streamId !== 'string' || body.streamId.length === 0) invalid('streamId', 'is required (the streamId a streamed /ai/visitor/chat answered)');
    const running = service.streams.get(body.streamId);
    const mine = running && running.tenantId === auth.tenant.id && running.visitorId === auth.visitor.id;
    if (mine) running.controller.abort();
    return ok(c, { streamId: body.streamId, cancelled: Boolean(mine) });
  });

  // extensions.md §14: "Talk to a person".
  app.post('/handoff', async (c) => {
    const auth = c.get('visitorAuth');
    assertMode(auth);
    const body = await readJson<{ aiConversationId?: unknown; conversationId?: unknown }>(c, 'AnyObject');
    for (const key of ['aiConversationId', 'conversationId'] as const) {
      if (body[key] !== undefined && typeof body[key] !== 'string') invalid(key, 'must be a string');
    }
    if (body.aiConversationId === undefined && body.conversationId === undefined) invalid('conversationId', 'aiConversationId or conversationId is required');
    const ai = await findOwnAi(deps, auth, { aiConversationId: body.aiConversationId as string | undefined, conversationId: body.conversationId as string | undefined });
    const ctx: TurnContext = { deps, tenant: auth.tenant, visitor: auth.visitor, ai, present: presenter(deps, c).message };
    const conversationBefore = await findConversation(deps.db, { tenantId: auth.tenant.id, visitorId: auth.visitor.id }, ai.conversation_id);
    if (conversationBefore?.status === 'closed') throw new ApiError(409, 'CONVERSATION_CLOSED', 'This conversation is closed. Start a new conversation to talk to a person.');
    // A stream still answering stops first and stores what it showed, so the handoff note comes after it.
    await service.stopConversation(ai.conversation_id);
    await handOff(ctx, 'visitor_asked');
    const conversation = await findConversation(deps.db, { tenantId: auth.tenant.id, visitorId: auth.visitor.id }, ai.conversation_id);
    if (!conversation) throw conversationNotFound(ai.conversation_id);
    const data: AiConversation = { aiConversationId: ai.id, conversationId: ai.conversation_id, handedOff: true, conversation: toConversation(conversation) };
    return ok(c, data);
  });

  app.post('/knowledge/search', async (c) => {
    const auth = c.get('visitorAuth');
    assertKnowledge(auth, service);
    const body = await readJson<{ query: string; limit?: number }>(c, 'KnowledgeSearchRequest');
    const query = body.query.trim();
    if (query.length > MAX_SEARCH_LENGTH) invalid('query', `must be at most ${MAX_SEARCH_LENGTH} characters, got ${query.length}`);
    const limit = body.limit ?? 5;
    if (limit < 1 || limit > MAX_SEARCH_RESULTS) invalid('limit', `must be from 1 to ${MAX_SEARCH_RESULTS}, got ${limit}`);
    const results: KnowledgeSearchResult[] = [];
    for (const hit of service.index.search(query, { limit: 50 })) {
      if (results.length >= limit) break;
      if (results.some((r) => r.articleId === hit.article.id)) continue;
      results.push({
        articleId: hit.article.id,
        title: hit.article.title,
        category: hit.article.category,
        url: hit.article.url,
        snippet: snippetOf(hit.passage, query),
        ...(hit.passage.heading ? { heading: hit.passage.heading } : {}),
        score: Math.round(hit.coverage * 100) / 100,
      });
    }
    return ok(c, { results });
  });

  // extensions.md §14: open an article inside the panel.
  app.get('/knowledge/articles/:articleId', (c) => {
    assertKnowledge(c.get('visitorAuth'), service);
    const id = c.req.param('articleId');
    const article = service.index.article(id);
    if (!article) throw new ApiError(404, 'KNOWLEDGE_ARTICLE_NOT_FOUND', `No help article ${id}.`);
    const data: KnowledgeArticle = { articleId: article.id, title: article.title, category: article.category, url: article.url, body: article.body };
    return ok(c, { article: data });
  });

  return app;
}

function routingOf(auth: VisitorAuth, service: AiService): AiRouting {
  const mode = settingsOf(auth.tenant).aiRouting;
  return { mode, canUseAi: mode === 'ai_first' && service.ready, humanFallbackAvailable: true, engine: service.engine.kind };
}

/** Visitors talk to the AI only in `ai_first` (every call of theirs but `/routing` and the search). */
function assertMode(auth: VisitorAuth): void {
  const mode = settingsOf(auth.tenant).aiRouting;
  if (mode === 'human_only') {
    throw new ApiError(403, 'FEATURE_NOT_AVAILABLE', `${auth.tenant.name} answers chats in person only: start a conversation with /chat/visitor/conversations.`);
  }
  if (mode === 'ai_assisted') {
    throw new ApiError(403, 'FEATURE_NOT_AVAILABLE', `At ${auth.tenant.name} people answer chats (the AI only helps them): start a conversation with /chat/visitor/conversations.`);
  }
}

/** ...and only when it has a knowledge base to answer from. */
function assertVisitorAi(auth: VisitorAuth, service: AiService): void {
  assertMode(auth);
  if (!service.ready) throw new ApiError(503, 'AI_NOT_READY', 'The assistant has no help articles to answer from yet. Talk to a person instead.');
}

/** The help-centre search works in every mode but `human_only`. */
function assertKnowledge(auth: VisitorAuth, service: AiService): void {
  if (settingsOf(auth.tenant).aiRouting === 'human_only') {
    throw new ApiError(403, 'FEATURE_NOT_AVAILABLE', `${auth.tenant.name} answers chats in person only and has no help-centre search.`);
  }
  if (!service.ready) throw new ApiError(503, 'AI_NOT_READY', 'The help centre has no articles yet.');
}

function checkQuestion(message: string): string {
  const text = message.trim();
  if (text.length === 0) invalid('message', 'must not be empty');
  if (text.length > MAX_QUESTION_LENGTH) invalid('message', `must be at most ${MAX_QUESTION_LENGTH} characters, got ${text.length}`);
  return text;
}

function checkClientMessageId(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 100) invalid('metadata.clientMessageId', 'must be a string of 1 to 100 characters');
  return value;
}

function handedOff(ai: AiConversationRow): ApiError {
  return new ApiError(
    409,
    'CONVERSATION_HANDED_OFF',
    `A person has taken over this conversation: send messages with /chat/visitor/conversations/${ai.conversation_id}/messages.`,
  );
}

/** The AI conversation a question goes to: the one named, or the visitor's open one (opened if needed). */
async function targetConversation(deps: Deps, auth: VisitorAuth, body: AiChatRequest): Promise<AiConversationRow> {
  if (body.aiConversationId !== undefined || body.conversationId !== undefined) {
    const ai = await findOwnAi(deps, auth, body);
    if (body.aiConversationId !== undefined && body.conversationId !== undefined && ai.conversation_id !== body.conversationId) {
      invalid('conversationId', 'names another conversation than aiConversationId');
    }
    return ai;
  }
  const { row, created, conversation } = await deps.db.transaction(async (tx) => {
    const opened = await openConversation(tx, auth.tenant.id, auth.visitor.id, undefined);
    const ensured = await ensureAiConversation(tx, opened.conversation);
    return { ...ensured, conversation: opened.conversation };
  });
  // Told only once the transaction has committed.
  if (created) deps.hub.conversationUpdated(auth.tenant.id, toConversation(conversation));
  return row;
}

/** The visitor's earlier question with this `clientMessageId` in the conversation, if any. */
async function findQuestion(ctx: TurnContext, clientMessageId: string): Promise<MessageRow | undefined> {
  const rows = await ctx.deps.db.query<MessageRow>("SELECT * FROM messages WHERE conversation_id = $1 AND client_message_id = $2 AND sender_type = 'visitor'", [
    ctx.ai.conversation_id,
    clientMessageId,
  ]);
  return rows[0];
}

/** A JSON answer from the stored AI message: the same for a new question and a repeat. */
async function chatResult(ctx: TurnContext, questionId: string, row: MessageRow): Promise<AiChatResult> {
  const message = await ctx.present(row);
  const meta = row.metadata?.ai as AiMessageMetadata | undefined;
  const [ai] = await ctx.deps.db.query<AiConversationRow>('SELECT * FROM ai_conversations WHERE id = $1', [ctx.ai.id]);
  const recommended = meta?.handoffRecommended ?? false;
  return {
    aiConversationId: ctx.ai.id,
    conversationId: ctx.ai.conversation_id,
    message: message.body,
    handoffRecommended: recommended,
    metadata: {
      questionMessageId: questionId,
      messageId: message.messageId,
      seq: message.seq,
      citations: meta?.citations ?? [],
      confidence: meta?.confidence ?? 0,
      ...(meta?.handoffReason ? { handoffReason: meta.handoffReason } : {}),
      // The answer handed off when it recommended a person and the conversation is with one now.
      handedOff: recommended && ai?.status === 'handed_off',
      engine: meta?.engine ?? ctx.deps.ai.engine.kind,
    },
  };
}

/**
 * The visitor's AI conversation by id. A conversation of theirs that the AI has not answered yet
 * becomes one (so "ask the AI" works on a conversation opened through `/chat/visitor`); someone
 * else's or an unknown id is `CONVERSATION_NOT_FOUND`.
 */
async function findOwnAi(deps: Deps, auth: VisitorAuth, by: { aiConversationId?: string; conversationId?: string }): Promise<AiConversationRow> {
  const owner = { tenantId: auth.tenant.id, visitorId: auth.visitor.id };
  const found = await findAiConversation(deps.db, owner, by);
  if (found) return found;
  const id = by.aiConversationId ?? by.conversationId ?? '';
  if (by.aiConversationId !== undefined) throw conversationNotFound(id);
  const conversation = await findConversation(deps.db, owner, id);
  if (!conversation) throw conversationNotFound(id);
  return (await ensureAiConversation(deps.db, conversation)).row;
}
