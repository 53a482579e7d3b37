/**
 * Pending sends. Every message gets its `clientMessageId` before anything else, is written to
 * storage before the first attempt, and is retried with that same id until the server confirms
 * it, across failures, reloads and restarts. The server treats a repeated id as the same
 * message, so a retry of a send that did arrive never shows twice.
 *
 * Sends go one at a time in the order they were made, because the server numbers messages in
 * commit order. Entries are the pending part of the timeline, so they are `ChatMessage`s.
 *
 * A transient failure (the network, a restarting server) never fails an entry: it is retried
 * with capped backoff, and at once on `flush()` (the socket is back). Only an answer that will
 * not change (a 4xx other than 408/429) marks it `failed`, for the visitor to retry or remove.
 *
 * Several tabs of one site share the storage: each write re-reads the stored list and merges
 * by `clientMessageId`, so one tab's write does not drop another tab's pending sends.
 */
import { signal, type ReadonlySignal } from '@preact/signals-core';
import { toRuntimeError } from './errors.ts';
import { backoff, type BackoffOptions } from './lib/backoff.ts';
import type { Logger } from './lib/log.ts';
import { uuid } from './lib/uuid.ts';
import type { ChatMessage, RuntimeStorage } from './types.ts';

/** One pending send: a visitor message in state `sending` or `failed`, keyed by its `clientMessageId`. */
export type OutboxEntry = ChatMessage & { readonly clientMessageId: string };

// What survives a reload; the rest is derived.
type Stored = Pick<OutboxEntry, 'clientMessageId' | 'body' | 'sentAt'>;

export interface OutboxOptions {
  /** Namespaced storage (shared by the site's tabs); the outbox uses the key `outbox`. */
  storage: RuntimeStorage;
  /** Sends one entry; resolves once the server has it. Must send `entry.clientMessageId`. */
  deliver: (entry: OutboxEntry) => Promise<unknown>;
  log: Logger;
  /** Delays between automatic attempts. @default { base: 1000, cap: 30_000 } */
  backoff?: BackoffOptions;
}

export interface Outbox {
  /** Pending sends, oldest first. */
  readonly entries: ReadonlySignal<readonly OutboxEntry[]>;
  /** Queues a message; resolves once it is stored (and about to be sent). */
  add(body: string): Promise<OutboxEntry>;
  /** Sends a `failed` entry again (same id). */
  retry(clientMessageId: string): void;
  /** The server has this message (its answer or a socket frame came): drop the entry. */
  confirm(clientMessageId: string): void;
  /**
   * Starts sending (entries stored by an earlier page load included; nothing is sent before the
   * first call), or tries the next send now instead of waiting out the backoff.
   */
  flush(): Promise<void>;
  destroy(): void;
}

const KEY = 'outbox';

const entry = ({ clientMessageId, body, sentAt }: Stored): OutboxEntry => ({
  id: clientMessageId,
  key: clientMessageId,
  clientMessageId,
  body,
  sentAt,
  senderType: 'visitor',
  state: 'sending',
  messageType: 'text',
});

export function createOutbox(options: OutboxOptions): Outbox {
  const { storage, deliver, log } = options;
  const entries = signal<readonly OutboxEntry[]>([]);
  // Ids written to storage: an entry is never attempted before it is persisted.
  const stored = new Set<string>();
  // Ids this tab has confirmed or dropped: a merge with what another tab wrote leaves them out.
  const gone = new Set<string>();
  const attempts = new Map<string, number>();
  let started = false;
  let busy = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const find = (id: string) => entries.value.find((e) => e.clientMessageId === id);
  const update = (id: string, patch?: Partial<OutboxEntry>) => {
    entries.value = entries.value.flatMap((e) => (e.clientMessageId !== id ? [e] : patch ? [{ ...e, ...patch }] : []));
  };
  const safely = (p: Promise<unknown>) => p.catch((e: unknown) => log('outbox: storage', e));
  // Entries from an earlier page load go first; writes queue behind this read so they never
  // overwrite what it has not seen yet.
  const loaded = safely(
    storage.get<Stored[]>(KEY).then((saved = []) => {
      const fresh = saved.filter((s) => !find(s.clientMessageId));
      for (const s of fresh) stored.add(s.clientMessageId);
      entries.value = [...fresh.map(entry), ...entries.value];
    }),
  );
  let saving = loaded;
  const save = () =>
    (saving = saving.then(() =>
      safely(
        storage.get<Stored[]>(KEY).then((saved = []) => {
          const mine = entries.value.map(({ clientMessageId, body, sentAt }): Stored => ({ clientMessageId, body, sentAt }));
          const others = saved.filter((s) => !gone.has(s.clientMessageId) && !find(s.clientMessageId));
          return storage.set(KEY, [...others, ...mine].sort((a, b) => (a.sentAt < b.sentAt ? -1 : 1)));
        }),
      ),
    ));

  // Sends the oldest `sending` entry, then the next; on a retryable failure waits with backoff.
  async function pump(): Promise<void> {
    const next = entries.value.find((e) => e.state === 'sending');
    // The head waits until it is stored; `add` pumps again then.
    if (busy || stopped || !started || !next || !stored.has(next.key)) return;
    busy = true;
    clearTimeout(timer);
    const id = next.key;
    let wait = 0;
    try {
      await deliver(next);
      confirm(id);
    } catch (thrown) {
      const error = toRuntimeError(thrown, 'sending a message');
      const count = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, count);
      log('outbox: attempt', count, error);
      // "Sent when you're back" is the promise: a transient failure never gives up.
      if (!find(id)) {
        // Confirmed by a socket frame while the request failed: done.
      } else if (error.retryable) {
        wait = 1 + backoff(count - 1, options.backoff ?? { base: 1_000 });
      } else {
        update(id, { state: 'failed', error });
      }
    }
    busy = false;
    if (wait) timer = setTimeout(pump, wait);
    else return pump();
  }

  function confirm(id: string) {
    attempts.delete(id);
    gone.add(id);
    if (!find(id)) return;
    update(id);
    stored.delete(id);
    void save();
  }

  return {
    entries,
    async add(body) {
      const added = entry({ clientMessageId: uuid(), body, sentAt: new Date().toISOString() });
      entries.value = [...entries.value, added];
      await save();
      stored.add(added.key);
      void pump();
      return added;
    },
    retry(id) {
      if (find(id)?.state !== 'failed') return;
      attempts.delete(id);
      update(id, { state: 'sending', error: undefined });
      void pump();
    },
    confirm,
    async flush() {
      await loaded;
      started = true;
      if (!busy) clearTimeout(timer);
      void pump();
    },
    destroy() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
