/**
 * AI settings from the environment (read when the routes are built, so a test can set them
 * before starting an in-process server):
 * - `AI_STREAM_PIECE_DELAY_MS`: pause between the embedded engine's streamed pieces (default 20).
 * - `AI_BASE_URL`, `AI_API_KEY`, `AI_MODEL`, `AI_TIMEOUT_MS`: an OpenAI-compatible provider.
 */

export interface AiConfig {
  /** @default 20 */
  pieceDelayMs: number;
  provider?: {
    /** e.g. `https://api.openai.com/v1` (`/chat/completions` is appended). */
    baseUrl: string;
    apiKey?: string;
    /** @default 'gpt-4o-mini' */
    model: string;
    /** A provider that has not sent its first piece within this time is abandoned. @default 8000 */
    timeoutMs: number;
  };
}

export function aiConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AiConfig {
  const pieceDelayMs = readInt(env, 'AI_STREAM_PIECE_DELAY_MS', 20, 0, 5000);
  const baseUrl = env.AI_BASE_URL?.trim();
  if (!baseUrl) return { pieceDelayMs };
  try {
    new URL(baseUrl);
  } catch {
    throw new Error(`AI_BASE_URL must be a URL, got "${baseUrl}"`);
  }
  return {
    pieceDelayMs,
    provider: {
      baseUrl: baseUrl.replace(/\/+$/, ''),
      ...(env.AI_API_KEY ? { apiKey: env.AI_API_KEY } : {}),
      model: env.AI_MODEL?.trim() || 'gpt-4o-mini',
      timeoutMs: readInt(env, 'AI_TIMEOUT_MS', 8000, 100, 120_000),
    },
  };
}

function readInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return n;
}
