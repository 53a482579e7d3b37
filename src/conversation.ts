/**
 * The visitor's current conversation: resumes the open one (or creates one on the first send),
 * keeps its messages ordered by `seq` and merged by `messageId` from every source (history,
 * send answers, socket frames, catch-up after a reconnect), and shows pending sends from the
 * outbox until the server confirms them.
 */
import { batch, computed, signal } from '@preact/signals-core';
import type { Conversation, Message, MessageHistory, OpenTicket, ServerFrame, VisitorIdentity } from './contract/extensions.ts';
import { isRuntimeError } from './errors.ts';
import type { HttpClient } from './http.ts';
import type { Logger } from './lib/log.ts';
import { createOutbox, type OutboxEntry } from './outbox.ts';
import type { ChatMessage, ConversationHandle, RuntimeStorage } from './types.ts';

export interface ConversationOptions {
  /** A client that sends the visitor's session token. */
  http: HttpClient;
  /** Namespaced storage (for the outbox). */
  storage: RuntimeStorage;
  visitor?: VisitorIdentity;
  log: Logger;
  /** A message from someone else arrived after the first load (live or by catch-up). */
  onIncoming: (message: Message) => void;
}

/** The handle plus what the runtime drives. */
export interface ConversationController {
  readonly handle: ConversationHandle;
  /** Finds the open conversation and reads its newest messages; then starts the outbox. */
  load(): Promise<void>;
  /** Reads what was missed while the socket was down (`after` the highest `seq` held). */
  catchUp(): Promise<void>;
  /** Handles a realtime frame. */
  receive(frame: ServerFrame): void;
  /** Tries pending sends now. */
  flush(): void;
  destroy(): void;
}

const HISTORY_LIMIT = 50;
const CATCH_UP_LIMIT = 100;
const ended = (c: Conversation | null) => c?.status === 'closed';
const bySeq = (a: Message, b: Message) => a.seq - b.seq;

export function createConversation(options: ConversationOptions): ConversationController {
  const { http, log } = options;
  const id = signal<string | null>(null);
  const info = signal<Conversation | null>(null);
  const loading = signal(false);
  const confirmed = signal<readonly Message[]>([]);
  let known = new Map<string, Message>();
  let loaded = false;
  let loadingNow: Promise<void> | null = null;
  let creating: Promise<string> | null = null;
  const path = (cid: string) => `chat/visitor/conversations/${encodeURIComponent(cid)}/messages`;

  // #region merging
  /** Adds or replaces messages by `messageId`; `live` ones from others are reported. */
  function merge(messages: readonly Message[], live: boolean) {
    // One batch: the pending entry leaves and its confirmed message arrives in the same update.
    batch(() => mergeNow(messages, live));
  }
  function mergeNow(messages: readonly Message[], live: boolean) {
    let changed = false;
    for (const m of messages) {
      if (m.conversationId !== id.value) continue;
      const before = known.get(m.messageId);
      // The same message again (history overlapping a frame): only an edit or delete changes it.
      if (before && before.editedAt === m.editedAt && before.deletedAt === m.deletedAt) continue;
      known.set(m.messageId, m);
      changed = true;
      if (m.clientMessageId) outbox.confirm(m.clientMessageId);
      if (!before && live && m.senderType !== 'visitor') options.onIncoming(m);
    }
    if (changed) confirmed.value = [...known.values()].sort(bySeq);
  }

  /** Makes `conversation` the current one; a different id starts an empty timeline. */
  function adopt(conversation: Conversation) {
    if (conversation.conversationId !== id.value) {
      known = new Map();
      confirmed.value = [];
      id.value = conversation.conversationId;
      info.value = conversation;
    } else {
      info.value = { ...info.value, ...conversation };
    }
  }
  // #endregion

  // #region reading
  async function readPages(cid: string, after: number) {
    for (;;) {
      const page = await http.get<MessageHistory>(path(cid), { searchParams: { after, limit: CATCH_UP_LIMIT } });
      merge(page.messages, true);
      const last = page.messages[page.messages.length - 1];
      if (!page.hasMore || !last) return;
      after = last.seq;
    }
  }

  function load(): Promise<void> {
    loadingNow ??= (async () => {
      loading.value = true;
      try {
        const { conversation } = await http.get<OpenTicket>('chat/visitor/tickets/open');
        if (conversation && !ended(conversation)) {
          adopt(conversation);
          const page = await http.get<MessageHistory>(path(conversation.conversationId), { searchParams: { limit: HISTORY_LIMIT } });
          merge(page.messages, false);
        }
        loaded = true;
        await outbox.flush();
      } finally {
        loading.value = false;
        loadingNow = null;
      }
    })();
    return loadingNow;
  }

  async function catchUp() {
    if (!loaded) return load();
    const cid = id.value;
    if (cid) await readPages(cid, confirmed.value[confirmed.value.length - 1]?.seq ?? 0);
  }
  // #endregion

  // #region sending
  /** The conversation to send into: the current open one, or a new one. One creation at a time. */
  async function ensure(): Promise<string> {
    if (!loaded) await load();
    if (id.value && !ended(info.value)) return id.value;
    creating ??= http
      .post<{ conversation: Conversation }>('chat/visitor/conversations', options.visitor ? { visitor: options.visitor } : {})
      .then(({ conversation }) => (adopt(conversation), conversation.conversationId))
      .finally(() => (creating = null));
    return creating;
  }

  async function deliver(entry: OutboxEntry, again = false): Promise<void> {
    const cid = await ensure();
    try {
      const { message } = await http.post<{ message: Message }>(path(cid), {
        body: entry.body,
        messageType: 'text',
        clientMessageId: entry.clientMessageId,
      });
      merge([message], false);
    } catch (error) {
      // The conversation was closed (or is gone): start a new one and send there, once.
      if (again || !isRuntimeError(error) || (error.code !== 'CONVERSATION_CLOSED' && error.code !== 'CONVERSATION_NOT_FOUND')) throw error;
      log('conversation: ended, starting a new one');
      if (id.value === cid) info.value = { ...info.value!, status: 'closed' };
      return deliver(entry, true);
    }
  }

  const outbox = createOutbox({ storage: options.storage, deliver, log });
  // #endregion

  function receive(frame: ServerFrame) {
    if (frame.type === 'conversation.updated') {
      const c = frame.conversation;
      // Ours, or a new open one (created in another tab) while we have none open.
      if (c.conversationId === id.value || (!creating && (!id.value || ended(info.value)) && !ended(c))) {
        const fresh = c.conversationId !== id.value;
        adopt(c);
        if (fresh) void readPages(c.conversationId, 0).catch((e: unknown) => log('conversation: read failed', e));
      }
    } else if (frame.type === 'message.created' || frame.type === 'message.updated' || frame.type === 'message.deleted') {
      merge([frame.message], true);
    }
  }

  // #region timeline
  // One ChatMessage per Message object, so unchanged messages keep their identity (memoised views).
  const cache = new WeakMap<Message, ChatMessage>();
  const fromServer = (m: Message): ChatMessage => {
    let chat = cache.get(m);
    // The key stays the clientMessageId the pending entry had: no remount when a send is confirmed.
    if (!chat) cache.set(m, (chat = { ...m, id: m.messageId, key: m.clientMessageId ?? m.messageId, state: 'sent' }));
    return chat;
  };
  const messages = computed((): readonly ChatMessage[] => [...confirmed.value.map(fromServer), ...outbox.entries.value]);
  // #endregion

  return {
    handle: {
      id,
      info,
      messages,
      loading,
      send: (body) => outbox.add(body),
      async retry(key) {
        outbox.retry(key);
      },
    },
    load,
    catchUp,
    receive,
    flush: () => void outbox.flush(),
    destroy: outbox.destroy,
  };
}
