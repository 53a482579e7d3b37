/**
 * The agent's side of typing indicators (extensions.md §6): at most one `typing: true` frame per
 * {@link THROTTLE_MS} while keys are pressed, a `typing: false` after {@link IDLE_MS} without
 * input, on send, and when the agent switches conversation.
 */
export const THROTTLE_MS = 2_000;
export const IDLE_MS = 5_000;

export interface TypingSender {
  /** The agent typed in the reply box of `conversationId`. */
  input(conversationId: string): void;
  /** The agent stopped (sent, cleared the box, left the conversation). */
  stop(): void;
}

export function createTypingSender(send: (conversationId: string, typing: boolean) => void): TypingSender {
  let current: string | null = null;
  let lastTrueAt = 0;
  let idle: ReturnType<typeof setTimeout> | undefined;

  const stop = () => {
    clearTimeout(idle);
    if (current) send(current, false);
    current = null;
    lastTrueAt = 0;
  };

  return {
    input(conversationId) {
      if (current && current !== conversationId) stop();
      const now = Date.now();
      if (current !== conversationId || now - lastTrueAt >= THROTTLE_MS) {
        current = conversationId;
        lastTrueAt = now;
        send(conversationId, true);
      }
      clearTimeout(idle);
      idle = setTimeout(stop, IDLE_MS);
    },
    stop,
  };
}
