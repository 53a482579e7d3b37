/**
 * Public types of the AI chat (extensions.md §14): what `runtime.ai()` resolves with. The client
 * itself is a chunk loaded on first use, so these live apart from it.
 */
import type { ReadonlySignal } from '@preact/signals-core';
import type { AiCitation, AiHandoffReason, AiRouting, KnowledgeArticle, KnowledgeSearchResult } from '../contract/extensions.ts';

/** The AI answer streaming now (or the last one, with `done`), as its `ai.delta` frames arrive. */
export interface AiStreamingAnswer {
  /** The id the server gave the stream (`POST /ai/visitor/chat` with `stream: true`). */
  readonly streamId: string;
  /** The pieces received so far, joined in order. */
  readonly text: string;
  /**
   * The stream ended: the stored answer is now in `runtime.conversation.messages` (a message
   * with `senderType: 'ai'`), so stop showing this one.
   */
  readonly done: boolean;
  /** The stream was stopped (`stop()`, "Talk to a person", an agent joining): `text` is what was shown. */
  readonly cancelled: boolean;
}

/** What {@link AiChat.ask} resolves with once the answer is complete. */
export interface AiAnswer {
  /** The answer's text (for a stopped stream: what had been shown). */
  readonly text: string;
  /** The stored AI message's id; absent when nothing was said (stopped before the first piece). */
  readonly messageId?: string;
  /** The knowledge articles it quotes (links to show as sources). */
  readonly citations: readonly AiCitation[];
  /** The AI recommends a person (see `handoffReason`). */
  readonly handoffRecommended: boolean;
  readonly handoffReason?: AiHandoffReason;
  /** The conversation moved to a person with this answer: write with `conversation.send` from now on. */
  readonly handedOff: boolean;
  /** The answer was stopped before its end. */
  readonly cancelled: boolean;
}

/**
 * The visitor's AI chat (tenant routing `ai_first`). Questions and answers are ordinary
 * messages of the visitor's conversation: they show in `runtime.conversation.messages` (answers
 * with `senderType: 'ai'` and `metadata.ai` citations), and the agent sees the same transcript
 * after a handoff.
 * @example
 * const ai = await runtime.ai();
 * if (ai.routing.value?.canUseAi) {
 *   ai.answer.subscribe((a) => a && !a.done && draw(a.text));
 *   const answer = await ai.ask('How long does delivery take?');
 *   if (answer.handedOff) showHumanChat();
 * }
 */
export interface AiChat {
  /** The tenant's routing (`mode`, `canUseAi`, `humanFallbackAvailable`), read once when the client loaded (`runtime.ai()` rejects when it cannot be read). */
  readonly routing: ReadonlySignal<AiRouting | null>;
  /** The answer streaming now (then the last one, `done`), `null` before the first streamed answer. */
  readonly answer: ReadonlySignal<AiStreamingAnswer | null>;
  /**
   * The shown conversation is with a person now (handed off, or an agent wrote in it): send with
   * `runtime.conversation.send`; `ask` would reject with `CONVERSATION_HANDED_OFF`.
   */
  readonly handedOff: ReadonlySignal<boolean>;
  /**
   * Asks the AI in the visitor's open conversation (opening it when there is none, and showing
   * it in `runtime.conversation`). Streams through the realtime socket when it is connected
   * (follow `answer`), else waits for the whole JSON answer. Resolves when the answer is
   * complete. Each question carries a `clientMessageId`, so the retry after a lost answer is
   * not asked twice. Rejects with a `RuntimeError`: `RATE_LIMITED` (`retryAfterMs`),
   * `AI_NOT_READY` (no knowledge yet), `FEATURE_NOT_AVAILABLE` (the tenant does not use the AI
   * for visitors), `CONVERSATION_HANDED_OFF` (a person has taken over), `VALIDATION_FAILED`
   * (empty, or over 2000 characters).
   */
  ask(question: string): Promise<AiAnswer>;
  /** Stops the answer streaming now (what was shown is kept, and it does not hand off). No-op when none streams. */
  stop(): Promise<void>;
  /** "Talk to a person": stops a running answer and hands the conversation to the team; the transcript stays. */
  handoff(): Promise<void>;
  /**
   * Searches the tenant's help articles (the last word may be unfinished, words may have typos).
   * @param limit 1–20; @default 5
   */
  search(query: string, limit?: number): Promise<KnowledgeSearchResult[]>;
  /** Reads one help article; its `body` is Markdown to render as text, never as HTML. Rejects with `KNOWLEDGE_ARTICLE_NOT_FOUND`. */
  article(articleId: string): Promise<KnowledgeArticle>;
}
