/**
 * The AI of one server: the knowledge index, the engine that answers (the embedded one, or a
 * provider when `AI_BASE_URL` is set) and the streams in flight, so a visitor can stop one.
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
  /** The visitor message being answered (a repeated request joins this stream). */
  questionId: string;
  controller: AbortController;
}

export interface AiService {
  readonly index: KnowledgeIndex;
  readonly engine: AiEngine;
  /** False when there is nothing to answer from (no articles): routes answer `AI_NOT_READY`. */
  readonly ready: boolean;
  /** Streams in flight by `streamId`. */
  readonly streams: Map<string, RunningStream>;
}

export interface AiServiceOptions {
  /** @default aiConfigFromEnv() */
  config?: AiConfig;
  /** @default loadArticles() (demo/knowledge) */
  articles?: Article[];
  /** Told about failures the AI recovers from (a broken article folder, a failing provider). */
  log?: (message: string, error?: unknown) => void;
}

export function createAiService(options: AiServiceOptions = {}): AiService {
  const config = options.config ?? aiConfigFromEnv();
  let articles: Article[] = [];
  try {
    articles = options.articles ?? loadArticles();
  } catch (error) {
    // A broken article folder makes the AI "not ready"; it does not stop the chat server.
    options.log?.('loading the knowledge base failed', error);
  }
  const index = createKnowledgeIndex(articles);
  const embedded = createEmbeddedEngine(index, { pieceDelayMs: config.pieceDelayMs });
  const engine = config.provider ? createProviderEngine(config.provider, index, embedded, options.log) : embedded;
  return { index, engine, ready: articles.length > 0, streams: new Map() };
}
