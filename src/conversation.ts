/**
 * The conversation the visitor sees: resumes the open one (or creates one on the first send),
 * or shows a past one read-only. Keeps its messages ordered by `seq` and merged by `messageId`
 * from every source (history pages, send answers, socket frames, catch-up after a reconnect),
 * shows pending sends and uploads until the server confirms them, and wires in receipts,
 * typing, edits and deletes (the occasional operations are a chunk: `conversation-ops.ts`).
 */
import { batch, computed, signal } from '@preact/signals-core';
import type {
  ClientFrame,
  Conversation,
  Message,
  MessageHistory,
  OpenTicket,
  SendMessageRequest,
  ServerFrame,
  VisitorIdentity,
} from './contract/extensions.ts';
import { createUploads } from './attachments.ts';
import { RuntimeError, chunkError, isRuntimeError } from './errors.ts';
import { PAGE, readAfter } from './history.ts';
import type { HttpClient } from './http.ts';
import type { Logger } from './lib/log.ts';
import { createOutbox, type OutboxEntry } from './outbox.ts';
import { createReceipts } from './receipts.ts';
import { createTyping } from './typing.ts';
import { once } from './lib/once.ts';
import type { ConversationOps } from './conversation-ops.ts';
import type { ChatAttachment, ChatMessage, ConversationHandle, MessageState, RuntimeStorage, UploadTransport } from './types.ts';

export interface ConversationOptions {
  /** The API base (with `/api`): attachment links are only trusted under its `attachments/`. */
  baseUrl: string;
  /** The visitor the session is for: another one's conversation (another device) is read-only. */
  visitorId: () => string | undefined;
  /** A client that sends the visitor's session token. */
  http: HttpClient;
  /** Namespaced storage (for the outbox and pending files). */
  storage: RuntimeStorage;
  visitor?: VisitorIdentity;
  log: Logger;
  /** A message from someone else arrived after the first load (live or by catch-up). */
  onIncoming: (message: Message) => void;
  /** Sends a realtime frame (typing); nothing happens when the socket is not ready. */
  sendFrame: (frame: ClientFrame) => void;
  /** Whether the visitor is looking at the conversation (read receipts). */
  isVisible: () => boolean;
  upload?: UploadTransport;
}

/** The handle plus what the runtime drives. */
export interface ConversationController {
  readonly handle: ConversationHandle;
  /** Finds the open conversation and reads its newest messages; then starts the outbox. */
  load(): Promise<void>;
  /** Reads what was missed while the socket was down (`after` the sync watermark). */
  catchUp(): Promise<void>;
  /** Handles a realtime frame. */
  receive(frame: ServerFrame): void;
  /** Tries pending sends now, and those that failed for a passing reason (no-op before `load()`). */
  flush(): void;
  /** The visitor looks at the conversation: mark what it shows read. */
  seen(): void;
  /** Shows a conversation of this visitor (open or closed) by id. */
  open(conversationId: string): Promise<void>;
  /** The conversation to send into: the open one, or a new one (one creation at a time). */
  ensure(): Promise<string>;
  destroy(): void;
}

// Attachment links are read again this long before the first one expires.
const LINK_MARGIN = 300_000;
const FILE_TYPES: readonly string[] = ['image', 'audio', 'voice', 'video', 'document', 'file'];
const fileOf = (m: Message) => m.metadata?.attachment as ChatAttachment | undefined;
const ended = (c: Conversation | null) => c?.status === 'closed';
const bySeq = (a: Message, b: Message) => a.seq - b.seq;
const enc = encodeURIComponent;

export function createConversation(options: ConversationOptions): ConversationController {
  const { http, log } = options;
  const id = signal<string | null>(null);
  const info = signal<Conversation | null>(null);
  const loading = signal(false);
  const hasOlder = signal(false);
  const confirmed = signal<readonly Message[]>([]);
  // A conversation the server refused a send into (404): not this visitor's to write in.
  const refused = signal<string | null>(null);
  const readOnly = computed(() => {
    const owner = info.value?.visitorId;
    const me = options.visitorId();
    return !!id.value && (refused.value === id.value || (!!owner && !!me && owner !== me));
  });
  const files = `${options.baseUrl.replace(/\/?$/, '/')}attachments/`;
  let linkTimer: ReturnType<typeof setTimeout> | undefined;
  let linkDue = Infinity;
  let known = new Map<string, Message>();
  let loaded = false;
  let loadingNow: Promise<void> | null = null;
  let creating: Promise<string> | null = null;
  // A past conversation opened on purpose: activity in the open one does not take the view away.
  let browsing = false;
  // The watermark: every message with `seq <= synced` is held. Only reads known to be
  // contiguous move it (history, live frames in order); a send answer never does, since the
  // visitor's own message can be numbered after one the socket missed. Catch-up reads after it.
  let synced = 0;
  let syncing: Promise<void> | null = null;
  let again = false;
  const path = (cid: string) => `chat/visitor/conversations/${enc(cid)}/messages`;
  const receipts = createReceipts(http, log);
  const typing = createTyping((on) => {
    if (id.value && !ended(info.value) && !readOnly.value) options.sendFrame({ type: 'typing', conversationId: id.value, typing: on });
  });

  // #region merging
  /** Adds or replaces messages by `messageId`; `live` ones from others are reported. */
  function merge(messages: readonly Message[], live: boolean) {
    // One batch: the pending entry leaves and its confirmed message arrives in the same update.
    batch(() => {
      let changed = false;
      for (const given of messages) {
        if (given.conversationId !== id.value) continue;
        const before = known.get(given.messageId);
        let m = given;
        if (before) {
          // A stale copy (a page read before a frame, a frame delivered twice or late) never
          // moves a message backwards: edits and deletes stand, receipts only add up.
          const stale = (before.editedAt ?? '') > (m.editedAt ?? '') || (before.deletedAt && !m.deletedAt);
          m = { ...(stale ? before : m), deliveredAt: m.deliveredAt ?? before.deliveredAt, readAt: m.readAt ?? before.readAt };
          // The same message again: only an edit, a delete or a receipt changes it.
          // A re-read also brings fresh attachment links: those replace the expiring ones.
          if ((['editedAt', 'deletedAt', 'deliveredAt', 'readAt'] as const).every((k) => before[k] === m[k]) && fileOf(before)?.url === fileOf(m)?.url) continue;
        }
        known.set(m.messageId, m);
        changed = true;
        if (m.clientMessageId) {
          outbox.confirm(m.clientMessageId);
          uploads.confirm(m.clientMessageId);
        }
        if (!before && live && m.senderType !== 'visitor') options.onIncoming(m);
      }
      if (changed) {
        confirmed.value = [...known.values()].sort(bySeq);
        if (!readOnly.value) receipts.acknowledge(confirmed.value, options.isVisible());
        scheduleLinks();
      }
    });
  }

  /** Signed links expire (extensions.md §7): reads the held messages again shortly before the first one does. */
  function scheduleLinks() {
    const due = Math.min(...confirmed.value.map((m) => (attachmentOf(m)?.url && Date.parse(attachmentOf(m)!.expiresAt)) || Infinity)) - LINK_MARGIN;
    // Unchanged (also when a re-read brought no fresher link): no new timer, so never a loop.
    if (due === linkDue) return;
    clearTimeout(linkTimer);
    linkDue = due;
    if (due < Infinity) linkTimer = setTimeout(() => void refreshAttachments().catch(readFailed), Math.max(0, due - Date.now()));
  }

  /** Reads every held message again, for fresh attachment links. */
  async function refreshAttachments() {
    const first = confirmed.value[0];
    if (first) await readAfter(http, path(first.conversationId), first.seq - 1, (page) => merge(page, false));
  }

  /** Makes `conversation` the shown one; a different id (or none) starts an empty timeline. */
  function adopt(conversation: Conversation | null) {
    const cid = conversation?.conversationId ?? null;
    if (cid !== id.value) {
      browsing = false;
      known = new Map();
      confirmed.value = [];
      hasOlder.value = false;
      receipts.reset();
      typing.reset();
      id.value = cid;
      info.value = conversation;
      synced = 0;
    } else if (conversation) {
      info.value = { ...info.value, ...conversation };
    }
  }

  /** Sends a message into `cid` and shows the answer. */
  async function post(cid: string, request: SendMessageRequest): Promise<Message> {
    const { message } = await http.post<{ message: Message }>(path(cid), request);
    merge([message], false);
    return message;
  }
  // #endregion

  // #region reading
  /** Reads everything after the watermark; a call while reading reads again after it. */
  function sync(): Promise<void> {
    again = true;
    return (syncing ??= (async () => {
      while (again && id.value) {
        again = false;
        const cid = id.value;
        const seq = await readAfter(http, path(cid), synced, (page) => merge(page, true));
        if (id.value === cid) synced = Math.max(synced, seq);
      }
    })().finally(() => (syncing = null)));
  }

  /** The newest page (the latest messages first; earlier ones on demand through `loadOlder`). */
  async function readNewest(cid: string) {
    const page = await http.get<MessageHistory>(path(cid), { searchParams: { limit: PAGE } });
    merge(page.messages, false);
    const first = page.messages[0];
    if (id.value !== cid) return;
    hasOlder.value = page.hasMore;
    // Up to date from its first message on; what is older is paged in on demand, not missed.
    if (first && (!synced || first.seq <= synced + 1)) synced = Math.max(synced, page.messages[page.messages.length - 1]!.seq);
  }

  function load(): Promise<void> {
    loadingNow ??= (async () => {
      loading.value = true;
      try {
        const { conversation } = await http.get<OpenTicket>('chat/visitor/tickets/open');
        if (conversation && !ended(conversation)) {
          adopt(conversation);
          await readNewest(conversation.conversationId);
        }
        loaded = true;
        await outbox.flush();
        // Not waited for: kept files wait for the upload code (a chunk) and their Blobs.
        void uploads.flush();
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
    if (!cid) return;
    await sync();
    // Edits, deletes and receipts made meanwhile keep their `seq`: the newest page shows them (extensions.md §9).
    // A message it has that is not held yet arrived during this catch-up: new to the visitor (unread).
    merge((await http.get<MessageHistory>(path(cid), { searchParams: { limit: PAGE } })).messages, true);
  }

  async function open(cid: string) {
    loading.value = true;
    try {
      const { conversation } = await http.get<{ conversation: Conversation }>(`chat/visitor/conversations/${enc(cid)}`);
      adopt(conversation);
      browsing = true;
      await readNewest(cid);
    } finally {
      loading.value = false;
    }
  }
  // #endregion

  // #region sending
  /** The conversation to send into: the current open one, or a new one. One creation at a time. */
  async function ensure(): Promise<string> {
    if (!loaded) await load();
    writable();
    if (id.value && !ended(info.value)) return id.value;
    creating ??= http
      .post<{ conversation: Conversation }>('chat/visitor/conversations', options.visitor ? { visitor: options.visitor } : {})
      .then(({ conversation }) => (adopt(conversation), conversation.conversationId))
      .finally(() => (creating = null));
    return creating;
  }

  async function deliver(entry: OutboxEntry, again = false): Promise<void> {
    const cid = await ensure();
    const { attachment, clientMessageId } = entry;
    try {
      await post(
        cid,
        attachment
          ? { body: entry.body, messageType: entry.messageType, metadata: { attachmentId: attachment.attachmentId }, clientMessageId }
          : { body: entry.body, messageType: 'text', clientMessageId },
      );
    } catch (error) {
      // Not this visitor's (another device's): read-only from now on, never sent elsewhere.
      if (isRuntimeError(error) && error.code === 'CONVERSATION_NOT_FOUND' && id.value === cid) refused.value = cid;
      // The conversation was closed: start a new one and send there, once.
      if (again || !isRuntimeError(error) || error.code !== 'CONVERSATION_CLOSED') throw error;
      log('conversation: ended, starting a new one');
      if (id.value === cid) info.value = { ...info.value!, status: 'closed' };
      // A file's upload belongs to the closed conversation: the upload stage sends the file again (attachments.ts).
      if (attachment) throw error;
      return deliver(entry, true);
    }
  }

  const outbox = createOutbox({ storage: options.storage, deliver, log });
  const uploads = createUploads({
    http,
    transport: options.upload,
    storage: options.storage,
    log,
    ensure,
    queue: (attachment, key) => outbox.add('', { key, attachment }),
    settled: (key) => later((o) => o.settled(key)),
    unqueue: (key) => outbox.confirm(key),
    closed: (cid) => void (id.value === cid && (info.value = { ...info.value!, status: 'closed' })),
    visitorId: options.visitorId,
  });

  /** Refuses a write into a conversation of another device (the server would answer 404). */
  function writable() {
    if (readOnly.value) throw new RuntimeError('CONVERSATION_NOT_FOUND', 'Expected a conversation of this device, received a read-only one of another device.');
  }

  // #endregion

  const readFailed = (e: unknown) => log('conversation: read failed', e);

  // Editing, deleting, rating, paging back and a file's wait for its message: a chunk loaded on
  // first use (conversation-ops.ts). One that cannot load (offline) fails the operation with a
  // RuntimeError, as its request would; the next call loads it again.
  const ops = once(() =>
    import('./conversation-ops.ts').then(
      (m) => m.createOps({ http, id, info, confirmed, hasOlder, path, merge, writable, post, queued: outbox.entries, chat }),
      (e: unknown) => {
        throw chunkError('conversation', e);
      },
    ),
  );
  const later = <T>(run: (o: ConversationOps) => Promise<T>) => ops().then(run);

  function receive(frame: ServerFrame) {
    if (frame.type === 'conversation.updated') {
      const c = frame.conversation;
      // Ours, or a new open one (created in another tab, or by the AI client) while we have none open.
      if (c.conversationId === id.value || (!creating && !browsing && (!id.value || ended(info.value)) && !ended(c))) {
        const fresh = c.conversationId !== id.value;
        adopt(c);
        if (fresh) void sync().catch(readFailed);
      }
    } else if (frame.type === 'message.created' || frame.type === 'message.updated' || frame.type === 'message.deleted') {
      const created = frame.type === 'message.created';
      // A change to a message older than those held is not new (nor the oldest held: `loadOlder` reads before it).
      if (!created && !known.has(frame.message.messageId) && frame.message.seq < (confirmed.value[0]?.seq ?? 0)) return;
      merge([frame.message], created);
      // A created frame right after the watermark moves it; one further on shows frames were missed.
      if (frame.type === 'message.created' && frame.conversationId === id.value && loaded) {
        if (frame.seq === synced + 1) synced++;
        else if (frame.seq > synced) void sync().catch(readFailed);
      }
    } else if ((frame.type === 'typing' || frame.type === 'receipt') && frame.conversationId === id.value && frame.by !== 'visitor') {
      if (frame.type === 'typing') typing.receive(frame);
      else receipts.receive(frame);
    }
  }

  // #region timeline
  const marks = receipts.marks;
  /** The visitor's own messages move on with the agent side's receipts. */
  const stateOf = (m: Message): MessageState =>
    m.senderType !== 'visitor' ? 'sent' : m.readAt || m.seq <= marks.value.read ? 'read' : m.deliveredAt || m.seq <= marks.value.delivered ? 'delivered' : 'sent';
  // One ChatMessage per Message object and state, so unchanged messages keep their identity (memoised views).
  const cache = new WeakMap<Message, ChatMessage>();
  function chat(m: Message): ChatMessage {
    const state = stateOf(m);
    let c = cache.get(m);
    // The key stays the clientMessageId the pending entry had: no remount when a send is confirmed.
    if (c?.state !== state) {
      cache.set(m, (c = { ...m, id: m.messageId, key: m.clientMessageId ?? m.messageId, state, messageType: m.messageType ?? 'text', deleted: !!m.deletedAt, attachment: attachmentOf(m) }));
    }
    return c;
  }
  /**
   * The server's attachment, on attachment messages only; its link kept only when it is one of
   * the server's file links (metadata could carry a planted `javascript:` or foreign URL).
   */
  function attachmentOf(m: Message): ChatAttachment | undefined {
    const a = fileOf(m);
    if (!a || typeof a !== 'object') return undefined;
    const { url, ...rest } = a;
    return FILE_TYPES.includes(m.messageType ?? '') && typeof url === 'string' && /^https?:/i.test(url) && url.startsWith(files) ? a : rest;
  }
  const messages = computed((): readonly ChatMessage[] => [
    ...confirmed.value.map(chat),
    // Pending sends in the order they will reach the server (attachments.ts: files still
    // uploading join the queue when their bytes are up), so nothing moves on confirmation.
    ...outbox.entries.value,
    ...uploads.entries.value,
  ]);
  // #endregion

  return {
    handle: {
      id,
      info,
      messages,
      loading,
      hasOlder,
      closed: computed(() => ended(info.value)),
      readOnly,
      typing: typing.typing,
      async send(body) {
        writable();
        typing.sent();
        // The visitor is back: files that failed for a passing reason go again, as texts do.
        if (loaded) void uploads.flush();
        return outbox.add(body);
      },
      async retry(key) {
        if (!uploads.retry(key)) outbox.retry(key);
      },
      setTyping: typing.set,
      edit: (key, body) => later((o) => o.change(key, 'patch', body)),
      async remove(key) {
        if (uploads.cancel(key)) return;
        // A pending or failed send is dropped before it reaches anyone.
        if (outbox.entries.value.some((e) => e.key === key)) return outbox.confirm(key);
        await later((o) => o.change(key, 'del'));
      },
      // The operations chunk is fetched while the bytes go up: the file's message waits on it
      // (`settled`), and a network that drops after the upload must not fail a delivered file.
      sendFile: (file, name) => (ops().catch(log), uploads.start(file, name)),
      rate: (rating, comment) => later((o) => o.rate(rating, comment)),
      // Nothing to read (the list asks at every scroll to the top): no chunk loaded for it.
      loadOlder: () => (hasOlder.value ? later((o) => o.loadOlder()) : Promise.resolve()),
      refreshAttachments,
      async startNew() {
        adopt(null);
        await load();
      },
    },
    load,
    catchUp,
    receive,
    flush: () => void (loaded && (outbox.flush(), uploads.flush())),
    seen: () => void (readOnly.value || receipts.acknowledge(confirmed.value, true)),
    open,
    ensure,
    destroy() {
      clearTimeout(linkTimer);
      outbox.destroy();
      uploads.destroy();
      typing.reset();
      receipts.reset();
    },
  };
}
