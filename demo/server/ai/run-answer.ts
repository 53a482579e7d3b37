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
    return engineFailed('embedded');
  }
}

const engineFailed = (engine: string): AiAnswer => ({ text: FIXED_REPLIES.engineFailed, citations: [], confidence: 0, handoffRecommended: true, handoffReason: 'engine_failed', engine });

/**
 * Streams an answer to the visitor's sockets as `ai.delta` frames, then stores it and sends
 * `ai.done` (before `message.created`, so a client replaces its streaming bubble with the stored
 * message instead of showing both). A stopped stream keeps what was already shown, marked
 * cancelled; so does one a person took over meanwhile (storeAnswer re-checks that in its
 * transaction). Never rejects: the visitor's client always gets its `ai.done`.
 */
export async function streamAnswer(
  ctx: TurnContext,
  service: AiService,
  run: { streamId: string; controller: AbortController; input: AiQuestion; questionId: string },
): Promise<void> {
  const { deps, tenant, visitor, ai } = ctx;
  const ids = { conversationId: ai.conversation_id, aiConversationId: ai.id, streamId: run.streamId };
  const send = (frame: Parameters<Deps['hub']['toVisitor']>[2]) => deps.hub.toVisitor(tenant.id, visitor.id, frame);
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
      send({ type: 'ai.delta', ...ids, index: index++, delta: next.value });
    }
  } catch (error) {
    deps.log.error('the AI engine failed while streaming', error);
    if (run.controller.signal.aborted) {
      answer = { ...engineFailed(service.engine.kind), text, handoffRecommended: false, incomplete: 'stopped' };
    } else {
      // Nothing shown yet: say so. Half an answer: end it with "I was cut off". Either way a person takes over.
      const tail = text === '' ? FIXED_REPLIES.engineFailed : `\n\n${FIXED_REPLIES.cutOff}`;
      send({ type: 'ai.delta', ...ids, index: index++, delta: tail });
      answer = { ...engineFailed(service.engine.kind), text: text + tail, ...(text === '' ? {} : { incomplete: 'cut_off' as const }) };
    }
  }
  // A fixed reply is one piece (it cannot be cut): stopped after it, the answer is still whole.
  const cancelled = answer.incomplete === 'stopped';
  const ended = (frame: Omit<AiDoneFrame, 'type' | 'conversationId' | 'aiConversationId' | 'streamId'>) => send({ type: 'ai.done', ...ids, ...frame });
  try {
    // What the visitor saw is what is stored: the deltas, even if the engine's final text differs.
    const final: AiAnswer = cancelled ? { ...answer, text, handoffRecommended: false } : { ...answer, text };
    if (final.text.trim() === '') {
      ended({ handoffRecommended: false, handedOff: false, cancelled });
      return;
    }
    const stored = await storeAnswer(ctx, final, run.questionId, { cancelled, shown: true });
    if (!stored) throw new Error('a shown answer was not stored');
    const message = await ctx.present(stored.message);
    const handoff = final.handoffRecommended && !cancelled && !stored.takenOver;
    ended({ message, handoffRecommended: handoff, handedOff: handoff, cancelled: cancelled || stored.takenOver });
    await announce(ctx, stored.message, stored.conversation);
    if (handoff) await handOff(ctx, final.handoffReason ?? 'low_confidence');
  } catch (error) {
    // The conversation was closed meanwhile: the visitor's client still gets an end to the stream.
    deps.log.error('storing a streamed AI answer failed', error);
    ended({ handoffRecommended: false, handedOff: false, cancelled });
  }
}
