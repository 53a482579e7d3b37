/**
 * The AI of one server (created once by `createServer`, reached as `deps.ai`): the knowledge
 * index, the engine that answers (the embedded one, or a provider when `AI_BASE_URL` is set) and
 * the streams in flight, so a visitor can stop one, a person taking over stops those of their
 * conversation, and shutdown stops and awaits them all before the database closes.
 */
import type { AiEngine } from './answer-types.ts';
import { type Article, loadArticles } from './articles.ts';
import { type AiConfig, aiConfigFromEnv } from './config.ts';
import { createEmbeddedEngine } from './embedded-engine.ts';
import { createProviderEngine } from './provider-engine.ts';
import { type KnowledgeIndex, createKnowledgeIndex } from './knowledge-index.ts';

export interface RunningStream {
  tenantId: string;
  visitorId: string;
  conversationId: string;
  /** The visitor message being answered (a repeated request joins this stream). */
  questionId: string;
  controller: AbortController;
  /** Settles once the stream has ended and what it said is stored (or could not be). */
  done: Promise<void>;
}

export interface AiService {
  readonly index: KnowledgeIndex;
  readonly engine: AiEngine;
  /**
   * False when there is nothing to answer from (no article parsed): routes answer `AI_NOT_READY`
   * and bootstrap's `ai_chat` says `ai_not_ready`. The one source of readiness.
   */
  readonly ready: boolean;
  /** Streams in flight by `streamId` (read-only for routes: {@link AiService.track} adds them). */
  readonly streams: ReadonlyMap<string, RunningStream>;
  /** Registers a stream until `run` settles; `run` gets the controller that stops it. */
  track(streamId: string, stream: Omit<RunningStream, 'controller' | 'done'>, run: (controller: AbortController) => Promise<void>): RunningStream;
  /**
   * Stops every stream of a conversation (a person took over) and resolves once each has stored
   * what it showed, marked cancelled. Call it before storing the handoff or the agent's message,
   * so the transcript reads in the order the visitor saw it.
   */
  stopConversation(conversationId: string): Promise<void>;
  /**
   * Stops every stream and waits for them to store what they showed; streams started later end
   * at once. Safe to call again (shutdown calls it early, and again right before the database closes).
   */
  close(): Promise<void>;
}

export interface AiServiceOptions {
  /** @default aiConfigFromEnv() */
  config?: AiConfig;
  /** @default the articles of `knowledgeDir` */
  articles?: Article[];
  /** Where the articles are read from. @default demo/knowledge */
  knowledgeDir?: string;
  /** Told about failures the AI recovers from (a broken article, a failing provider). */
  log?: (message: string, error?: unknown) => void;
}

export function createAiService(options: AiServiceOptions = {}): AiService {
  const config = options.config ?? aiConfigFromEnv();
  const articles = options.articles ?? loadArticles(options.knowledgeDir, options.log);
  const index = createKnowledgeIndex(articles);
  const embedded = createEmbeddedEngine(index, { pieceDelayMs: config.pieceDelayMs });
  const engine = config.provider ? createProviderEngine(config.provider, index, embedded, options.log) : embedded;
  const streams = new Map<string, RunningStream>();
  let closed = false;
  const stopAll = async (which: RunningStream[]) => {
    for (const s of which) s.controller.abort();
    await Promise.all(which.map((s) => s.done));
  };
  return {
    index,
    engine,
    ready: articles.length > 0,
    streams,
    track(streamId, stream, run) {
      const controller = new AbortController();
      // After close() a stream ends at once (it stores nothing: nothing was shown).
      if (closed) controller.abort();
      const entry: RunningStream = { ...stream, controller, done: Promise.resolve() };
      streams.set(streamId, entry);
      // run() never rejects in practice (it logs its own failures); the catch keeps a bug from
      // becoming an unhandled rejection that takes the server down.
      entry.done = run(controller)
        .catch((error: unknown) => options.log?.('an AI stream failed', error))
        .finally(() => streams.delete(streamId));
      return entry;
    },
    stopConversation: (conversationId) => stopAll([...streams.values()].filter((s) => s.conversationId === conversationId)),
    close() {
      closed = true;
      return stopAll([...streams.values()]);
    },
  };
}
