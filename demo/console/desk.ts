/**
 * The console's live state for one signed-in agent: the conversations (kept current by
 * `conversation.updated` / `message.*` frames), unread counts, the messages of the conversation
 * on screen with the visitor's receipts and typing, uploads in flight, and the agent's presence.
 * After every (re)connect it reloads the list and reads what the open conversation missed after
 * its sync watermark (every message up to it is held), since frames are not replayed.
 */
import { batch, computed, effect, signal, type ReadonlySignal } from '@preact/signals';
import type { AgentProfile, AttachmentInfo, CallLinkService, Conversation, Message, ServerFrame } from '../../src/contract/extensions.ts';
import { isRuntimeError } from '../../src/errors.ts';
import { uuid } from '../../src/lib/uuid.ts';
import { createRealtime, type RealtimeConnection } from '../../src/realtime.ts';
import type { RuntimeStatus } from '../../src/types.ts';
import type { AgentApi, ConversationFilter, PresenceStatus } from './api.ts';
import type { CallLinkNote } from './components/call-link-message.tsx';
import type { AgentAuth } from './auth.ts';
import { createReceiptBatcher } from './receipt-batcher.ts';
import { createTypingSender } from './typing-sender.ts';

// A visitor typing indicator with no refresh for this long is dropped (the server also clears it).
const TYPING_STALE_MS = 7_000;

/** What the visitor has confirmed of the agent side's messages, as `seq`s. */
export interface Receipts {
  delivered: number;
  read: number;
}

/** An agent upload in the selected conversation. */
export interface PendingUpload {
  readonly key: string;
  readonly name: string;
  /** 0…1 */
  readonly progress: number;
  readonly error?: string;
  /** After an error: whether Retry can help (not for a file the server refused). */
  readonly retryable?: boolean;
}

/** The desk's realtime socket as the calls use it: their frames, signaling, and each (re)connect. */
export type DeskSocket = Pick<RealtimeConnection, 'send' | 'onFrame' | 'onReady'>;

/** Delivery state the console shows on the agent side's messages. */
export type AgentMessageState = 'sent' | 'delivered' | 'read';

export interface Desk {
  readonly status: ReadonlySignal<RuntimeStatus>;
  readonly me: ReadonlySignal<AgentProfile | null>;
  readonly presence: ReadonlySignal<PresenceStatus | null>;
  /** Which conversations the list shows. */
  readonly filter: ReadonlySignal<ConversationFilter>;
  /** Conversations matching the filter (plus the one on screen), latest activity first. */
  readonly conversations: ReadonlySignal<Conversation[]>;
  readonly unread: ReadonlySignal<Readonly<Record<string, number>>>;
  readonly selected: ReadonlySignal<Conversation | null>;
  /** Messages of the selected conversation by `seq`. */
  readonly messages: ReadonlySignal<Message[]>;
  /** The visitor of the selected conversation is typing. */
  readonly visitorTyping: ReadonlySignal<boolean>;
  readonly uploads: ReadonlySignal<readonly PendingUpload[]>;
  /** The last failed action, to show; cleared by the next success. */
  readonly problem: ReadonlySignal<string | null>;
  /** The console's one realtime socket, shared with the calls. */
  readonly socket: DeskSocket;
  /** A conversation by id; one the desk has not seen yet is loaded in the background (read again later). */
  conversation(id: string): Conversation | null;
  /** Sends a call page link (extensions.md §15) into the selected conversation as an ordinary message. */
  sendCallLink(service: CallLinkService): Promise<boolean>;
  /** Ticks of an agent-side message of the selected conversation. */
  stateOf(message: Message): AgentMessageState;
  select(id: string): void;
  setFilter(filter: ConversationFilter): void;
  setPresence(status: PresenceStatus): Promise<void>;
  reply(body: string): Promise<boolean>;
  /** The agent typed in the reply box. */
  typing(): void;
  attach(file: File): void;
  cancelUpload(key: string): void;
  retryUpload(key: string): void;
  edit(messageId: string, body: string): Promise<boolean>;
  remove(messageId: string): Promise<boolean>;
  assignToMe(): Promise<void>;
  close(): Promise<void>;
  destroy(): void;
}

const activity = (c: Conversation) => c.lastMessageAt ?? c.updatedAt ?? c.createdAt ?? '';
const isAbort = (error: unknown) => error instanceof DOMException && error.name === 'AbortError';

export function createDesk(api: AgentApi, auth: AgentAuth): Desk {
  const byId = signal<ReadonlyMap<string, Conversation>>(new Map());
  const unread = signal<Readonly<Record<string, number>>>({});
  const selectedId = signal<string | null>(null);
  const thread = signal<ReadonlyMap<string, Message>>(new Map());
  const me = signal<AgentProfile | null>(null);
  const presence = signal<PresenceStatus | null>(null);
  const filter = signal<ConversationFilter>('open');
  const problem = signal<string | null>(null);
  const receipts = signal<Readonly<Record<string, Receipts>>>({});
  const typingIn = signal<Readonly<Record<string, number>>>({});
  // `attachment` is kept once the file is stored and `clientMessageId` is fixed per file, so a
  // retry after a failed send neither stores the file again nor can post the message twice.
  const uploads = signal<
    readonly (PendingUpload & { file: File; conversationId: string; clientMessageId: string; attachment?: AttachmentInfo; cancel?: () => void })[]
  >([]);
  const visible = signal(document.visibilityState === 'visible');
  let draft: { conversationId: string; body: string; clientMessageId: string } | null = null;
  // The selected conversation's watermark: every message with `seq <= synced` is held. Only
  // reads known to be contiguous move it (history pages, a created frame right after it); a send
  // answer never does, since our message can be numbered after one the socket missed.
  let synced = 0;
  let loaded = false;
  let syncing: Promise<void> | null = null;
  let again = false;

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
  // Replies one after another (`reply`); never rejects.
  let replying: Promise<boolean> = Promise.resolve(true);
  async function sendReply(id: string, body: string): Promise<boolean> {
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
  }
  const setTypingIn = (conversationId: string, until: number | null) => {
    const next = { ...typingIn.value };
    if (until === null) delete next[conversationId];
    else next[conversationId] = until;
    typingIn.value = next;
    // Drop it if no refresh or stop arrives (a lost frame must not leave it on forever).
    if (until !== null) {
      setTimeout(() => {
        if (typingIn.value[conversationId] === until) setTypingIn(conversationId, null);
      }, until - Date.now());
    }
  };

  const receiptBatcher = createReceiptBatcher((id, messageId, kind) => api.receipt(id, messageId, kind), report('Sending a receipt'));

  async function loadList() {
    const list = await api.conversations(filter.value);
    const next = new Map(byId.value);
    for (const c of list) next.set(c.conversationId, c);
    byId.value = next;
  }

  /**
   * Reads the selected conversation: its newest page first, then everything after the watermark.
   * A call while reading reads again afterwards (a gap seen meanwhile, another selection).
   */
  function sync(): Promise<void> {
    again = true;
    return (syncing ??= (async () => {
      while (again && selectedId.value) {
        again = false;
        const id = selectedId.value;
        if (!loaded) {
          const newest = await api.messages(id, 50);
          if (selectedId.value !== id) continue;
          merge(id, newest);
          // Contiguous from its first message on; older ones are history, not missed.
          synced = newest[newest.length - 1]?.seq ?? 0;
          loaded = true;
        }
        const seq = await api.readAfter(id, synced, (page) => merge(id, page));
        if (selectedId.value === id) synced = Math.max(synced, seq);
      }
    })().finally(() => (syncing = null)));
  }

  function onFrame(frame: ServerFrame) {
    switch (frame.type) {
      case 'conversation.updated':
        return upsert(frame.conversation);
      case 'receipt': {
        if (frame.by !== 'visitor') return;
        const before = receipts.value[frame.conversationId] ?? { delivered: 0, read: 0 };
        const after = { ...before, [frame.kind]: Math.max(before[frame.kind], frame.upToSeq) };
        // Read implies delivered.
        if (frame.kind === 'read') after.delivered = Math.max(after.delivered, frame.upToSeq);
        receipts.value = { ...receipts.value, [frame.conversationId]: after };
        return;
      }
      case 'typing':
        if (frame.by === 'visitor') setTypingIn(frame.conversationId, frame.typing ? Date.now() + TYPING_STALE_MS : null);
        return;
      case 'message.created':
      case 'message.updated':
      case 'message.deleted':
        return onMessage(frame.type, frame.conversationId, frame.seq, frame.message);
      default:
        return;
    }
  }

  function onMessage(type: 'message.created' | 'message.updated' | 'message.deleted', conversationId: string, seq: number, message: Message) {
    const known = byId.value.get(conversationId);
    batch(() => {
      if (known && type === 'message.created') {
        upsert({ ...known, lastMessageAt: message.sentAt, lastMessagePreview: message.body.slice(0, 140), lastSeq: seq });
      }
      if (type === 'message.created' && message.senderType === 'visitor') {
        // A message ends the visitor's typing, and has reached the agent side.
        setTypingIn(conversationId, null);
        receiptBatcher.mark(conversationId, 'delivered', seq, message.messageId);
      }
      if (conversationId === selectedId.value) {
        merge(conversationId, [message]);
        // A created frame right after the watermark moves it; one further on shows frames were missed.
        if (type === 'message.created' && loaded) {
          if (seq === synced + 1) synced = seq;
          else if (seq > synced) void sync().catch(report('Loading messages'));
        }
      } else if (type === 'message.created' && message.senderType === 'visitor') {
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
  const typingSender = createTypingSender((conversationId, typing) => realtime.send({ type: 'typing', conversationId, typing }));
  const onVisibility = () => (visible.value = document.visibilityState === 'visible');
  document.addEventListener('visibilitychange', onVisibility);

  const messages = computed(() => [...thread.value.values()].sort((a, b) => a.seq - b.seq));

  const stops = [
    realtime.onFrame(onFrame),
    realtime.onReady(() => {
      void loadList().catch(report('Loading conversations'));
      if (selectedId.value) void sync().catch(report('Loading messages'));
    }),
    // Read receipts only for what the agent can actually see: the conversation on screen, tab visible.
    effect(() => {
      const id = selectedId.value;
      if (!id || !visible.value) return;
      const last = messages.value.findLast((m) => m.senderType === 'visitor');
      if (last) receiptBatcher.mark(id, 'read', last.seq, last.messageId);
    }),
    () => document.removeEventListener('visibilitychange', onVisibility),
  ];
  realtime.connect();
  void loadList().catch(report('Loading conversations'));
  api.me().then((profile) => (me.value = profile), report('Loading your profile'));
  api.presence().then((p) => (presence.value = (p.status as PresenceStatus | undefined) ?? null), report('Loading your presence'));

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

  /** Runs an action on one message of the selected conversation and merges the message it returns. */
  async function change(name: string, run: (id: string) => Promise<Message | null>): Promise<boolean> {
    const id = selectedId.value;
    if (!id) return false;
    try {
      const message = await run(id);
      if (message) merge(id, [message]);
      problem.value = null;
      return true;
    } catch (error) {
      report(name)(error);
      return false;
    }
  }

  const patchUpload = (key: string, patch: Partial<PendingUpload> & { attachment?: AttachmentInfo; cancel?: () => void }) => {
    uploads.value = uploads.value.map((u) => (u.key === key ? { ...u, ...patch } : u));
  };
  const dropUpload = (key: string) => {
    uploads.value = uploads.value.filter((u) => u.key !== key);
  };

  /** A refused upload (too large, wrong type, 4xx) or send fails the same way again. */
  const canRetry = (error: unknown) => {
    if (isRuntimeError(error)) return error.retryable;
    const status = (error as { status?: number }).status ?? 0;
    return !(status >= 400 && status < 500 && status !== 408 && status !== 429);
  };

  function startUpload(key: string) {
    const item = uploads.value.find((u) => u.key === key);
    if (!item) return;
    const { conversationId, file, clientMessageId } = item;
    let stored: Promise<AttachmentInfo>;
    if (item.attachment) {
      // The file is already on the server: only the message is missing.
      stored = Promise.resolve(item.attachment);
      patchUpload(key, { progress: 1, error: undefined, cancel: undefined });
    } else {
      const upload = api.upload(conversationId, file, (progress) => patchUpload(key, { progress }));
      patchUpload(key, { progress: 0, error: undefined, cancel: upload.cancel });
      stored = upload.done.then((attachment) => {
        patchUpload(key, { attachment, progress: 1, cancel: undefined });
        return attachment;
      });
    }
    stored
      .then((attachment) => api.send(conversationId, '', clientMessageId, attachment))
      .then((message) => {
        dropUpload(key);
        if (message) merge(conversationId, [message]);
      })
      .catch((error: unknown) => {
        if (isAbort(error)) return dropUpload(key);
        patchUpload(key, { error: error instanceof Error ? error.message : String(error), retryable: canRetry(error), cancel: undefined });
      });
  }

  // Conversations being fetched for `conversation(id)`, so a render loop asks once.
  const fetching = new Set<string>();

  return {
    status: realtime.status,
    socket: realtime,
    conversation(id) {
      const known = byId.value.get(id);
      if (!known && !fetching.has(id)) {
        fetching.add(id);
        api
          .conversation(id)
          .then((c) => c && upsert(c), report('Loading a conversation'))
          .finally(() => fetching.delete(id));
      }
      return known ?? null;
    },
    async sendCallLink(service) {
      const id = selectedId.value;
      if (!id) return false;
      try {
        const link = await api.callLink(id, service);
        // A text message: the widget turns the URL into a link the visitor can open. The metadata
        // lets the console show it without the URL (components/call-link-message.tsx).
        const what = service === 'video_call' ? 'video' : 'voice';
        const { message } = await api.request<{ message?: Message }>('POST', `agent-sdk/conversations/${encodeURIComponent(id)}/messages`, {
          body: `Join the ${what} call: ${link.url}`,
          messageType: 'text',
          clientMessageId: uuid(),
          metadata: { callLink: { service, expiresAt: link.expiresAt } satisfies CallLinkNote },
        });
        if (message) merge(id, [message]);
        problem.value = null;
        return true;
      } catch (error) {
        report('Sending a call link')(error);
        return false;
      }
    },
    me,
    presence,
    filter,
    unread,
    problem,
    selected,
    messages,
    uploads: computed(() => uploads.value.filter((u) => u.conversationId === selectedId.value)),
    visitorTyping: computed(() => (selectedId.value ? typingIn.value[selectedId.value] !== undefined : false)),
    conversations: computed(() =>
      [...byId.value.values()]
        .filter((c) => filter.value === 'all' || (filter.value === 'closed') === (c.status === 'closed') || c.conversationId === selectedId.value)
        .sort((a, b) => activity(b).localeCompare(activity(a))),
    ),
    stateOf(message) {
      const seen = receipts.value[message.conversationId];
      if (message.readAt || (seen && seen.read >= message.seq)) return 'read';
      if (message.deliveredAt || (seen && seen.delivered >= message.seq)) return 'delivered';
      return 'sent';
    },
    select(id) {
      if (id === selectedId.value) return;
      typingSender.stop();
      batch(() => {
        selectedId.value = id;
        thread.value = new Map();
        unread.value = { ...unread.value, [id]: 0 };
      });
      synced = 0;
      loaded = false;
      void sync().catch(report('Loading messages'));
    },
    setFilter(next) {
      filter.value = next;
      void loadList().catch(report('Loading conversations'));
    },
    async setPresence(status) {
      try {
        const p = await api.setPresence(status);
        presence.value = (p.status as PresenceStatus | undefined) ?? status;
        problem.value = null;
      } catch (error) {
        report('Changing presence')(error);
      }
    },
    reply(body) {
      const id = selectedId.value;
      if (!id || !body.trim()) return Promise.resolve(false);
      typingSender.stop();
      // One reply at a time, in the order the agent sent them: the box empties at once, so the
      // next one may be sent while this one travels.
      const turn = replying.then(() => sendReply(id, body));
      replying = turn;
      return turn;
    },
    typing() {
      if (selectedId.value) typingSender.input(selectedId.value);
    },
    attach(file) {
      const conversationId = selectedId.value;
      if (!conversationId) return;
      const key = uuid();
      uploads.value = [...uploads.value, { key, name: file.name, progress: 0, file, conversationId, clientMessageId: uuid() }];
      startUpload(key);
    },
    cancelUpload(key) {
      const item = uploads.value.find((u) => u.key === key);
      if (item?.cancel) item.cancel();
      else dropUpload(key);
    },
    retryUpload: startUpload,
    edit: (messageId, body) => change('Editing', (id) => api.edit(id, messageId, body)),
    remove: (messageId) => change('Deleting', (id) => api.remove(id, messageId)),
    assignToMe: () => act('Assigning', (id) => api.assignToMe(id)),
    close: () => act('Closing', (id) => api.close(id)),
    destroy() {
      typingSender.stop();
      receiptBatcher.dispose();
      for (const stop of stops) stop();
      realtime.close();
    },
  };
}
