/**
 * The conversation's occasional operations, a chunk of their own that `conversation.ts` loads on
 * first use (the core is at its size budget): editing and deleting the visitor's own messages,
 * rating an ended conversation, paging back through history, and waiting for a file's message
 * (the upload machinery, itself a chunk, asks). Most visits never need any of them. Each works on
 * the conversation's own state, handed over as an {@link OpsContext}.
 */
import type { ReadonlySignal, Signal } from '@preact/signals-core';
import type { Conversation, Message, MessageHistory, SendMessageRequest } from './contract/extensions.ts';
import { RuntimeError } from './errors.ts';
import { PAGE } from './history.ts';
import type { HttpClient } from './http.ts';
import type { OutboxEntry } from './outbox.ts';
import type { ChatMessage, Rating } from './types.ts';

/** What the operations use of the conversation (`conversation.ts`). */
export interface OpsContext {
  http: HttpClient;
  id: ReadonlySignal<string | null>;
  info: Signal<Conversation | null>;
  /** The server's messages held, by `seq`. */
  confirmed: ReadonlySignal<readonly Message[]>;
  hasOlder: Signal<boolean>;
  /** The `…/messages` path of a conversation. */
  path(cid: string): string;
  /** Adds or replaces messages by `messageId` (`live`: ones from others are reported). */
  merge(messages: readonly Message[], live: boolean): void;
  /** Throws when the shown conversation is another device's (read-only). */
  writable(): void;
  /** Sends a message into `cid` and shows the answer. */
  post(cid: string, request: SendMessageRequest): Promise<Message>;
  /** The outbox's pending sends. */
  queued: ReadonlySignal<readonly OutboxEntry[]>;
  /** A held message as the timeline shows it. */
  chat(m: Message): ChatMessage;
}

/** The operations, for one conversation controller. */
export interface ConversationOps {
  /** Edits (`patch`, with `body`) or deletes (`del`) one of the visitor's confirmed messages, by its timeline key. */
  change(key: string, method: 'patch' | 'del', body?: string): Promise<void>;
  rate(rating: Rating, comment?: string): Promise<void>;
  /** Reads the page before the oldest message held (one read at a time). */
  loadOlder(): Promise<void>;
  /** Settles once the queued message `key` leaves the outbox: confirmed (the message), dropped (`null`), or `failed` (rejects). */
  settled(key: string): Promise<ChatMessage | null>;
}

export function createOps({ http, id, info, confirmed, hasOlder, path, merge, writable, post, queued, chat }: OpsContext): ConversationOps {
  let older: Promise<void> | null = null;

  /** One of the visitor's confirmed messages, by its timeline key. */
  function own(key: string): Message {
    const m = confirmed.value.find((x) => (x.clientMessageId ?? x.messageId) === key);
    if (m) return m;
    throw new RuntimeError('MESSAGE_NOT_FOUND', `Expected the key of a confirmed message in the shown conversation, received "${key}".`);
  }

  return {
    async change(key, method, body) {
      writable();
      const m = own(key);
      const where = `${path(m.conversationId)}/${encodeURIComponent(m.messageId)}`;
      const { message } = await (method === 'patch' ? http.patch<{ message: Message }>(where, { body }) : http.del<{ message: Message }>(where));
      merge([message], false);
    },

    async rate(rating, comment) {
      writable();
      const cid = id.value;
      if (!cid) throw new RuntimeError('RATING_NOT_ALLOWED', 'Expected a conversation to rate, but none is shown.');
      await post(cid, { body: comment ?? '', messageType: 'rating', metadata: { rating, ...(comment && { comment }) } });
      if (id.value === cid) info.value = { ...info.value!, rating };
    },

    loadOlder() {
      const first = confirmed.value[0];
      if (!hasOlder.value || !first) return Promise.resolve();
      older ??= http
        .get<MessageHistory>(path(first.conversationId), { searchParams: { before: first.seq, limit: PAGE } })
        .then((page) => {
          merge(page.messages, false);
          if (id.value === first.conversationId) hasOlder.value = page.hasMore;
        })
        .finally(() => (older = null));
      return older;
    },

    async settled(key) {
      // After the running merge (a frame confirming it is held only once the merge is done).
      await null;
      return new Promise((resolve, reject) => {
        let stop: (() => void) | undefined;
        let over = false;
        const end = () => ((over = true), queueMicrotask(() => stop?.()));
        // The state now, then every change: a message confirmed while this chunk loaded is found held.
        stop = queued.subscribe((list) => {
          const e = list.find((x) => x.key === key);
          if (over || e?.state === 'sending') return;
          end();
          if (e) return reject(e.error);
          const m = confirmed.peek().find((x) => x.clientMessageId === key);
          resolve(m ? chat(m) : null);
        });
      });
    },
  };
}
