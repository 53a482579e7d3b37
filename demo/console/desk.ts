/**
 * The console's live state for one signed-in agent: the open conversations (kept current by
 * `conversation.updated` / `message.created` frames), unread counts, and the messages of the
 * conversation on screen. After every (re)connect it reloads the list and reads what the open
 * conversation missed with `after = highest seq held`, since frames are not replayed.
 */
import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import type { AgentProfile, Conversation, Message, ServerFrame } from '../../src/contract/extensions.ts';
import { createRealtime } from '../../src/realtime.ts';
import type { RuntimeStatus } from '../../src/types.ts';
import type { AgentApi } from './api.ts';
import type { AgentAuth } from './auth.ts';
import { uuid } from './uuid.ts';

// Page size when catching up after a reconnect.
const RESUME_LIMIT = 100;

export interface Desk {
  readonly status: ReadonlySignal<RuntimeStatus>;
  readonly me: ReadonlySignal<AgentProfile | null>;
  /** Open conversations (plus the one on screen), latest activity first. */
  readonly conversations: ReadonlySignal<Conversation[]>;
  readonly unread: ReadonlySignal<Readonly<Record<string, number>>>;
  readonly selected: ReadonlySignal<Conversation | null>;
  /** Messages of the selected conversation by `seq`. */
  readonly messages: ReadonlySignal<Message[]>;
  /** The last failed action, to show; cleared by the next success. */
  readonly problem: ReadonlySignal<string | null>;
  select(id: string): void;
  reply(body: string): Promise<boolean>;
  assignToMe(): Promise<void>;
  close(): Promise<void>;
  destroy(): void;
}

const activity = (c: Conversation) => c.lastMessageAt ?? c.updatedAt ?? c.createdAt ?? '';

export function createDesk(api: AgentApi, auth: AgentAuth): Desk {
  const byId = signal<ReadonlyMap<string, Conversation>>(new Map());
  const unread = signal<Readonly<Record<string, number>>>({});
  const selectedId = signal<string | null>(null);
  const thread = signal<ReadonlyMap<string, Message>>(new Map());
  const me = signal<AgentProfile | null>(null);
  const problem = signal<string | null>(null);
  let draft: { conversationId: string; body: string; clientMessageId: string } | null = null;

  const upsert = (conversation: Conversation) => {
    const next = new Map(byId.value);
    next.set(conversation.conversationId, { ...next.get(conversation.conversationId), ...conversation });
    byId.value = next;
  };
  const merge = (conversationId: string, messages: Message[]) => {
    if (conversationId !== selectedId.value || messages.length === 0) return;
    const next = new Map(thread.value);
    for (const m of messages) next.set(m.messageId, m);
    thread.value = next;
  };
  const report = (action: string) => (error: unknown) => {
    problem.value = `${action} failed: ${error instanceof Error ? error.message : String(error)}`;
  };

  async function loadList() {
    const list = await api.conversations();
    const next = new Map(byId.value);
    for (const c of list) next.set(c.conversationId, c);
    byId.value = next;
  }

  /** Reads the selected conversation: its newest page, or everything after what we hold. */
  async function loadThread(id: string) {
    let after = Math.max(0, ...[...thread.value.values()].map((m) => m.seq));
    if (after === 0) return merge(id, await api.messages(id, { limit: 50 }));
    for (;;) {
      const page = await api.messages(id, { after, limit: RESUME_LIMIT });
      merge(id, page);
      if (page.length < RESUME_LIMIT) return;
      after = page[page.length - 1]!.seq;
    }
  }

  function onFrame(frame: ServerFrame) {
    if (frame.type === 'conversation.updated') return upsert(frame.conversation);
    if (frame.type !== 'message.created' && frame.type !== 'message.updated') return;
    const { conversationId, message } = frame;
    const known = byId.value.get(conversationId);
    batch(() => {
      if (known) {
        upsert({ ...known, lastMessageAt: message.sentAt, lastMessagePreview: message.body.slice(0, 140), lastSeq: frame.seq });
      }
      if (conversationId === selectedId.value) merge(conversationId, [message]);
      else if (frame.type === 'message.created' && message.senderType === 'visitor') {
        unread.value = { ...unread.value, [conversationId]: (unread.value[conversationId] ?? 0) + 1 };
      }
    });
    // A conversation we have not seen yet (its `conversation.updated` may come after).
    if (!known) api.conversation(conversationId).then((c) => c && upsert(c), report('Loading a conversation'));
  }

  const realtime = createRealtime({
    url: new URL('/api/realtime', location.href).href.replace(/^http/, 'ws'),
    getToken: () => auth.getToken(),
    // 4001/4002: the agent token was refused or expired; mint a new one before reconnecting.
    onTokenRejected: () => auth.refresh(),
    WebSocket: globalThis.WebSocket,
  });
  const stops = [
    realtime.onFrame(onFrame),
    realtime.onReady(() => {
      void loadList().catch(report('Loading conversations'));
      if (selectedId.value) void loadThread(selectedId.value).catch(report('Loading messages'));
    }),
  ];
  realtime.connect();
  void loadList().catch(report('Loading conversations'));
  api.me().then((profile) => (me.value = profile), report('Loading your profile'));

  const selected = computed(() => (selectedId.value ? (byId.value.get(selectedId.value) ?? null) : null));

  /** Runs an action on the selected conversation and takes the conversation it returns. */
  async function act(name: string, run: (id: string) => Promise<Conversation | null>) {
    const id = selectedId.value;
    if (!id) return;
    try {
      const conversation = await run(id);
      if (conversation) upsert(conversation);
      problem.value = null;
    } catch (error) {
      report(name)(error);
    }
  }

  return {
    status: realtime.status,
    me,
    unread,
    problem,
    selected,
    conversations: computed(() =>
      [...byId.value.values()]
        .filter((c) => c.status !== 'closed' || c.conversationId === selectedId.value)
        .sort((a, b) => activity(b).localeCompare(activity(a))),
    ),
    messages: computed(() => [...thread.value.values()].sort((a, b) => a.seq - b.seq)),
    select(id) {
      if (id === selectedId.value) return;
      batch(() => {
        selectedId.value = id;
        thread.value = new Map();
        unread.value = { ...unread.value, [id]: 0 };
      });
      void loadThread(id).catch(report('Loading messages'));
    },
    async reply(body) {
      const id = selectedId.value;
      if (!id || !body.trim()) return false;
      // Sending the same text again after a failure reuses its id, so the server stores it once
      // even when the first attempt did arrive.
      const pending = draft?.conversationId === id && draft.body === body ? draft : { conversationId: id, body, clientMessageId: uuid() };
      draft = pending;
      try {
        const message = await api.send(id, body, pending.clientMessageId);
        draft = null;
        if (message) merge(id, [message]);
        problem.value = null;
        return true;
      } catch (error) {
        report('Sending')(error);
        return false;
      }
    },
    assignToMe: () => act('Assigning', (id) => api.assignToMe(id)),
    close: () => act('Closing', (id) => api.close(id)),
    destroy() {
      for (const stop of stops) stop();
      realtime.close();
    },
  };
}
