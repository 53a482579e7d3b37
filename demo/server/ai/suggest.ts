/**
 * `ai_assisted`: a reply an agent can insert, edit and send, grounded in the knowledge base.
 * The question is the visitor's latest messages since the agent (or the AI) last spoke; the
 * suggestion is the embedded engine's extractive answer, or nothing when the knowledge base does
 * not answer it (an agent is better served by no suggestion than by a wrong one).
 */
import type { Citation, HistoryTurn } from './answer-types.ts';
import { composeAnswer } from './compose.ts';
import type { KnowledgeIndex } from './knowledge-index.ts';

export interface ReplySuggestion {
  text: string;
  citations: Citation[];
  confidence: number;
  /** The visitor text the suggestion answers. */
  question: string;
}

/** A suggested reply to the visitor's latest messages, or `undefined` when there is none. */
export function suggestReply(index: KnowledgeIndex, transcript: readonly HistoryTurn[]): ReplySuggestion | undefined {
  const pending: string[] = [];
  for (let i = transcript.length - 1; i >= 0; i--) {
    const turn = transcript[i];
    if (!turn || turn.role !== 'visitor') break;
    pending.unshift(turn.text);
  }
  if (pending.length === 0) return undefined;
  const question = pending.join(' ').slice(-1000);
  const answer = composeAnswer(index, { question, history: transcript.slice(0, transcript.length - pending.length) });
  if (answer.handoffRecommended || answer.citations.length === 0) return undefined;
  return { text: answer.text, citations: answer.citations, confidence: answer.confidence, question };
}
