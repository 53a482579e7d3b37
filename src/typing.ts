/**
 * Typing indicators (extensions.md §6), both ways over the socket. Outgoing: at most one
 * `typing: true` per 2 s while the visitor types (each refreshes the server's timeout), a
 * `typing: false` after 5 s without input or when they stop; a sent message ends it too (the
 * server tells the agent, so no frame). Incoming: the agent's indicator, dropped after a while
 * without a refresh in case its stop frame was lost with the connection.
 */
import { signal, type ReadonlySignal } from '@preact/signals-core';
import type { ServerFrame } from './contract/extensions.ts';
import type { TypingState } from './types.ts';

export interface Typing {
  /** The other side's indicator. */
  readonly typing: ReadonlySignal<TypingState | null>;
  /** The visitor typed (`true`) or stopped (`false`). */
  set(active: boolean): void;
  /** A typing frame from the other side. */
  receive(frame: Extract<ServerFrame, { type: 'typing' }>): void;
  /** The visitor sent a message: their indicator ends (the server tells the agent, so no frame). */
  sent(): void;
  /** Another conversation is shown: both indicators end. */
  reset(): void;
}

export const TYPING_THROTTLE_MS = 2_000;
export const TYPING_IDLE_MS = 5_000;
// Longer than the sender's refresh interval and the server's own timeout.
const SHOWN_MS = 8_000;

/** @param send sends a typing frame for the current conversation (nothing when there is none) */
export function createTyping(send: (typing: boolean) => void): Typing {
  const typing = signal<TypingState | null>(null);
  let active = false;
  let last = 0;
  let idle: ReturnType<typeof setTimeout> | undefined;
  let shown: ReturnType<typeof setTimeout> | undefined;

  const stop = (frame: boolean) => {
    clearTimeout(idle);
    if (active && frame) send(false);
    active = false;
  };

  return {
    typing,
    set(on) {
      if (!on) return stop(true);
      const now = Date.now();
      if (!active || now - last >= TYPING_THROTTLE_MS) {
        send(true);
        last = now;
      }
      active = true;
      clearTimeout(idle);
      idle = setTimeout(() => stop(true), TYPING_IDLE_MS);
    },
    receive(frame) {
      clearTimeout(shown);
      typing.value = frame.typing ? { name: frame.name } : null;
      if (frame.typing) shown = setTimeout(() => (typing.value = null), SHOWN_MS);
    },
    sent: () => stop(false),
    reset() {
      stop(false);
      clearTimeout(shown);
      typing.value = null;
    },
  };
}
