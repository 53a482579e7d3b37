/**
 * The AI's help in the console (extensions.md §14a): a suggested reply for the conversation on
 * screen, asked for when it opens and again when a new visitor message arrives (debounced, so a
 * visitor typing three short lines costs one request), and which conversations the AI handed to
 * the team, for a badge in the list. It only reads the desk's signals: the desk does not know it
 * exists, and a tenant in `human_only` never sees it.
 */
import { computed, effect, signal, type ReadonlySignal } from '@preact/signals';
import type { AgentAiRouting, AiHandoffReason, AiReplySuggestion, Message } from '../../src/contract/extensions.ts';
import { isRuntimeError } from '../../src/errors.ts';
import type { AgentApi } from './api.ts';
import type { Desk } from './desk.ts';

/** What the suggestion box shows for the conversation on screen. */
export type SuggestionState =
  /** No visitor message waits for a reply (or suggestions are off): nothing to show. */
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ready'; suggestion: AiReplySuggestion }
  /** The knowledge base does not answer the visitor's question. */
  | { kind: 'none' }
  | { kind: 'error'; message: string };

/** Why the AI handed a conversation over (`agent_joined`: an agent stepped in while it answered). */
export type HandoffReason = AiHandoffReason | 'agent_joined';

export interface Assistant {
  /** The tenant's AI mode as the server told it; `null` until known. */
  readonly routing: ReadonlySignal<AgentAiRouting | null>;
  /** Whether the console shows suggestions (`ai_assisted` or `ai_first`, engine ready). */
  readonly enabled: ReadonlySignal<boolean>;
  readonly suggestion: ReadonlySignal<SuggestionState>;
  /** Conversations the AI handed to the team, with the reason. */
  readonly handedOff: ReadonlySignal<ReadonlyMap<string, HandoffReason>>;
  /** Asks again for the conversation on screen (after an error). */
  retry(): void;
  destroy(): void;
}

export interface AssistantOptions {
  /** Wait after the last change before asking for a suggestion, in ms. @default 400 */
  debounceMs?: number;
}

/** Most ids one state query names (the server's limit). */
const STATE_BATCH = 100;
/** Wait before asking which conversations were handed off, so a burst of frames is one request. */
const STATE_DEBOUNCE_MS = 300;

/** Messages a suggestion answers or that answer the visitor: text from the visitor, an agent or the AI. */
const isTurn = (m: Message) =>
  !m.deletedAt && (m.senderType === 'visitor' || m.senderType === 'agent' || m.senderType === 'ai') && (m.messageType ?? 'text') === 'text';

export function createAssistant(api: AgentApi, desk: Desk, options: AssistantOptions = {}): Assistant {
  const debounceMs = options.debounceMs ?? 400;
  const routing = signal<AgentAiRouting | null>(null);
  const suggestion = signal<SuggestionState>({ kind: 'idle' });
  const handedOff = signal<ReadonlyMap<string, HandoffReason>>(new Map());
  const enabled = computed(() => routing.value?.suggestions === true);

  // `conversationId messageId` of the newest visitor message waiting for a reply on screen, or ''.
  const waiting = computed(() => {
    const conversation = desk.selected.value;
    if (!conversation || conversation.status === 'closed') return '';
    const last = desk.messages.value.findLast(isTurn);
    return last?.senderType === 'visitor' ? `${conversation.conversationId} ${last.messageId}` : '';
  });

  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: AbortController | undefined;

  function ask(key: string) {
    const conversationId = key.split(' ')[0] ?? '';
    inFlight?.abort();
    const controller = (inFlight = new AbortController());
    api.suggestion(conversationId, controller.signal).then(
      (result) => {
        // A newer visitor message (or another conversation) made this answer stale.
        if (controller.signal.aborted || waiting.peek() !== key) return;
        suggestion.value = result.suggestion ? { kind: 'ready', suggestion: result.suggestion } : result.reason === 'no_match' ? { kind: 'none' } : { kind: 'idle' };
      },
      (error: unknown) => {
        if (controller.signal.aborted || waiting.peek() !== key) return;
        suggestion.value = { kind: 'error', message: describe(error) };
      },
    );
  }

  const stops: (() => void)[] = [
    // The mode is read once per connection: a failed read is tried again after a reconnect.
    effect(() => {
      if (desk.status.value !== 'connected' || routing.peek()) return;
      api.aiRouting().then(
        (r) => (routing.value = r),
        () => undefined,
      );
    }),
    effect(() => {
      const key = waiting.value;
      const on = enabled.value;
      clearTimeout(timer);
      inFlight?.abort();
      if (!on || !key) {
        suggestion.value = { kind: 'idle' };
        return;
      }
      suggestion.value = { kind: 'loading' };
      timer = setTimeout(() => ask(key), debounceMs);
    }),
  ];

  // Handoff badges: ask about conversations whose last message changed since we last asked (a
  // handoff adds a system message, so it always moves `lastSeq`).
  const askedAt = new Map<string, number>();
  let stateTimer: ReturnType<typeof setTimeout> | undefined;
  stops.push(
    effect(() => {
      const mode = routing.value?.mode;
      const list = desk.conversations.value;
      if (!mode || mode === 'human_only') return;
      const due = list.filter((c) => !handedOff.peek().has(c.conversationId) && askedAt.get(c.conversationId) !== (c.lastSeq ?? 0));
      if (due.length === 0) return;
      clearTimeout(stateTimer);
      stateTimer = setTimeout(() => void refreshStates(), STATE_DEBOUNCE_MS);
    }),
  );

  async function refreshStates() {
    const due = desk.conversations.peek().filter((c) => !handedOff.peek().has(c.conversationId) && askedAt.get(c.conversationId) !== (c.lastSeq ?? 0));
    for (let i = 0; i < due.length; i += STATE_BATCH) {
      const batch = due.slice(i, i + STATE_BATCH);
      for (const c of batch) askedAt.set(c.conversationId, c.lastSeq ?? 0);
      try {
        const states = await api.aiStates(batch.map((c) => c.conversationId));
        const handed = states.filter((s) => s.status === 'handed_off');
        if (handed.length === 0) continue;
        const next = new Map(handedOff.peek());
        for (const s of handed) next.set(s.conversationId, s.handoffReason ?? 'visitor_asked');
        handedOff.value = next;
      } catch {
        // Ask again with the next change: a badge is a hint, not worth an error banner.
        for (const c of batch) askedAt.delete(c.conversationId);
      }
    }
  }

  return {
    routing,
    enabled,
    suggestion,
    handedOff,
    retry() {
      const key = waiting.peek();
      if (!key || !enabled.peek()) return;
      suggestion.value = { kind: 'loading' };
      ask(key);
    },
    destroy() {
      clearTimeout(timer);
      clearTimeout(stateTimer);
      inFlight?.abort();
      for (const stop of stops) stop();
    },
  };
}

function describe(error: unknown): string {
  if (isRuntimeError(error) && error.code === 'RATE_LIMITED') {
    const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000));
    return `Too many suggestions asked for: try again in ${seconds} s.`;
  }
  return `No suggestion: ${error instanceof Error ? error.message : String(error)}`;
}
