/**
 * Pending sends. Every message gets its `clientMessageId` before anything else, is written to
 * storage before the first attempt, and is retried with that same id until the server confirms
 * it, across failures, reloads and restarts. The server treats a repeated id as the same
 * message, so a retry of a send that did arrive never shows twice.
 *
 * Sends go one at a time in the order they were made, because the server numbers messages in
 * commit order: an unconfirmed message is always resent before a newer one goes out, so the
 * server's `seq` order is the visitor's send order. Entries are the pending part of the
 * timeline, so they are `ChatMessage`s.
 *
 * A transient failure (the network, a 5xx, `RATE_LIMITED`) is retried with capped backoff (or
 * the server's `Retry-After`), and at once on `flush()` (the connection is back), but not
 * forever: an entry not confirmed within 2 minutes of its first attempt turns `failed` with a
 * retryable `NETWORK_ERROR`, and so do those queued behind it (sending them first would reorder
 * them). Retryable failures are sent again by themselves on the next `flush()` or `add()`, so a
 * visitor who looked away loses nothing; an answer that will not change (validation, 403,
 * 404, 409, a closed conversation) marks the entry `failed` for good, for the visitor to retry
 * or remove.
 *
 * Several tabs of one site share the storage: each write re-reads the stored list and merges
 * by `clientMessageId`, so one tab's write does not drop another tab's pending sends.
 */
import { signal, type ReadonlySignal } from '@preact/signals-core';
import { RuntimeError, toRuntimeError } from './errors.ts';
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
  /** How long after its first attempt an unconfirmed entry turns `failed`, in ms. @default 120_000 */
  deadlineMs?: number;
}

export interface Outbox {
  /** Pending sends, oldest first. */
  readonly entries: ReadonlySignal<readonly OutboxEntry[]>;
  /** Queues a message; resolves once it is stored (and about to be sent). */
  add(body: string): Promise<OutboxEntry>;
  /** Sends a `failed` entry again (same id), after the retryable failures before it. */
  retry(clientMessageId: string): void;
  /** The server has this message (its answer or a socket frame came): drop the entry. */
  confirm(clientMessageId: string): void;
  /**
   * Starts sending (entries stored by an earlier page load included; nothing is sent before the
   * first call), or, when the connection is back, tries the next send now instead of waiting out
   * the backoff (a `Retry-After` is still honoured) and resends entries that failed for a
   * retryable reason.
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
  const { storage, deliver, log, deadlineMs = 120_000 } = options;
  const entries = signal<readonly OutboxEntry[]>([]);
  // Ids written to storage: an entry is never attempted before it is persisted.
  const stored = new Set<string>();
  // Ids this tab has confirmed or dropped: a merge with what another tab wrote leaves them out.
  const gone = new Set<string>();
  const attempts = new Map<string, number>();
  let started = false;
  let busy = false;
  let stopped = false;
  // Waiting out a server's `Retry-After`: a flush must not cut it short.
  let throttled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The entry whose 2-minute clock runs, and the clock.
  let head: string | undefined;
  let deadline: ReturnType<typeof setTimeout> | undefined;
  let lastError: RuntimeError | undefined;

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

  const stopClock = () => {
    clearTimeout(deadline);
    head = undefined;
  };
  // Entries that failed for a reason that may have passed go back in line, oldest first.
  const revive = () => {
    if (!entries.value.some((e) => e.error?.retryable)) return;
    entries.value = entries.value.map((e) => (e.state === 'failed' && e.error?.retryable ? (attempts.delete(e.key), { ...e, state: 'sending', error: undefined }) : e));
  };

  // The head was not confirmed in time: it fails, and so does every entry waiting behind it.
  function expire() {
    stopClock();
    clearTimeout(timer);
    throttled = false;
    const error = new RuntimeError('NETWORK_ERROR', `Expected the server to confirm the message within ${deadlineMs / 1000} s of its first attempt, but ${lastError?.message ?? 'no answer came'}.`, {
      cause: lastError,
    });
    entries.value = entries.value.map((e) => (e.state === 'sending' ? { ...e, state: 'failed', error } : e));
  }

  // Sends the oldest `sending` entry, then the next; on a retryable failure waits with backoff.
  async function pump(): Promise<void> {
    const next = entries.value.find((e) => e.state === 'sending');
    // The head waits until it is stored; `add` pumps again then.
    if (busy || stopped || throttled || !started || !next || !stored.has(next.key)) return;
    busy = true;
    clearTimeout(timer);
    const id = next.key;
    if (head !== id) {
      stopClock();
      head = id;
      deadline = setTimeout(expire, deadlineMs);
    }
    let wait = 0;
    try {
      await deliver(next);
      confirm(id);
    } catch (thrown) {
      const error = (lastError = toRuntimeError(thrown, 'sending a message'));
      const count = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, count);
      log('outbox: attempt', count, error);
      if (find(id)?.state !== 'sending') {
        // Confirmed by a socket frame while the request failed, or out of time: nothing to do.
      } else if (error.retryable) {
        wait = Math.max(1 + backoff(count - 1, options.backoff ?? { base: 1_000 }), error.retryAfterMs ?? 0);
        throttled = !!error.retryAfterMs;
      } else {
        stopClock();
        update(id, { state: 'failed', error });
      }
    }
    busy = false;
    if (!wait) return pump();
    timer = setTimeout(() => {
      throttled = false;
      void pump();
    }, wait);
  }

  function confirm(id: string) {
    attempts.delete(id);
    gone.add(id);
    if (head === id) stopClock();
    if (!find(id)) return;
    update(id);
    stored.delete(id);
    void save();
  }

  return {
    entries,
    async add(body) {
      const added = entry({ clientMessageId: uuid(), body, sentAt: new Date().toISOString() });
      // The visitor is back: what failed for a passing reason goes first, keeping the order.
      revive();
      entries.value = [...entries.value, added];
      await save();
      stored.add(added.key);
      void pump();
      return added;
    },
    retry(id) {
      if (find(id)?.state !== 'failed') return;
      revive();
      attempts.delete(id);
      update(id, { state: 'sending', error: undefined });
      void pump();
    },
    confirm,
    async flush() {
      await loaded;
      started = true;
      revive();
      if (!busy && !throttled) clearTimeout(timer);
      void pump();
    },
    destroy() {
      stopped = true;
      clearTimeout(timer);
      stopClock();
    },
  };
}
