/**
 * Typing indicators (extensions.md §6): relayed to the other party of the conversation only,
 * throttled (at most one relayed `typing: true` per sender and conversation per `throttleMs`)
 * and cleared with a `typing: false` when no refresh came within `timeoutMs`, when the sender
 * stops, sends a message or disconnects.
 */
import type { ServerFrame } from '../../../src/contract/extensions.ts';

export interface TypingSender {
  role: 'visitor' | 'agent';
  tenantId: string;
  /** Visitor id or agent id. */
  subject: string;
  name?: string;
}

export interface TypingTarget {
  conversationId: string;
  /** The conversation's visitor (who gets an agent's typing). */
  visitorId: string;
}

export type TypingFrame = Extract<ServerFrame, { type: 'typing' }>;

export interface TypingRelay {
  /**
   * A typing frame from `sender` (already checked to be a party of the conversation), arriving
   * on the socket `source` (any object identifying it; the latest frame's socket owns the indicator).
   */
  update(sender: TypingSender, target: TypingTarget, typing: boolean, source?: object): void;
  /** The sender sent a message: its indicator in that conversation ends now. */
  messageSent(role: 'visitor' | 'agent', subject: string, conversationId: string): void;
  /**
   * The socket `source` closed: the indicators it last refreshed end now. Those the same person
   * keeps alive from another socket (an agent with two tabs) stay.
   */
  disconnected(source: object): void;
  /** Stops every timer (server shutdown). */
  dispose(): void;
}

export interface TypingOptions {
  throttleMs: number;
  timeoutMs: number;
  /** Delivers a frame to the other party: agents of the tenant, or the conversation's visitor. */
  deliver(to: { role: 'visitor' | 'agent'; tenantId: string; visitorId: string }, frame: TypingFrame): void;
  /** @default Date.now */
  now?: () => number;
}

interface Active {
  sender: TypingSender;
  target: TypingTarget;
  source: object | undefined;
  lastRelayedAt: number;
  timer: ReturnType<typeof setTimeout>;
}

export function createTypingRelay(options: TypingOptions): TypingRelay {
  const now = options.now ?? (() => Date.now());
  const active = new Map<string, Active>();
  const keyOf = (role: string, subject: string, conversationId: string) => `${role}\n${subject}\n${conversationId}`;

  function relay(sender: TypingSender, target: TypingTarget, typing: boolean): void {
    const frame: TypingFrame = {
      type: 'typing',
      conversationId: target.conversationId,
      by: sender.role,
      ...(sender.name ? { name: sender.name } : {}),
      typing,
    };
    options.deliver({ role: sender.role === 'visitor' ? 'agent' : 'visitor', tenantId: sender.tenantId, visitorId: target.visitorId }, frame);
  }

  function stop(key: string): void {
    const entry = active.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    active.delete(key);
    relay(entry.sender, entry.target, false);
  }

  return {
    update(sender, target, typing, source) {
      const key = keyOf(sender.role, sender.subject, target.conversationId);
      if (!typing) {
        stop(key);
        return;
      }
      const entry = active.get(key);
      const at = now();
      if (entry) clearTimeout(entry.timer);
      // A refresh inside the throttle window only keeps the indicator alive.
      const relayNow = !entry || at - entry.lastRelayedAt >= options.throttleMs;
      const timer = setTimeout(() => stop(key), options.timeoutMs);
      active.set(key, { sender, target, source, lastRelayedAt: relayNow ? at : (entry?.lastRelayedAt ?? at), timer });
      if (relayNow) relay(sender, target, true);
    },
    messageSent(role, subject, conversationId) {
      stop(keyOf(role, subject, conversationId));
    },
    disconnected(source) {
      for (const [key, entry] of [...active]) if (entry.source === source) stop(key);
    },
    dispose() {
      for (const entry of active.values()) clearTimeout(entry.timer);
      active.clear();
    },
  };
}
