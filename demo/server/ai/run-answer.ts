/**
 * Running an answer for a route: as JSON (an engine failure becomes an answer that hands over to
 * a person, never a 500) or streamed to the visitor's sockets as `ai.delta` / `ai.done` frames
 * (extensions.md §14), then stored and announced.
 */
import type { AiDoneFrame } from '../../../src/contract/extensions.ts';
import type { Deps } from '../http/context.ts';
import type { AiAnswer, AiQuestion } from './answer-types.ts';
import { FIXED_REPLIES } from './compose.ts';
import type { AiService } from './service.ts';
import { type TurnContext, announce, handOff, storeAnswer } from './turns.ts';

/** An engine failure becomes an answer that hands over to a person, never a hang or a 500. */
export async function safeAnswer(deps: Deps, run: () => Promise<AiAnswer>): Promise<AiAnswer> {
  try {
    return await run();
  } catch (error) {
    deps.log.error('the AI engine failed', error);
    return { text: FIXED_REPLIES.engineFailed, citations: [], confidence: 0, handoffRecommended: true, handoffReason: 'engine_failed', engine: 'embedded' };
  }
}

/**
 * Streams an answer to the visitor's sockets as `ai.delta` frames, then stores it and sends
 * `ai.done` (before `message.created`, so a client replaces its streaming bubble with the stored
 * message instead of showing both). A stopped stream keeps what was already shown.
 */
export async function streamAnswer(
  ctx: TurnContext,
  service: AiService,
  run: { streamId: string; controller: AbortController; input: AiQuestion; questionId: string },
): Promise<void> {
  const { deps, tenant, visitor, ai } = ctx;
  const ids = { conversationId: ai.conversation_id, aiConversationId: ai.id, streamId: run.streamId };
  let text = '';
  let index = 0;
  let answer: AiAnswer;
  try {
    const stream = service.engine.stream(run.input, run.controller.signal);
    for (;;) {
      const next = await stream.next();
      if (next.done) {
        answer = next.value;
        break;
      }
      text += next.value;
      deps.hub.toVisitor(tenant.id, visitor.id, { type: 'ai.delta', ...ids, index: index++, delta: next.value });
    }
  } catch (error) {
    deps.log.error('the AI engine failed while streaming', error);
    const tail = text === '' ? FIXED_REPLIES.engineFailed : '';
    if (tail) deps.hub.toVisitor(tenant.id, visitor.id, { type: 'ai.delta', ...ids, index: index++, delta: tail });
    answer = { text: text + tail, citations: [], confidence: 0, handoffRecommended: text === '', ...(text === '' ? { handoffReason: 'engine_failed' as const } : {}), engine: service.engine.kind };
  }
  const cancelled = run.controller.signal.aborted;
  try {
    // What the visitor saw is what is stored: the deltas, even if the engine's final text differs.
    const final: AiAnswer = cancelled ? { ...answer, text, handoffRecommended: false } : { ...answer, text };
    if (final.text.trim() === '') {
      const done: AiDoneFrame = { type: 'ai.done', ...ids, handoffRecommended: false, handedOff: false, cancelled };
      deps.hub.toVisitor(tenant.id, visitor.id, done);
      return;
    }
    const stored = await storeAnswer(ctx, final, run.questionId, { cancelled });
    const message = await ctx.present(stored.message);
    const handoff = final.handoffRecommended && !cancelled;
    const done: AiDoneFrame = { type: 'ai.done', ...ids, message, handoffRecommended: handoff, handedOff: handoff, cancelled };
    deps.hub.toVisitor(tenant.id, visitor.id, done);
    await announce(ctx, stored.message, stored.conversation);
    if (handoff) await handOff(ctx, final.handoffReason ?? 'low_confidence');
  } catch (error) {
    // The conversation was closed meanwhile, or the server is stopping: the visitor's client
    // still gets an end to the stream.
    deps.log.error('storing a streamed AI answer failed', error);
    deps.hub.toVisitor(tenant.id, visitor.id, { type: 'ai.done', ...ids, handoffRecommended: false, handedOff: false, cancelled });
  }
}
