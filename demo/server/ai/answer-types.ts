/** What an AI engine answers: the text, where it comes from, and whether a person should take over. */

/** A knowledge article an answer used (shown to the visitor as a source link). */
export interface Citation {
  articleId: string;
  title: string;
  /** Where the article is published on the tenant's site, e.g. `/help/refunds`. */
  url: string;
  /** The section the quoted text came from, when not the introduction. */
  heading?: string;
}

/** Why an answer recommends a person. */
export type HandoffReason = 'visitor_asked' | 'low_confidence' | 'engine_failed';
/** Why a conversation is handed off: an answer's reason, or an agent who joined while the AI answered (§14a). */
export type HandoffRowReason = HandoffReason | 'agent_joined';

export interface AiAnswer {
  text: string;
  citations: Citation[];
  /** 0–1: how well the best passage matched the question (1 for a decision such as "asked for a person"). */
  confidence: number;
  handoffRecommended: boolean;
  handoffReason?: HandoffReason;
  /** Which engine answered (`embedded`, or the provider's model name). */
  engine: string;
  /**
   * Set when the text is not the whole answer: `stopped` (the stream was aborted: the visitor's
   * stop button, a person taking over, shutdown) or `cut_off` (the provider failed half way; the
   * text then ends with a fixed "I was cut off" and recommends a person).
   */
  incomplete?: 'stopped' | 'cut_off';
}

/** One earlier turn of the conversation, oldest first. */
export interface HistoryTurn {
  role: 'visitor' | 'ai' | 'agent';
  text: string;
}

export interface AiQuestion {
  question: string;
  /** Earlier turns, oldest first (the engine reads at most the last few). */
  history: readonly HistoryTurn[];
}

/**
 * An answer engine. `stream` yields the answer's text in pieces and returns the whole answer;
 * the pieces joined equal `AiAnswer.text`. Aborting `signal` ends it early (the return value then
 * holds only what was yielded).
 */
export interface AiEngine {
  /** `embedded`, or `provider` for a model behind an OpenAI-compatible API. */
  readonly kind: 'embedded' | 'provider';
  stream(input: AiQuestion, signal?: AbortSignal): AsyncGenerator<string, AiAnswer, void>;
  /** The whole answer at once (the JSON path); no pauses between pieces. */
  answer(input: AiQuestion, signal?: AbortSignal): Promise<AiAnswer>;
}
