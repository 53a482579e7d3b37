/**
 * The embedded default engine: no model and no network. It composes an extractive answer from
 * the knowledge base (compose.ts) and streams it a few words at a time, with a short pause
 * between pieces so a widget shows it arriving the way a model's answer would.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AiAnswer, AiEngine, AiQuestion } from './answer-types.ts';
import { textPieces } from './chunks.ts';
import { composeAnswer } from './compose.ts';
import type { KnowledgeIndex } from './knowledge-index.ts';

export interface EmbeddedEngineOptions {
  /** Pause between streamed pieces, in ms (0: as fast as the socket takes them). @default 20 */
  pieceDelayMs?: number;
}

export function createEmbeddedEngine(index: KnowledgeIndex, options: EmbeddedEngineOptions = {}): AiEngine {
  const delay = options.pieceDelayMs ?? 20;
  return {
    kind: 'embedded',
    answer: async (input) => composeAnswer(index, input),
    async *stream(input: AiQuestion, signal?: AbortSignal): AsyncGenerator<string, AiAnswer, void> {
      const answer = composeAnswer(index, input);
      const stopped = (sent: string): AiAnswer => ({ ...answer, text: sent, incomplete: 'stopped' });
      // A fixed reply ("passing you to a person") is one piece: cut, it would promise a handoff that never happens.
      const pieces = answer.citations.length === 0 ? [answer.text] : textPieces(answer.text);
      let sent = '';
      for (const [i, piece] of pieces.entries()) {
        if (signal?.aborted) return stopped(sent);
        if (i > 0 && delay > 0) {
          try {
            await sleep(delay, undefined, signal ? { signal } : {});
          } catch {
            return stopped(sent);
          }
        }
        sent += piece;
        yield piece;
      }
      return answer;
    },
  };
}
