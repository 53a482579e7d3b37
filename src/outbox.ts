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
 * A file's message joins the queue once its bytes are up (attachments.ts) and is then one
 * more entry under the same rules; it is stored with the uploaded file's `AttachmentInfo`, not
 * the bytes (the server deletes an upload no message used within 30 minutes, so an entry
 * left longer, e.g. a browser closed for an hour right after the upload, fails with
 * `ATTACHMENT_NOT_FOUND`).
 *
 * Several tabs of one site share the storage: each write re-reads the stored list and merges
 * by `clientMessageId`, so one tab's write does not drop another tab's pending sends. Each
 * entry is stored with its owner, the outbox (one per tab) that sends it; each outbox holds a
 * Web Lock named for its id while it lives, and waits on the lock of every other owner it
 * finds in storage (on load, on each write, on each `flush()`). The browser frees a closed or
 * crashed tab's lock at once, so a waiting tab gets it then, and adopts that owner's entries:
 * under the outbox's own lock (which every write takes, so no write of a stale list undoes
 * it), it re-reads storage, makes them its own and sends them in `sentAt` order, once (the
 * next tab granted that lock finds none left). Entries stored before owners were recorded
 * are adopted at once the same way. A page lets go of its lock on `pagehide` (a page holding
 * one is kept out of the back/forward cache) and takes it again when restored; what the other
 * tabs adopted meanwhile may then go from both, once on the server.
 *
 * Without Web Locks (Safari before 15.4, Node), an outbox reads storage once, when it is
 * created, and takes everything it finds: a closed tab's sends then wait for the next page
 * load of the site (or go twice from two tabs; the server keeps one, by `clientMessageId`).
 */
import { signal, type ReadonlySignal } from '@preact/signals-core';
import { RuntimeError, toRuntimeError } from './errors.ts';
import { backoff, type BackoffOptions } from './lib/backoff.ts';
import { onPage } from './lib/env.ts';
import { exclusive as underLock, hold, pageLocks, type LockManagerLike } from './lib/locks.ts';
import type { Logger } from './lib/log.ts';
import { uuid } from './lib/uuid.ts';
import type { AttachmentInfo } from './contract/extensions.ts';
import type { ChatMessage, RuntimeStorage } from './types.ts';

/** One pending send: a visitor message in state `sending` or `failed`, keyed by its `clientMessageId`. */
export type OutboxEntry = ChatMessage & { readonly clientMessageId: string };

// What survives a reload; the rest is derived. A file's message keeps its uploaded file (its
// `attachmentId`, and what the timeline shows until the server confirms it).
// `owner`: the outbox that sends it (absent in entries stored by older versions).
type Stored = Pick<OutboxEntry, 'clientMessageId' | 'body' | 'sentAt'> & { attachment?: AttachmentInfo; owner?: string };

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
  /** Web Locks, to adopt a closed tab's sends. @default navigator.locks when it exists; `null`: none */
  locks?: LockManagerLike | null;
}

export interface Outbox {
  /** Pending sends, oldest first. */
  readonly entries: ReadonlySignal<readonly OutboxEntry[]>;
  /**
   * Queues a message; resolves once it is stored (and about to be sent). A file's message (its
   * bytes are up) comes with its `attachment` and keeps the upload's `key` as its id; a key
   * already queued is not queued twice.
   */
  add(body: string, file?: { key: string; attachment: AttachmentInfo }): Promise<OutboxEntry>;
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

/** The storage key of the pending list (the upload code reads it too, to skip queued files). */
export const OUTBOX_KEY = 'outbox';
const KEY = OUTBOX_KEY;
// An outbox's lifetime lock, by its id; and the lock every read-modify-write of the list takes.
const LIFE = 'ringnity:outbox:';
const WRITE = 'ringnity:outbox';
// Ties (a burst within one millisecond) keep their order: the sort is stable.
const bySentAt = (a: { sentAt: string }, b: { sentAt: string }) => (a.sentAt < b.sentAt ? -1 : +(a.sentAt > b.sentAt));

/** The wait before automatic attempt `tries + 1`: backoff, or longer when the server said so (`Retry-After`). Shared with attachments.ts. */
export const retryDelay = (tries: number, error: RuntimeError, options: BackoffOptions = { base: 1_000 }) =>
  Math.max(1 + backoff(tries - 1, options), error.retryAfterMs ?? 0);

/** The verdict on a send (or an upload) not confirmed within `ms` of its first attempt. Shared with attachments.ts. */
export const late = (ms: number, last?: RuntimeError) =>
  new RuntimeError('NETWORK_ERROR', `Expected the server to confirm the message within ${ms / 1000} s of its first attempt, but ${last?.message ?? 'no answer came'}.`, { cause: last });

const entry = ({ clientMessageId, body, sentAt, attachment }: Stored): OutboxEntry => ({
  id: clientMessageId,
  key: clientMessageId,
  clientMessageId,
  body,
  sentAt,
  senderType: 'visitor',
  state: 'sending',
  messageType: attachment?.kind ?? 'text',
  ...(attachment && { attachment }),
});
const stored = (owner: string) => ({ clientMessageId, body, sentAt, attachment }: OutboxEntry): Stored => ({
  clientMessageId,
  body,
  sentAt,
  owner,
  ...(attachment && { attachment: attachment as AttachmentInfo }),
});

export function createOutbox(options: OutboxOptions): Outbox {
  const { storage, deliver, log, deadlineMs = 120_000 } = options;
  const locks = pageLocks(options.locks);
  const me = uuid();
  // Ends this outbox's lifetime lock and its waits on other owners' locks.
  let abort = new AbortController();
  let release: (() => void) | undefined;
  // Owners whose lock this outbox waits on (or got).
  const watched = new Set<string | undefined>();
  const entries = signal<readonly OutboxEntry[]>([]);
  // Ids written to storage: an entry is never attempted before it is persisted.
  const kept = new Set<string>();
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

  // Granted once the owner's tab is gone (at once for entries without an owner): adopt its entries.
  const watch = (owner?: string) => {
    if (!locks || owner === me || watched.has(owner)) return;
    watched.add(owner);
    locks
      .request(LIFE + owner, { signal: abort.signal }, async () => void adopt((s) => s.owner === owner))
      .catch(() => undefined);
  };
  // One read-modify-write of the stored list at a time, across tabs too (where there are locks).
  const exclusive = (fn: () => Promise<void>) => safely(underLock(locks, WRITE, fn));
  // Takes the lifetime lock. Storage is written once it is ours, so a tab that finds our
  // entries queues behind us.
  const live = (lm: LockManagerLike) => {
    abort = new AbortController();
    watched.clear();
    return hold(lm, LIFE + me, abort.signal).then((r) => void (release = r));
  };
  const leave = () => {
    abort.abort();
    release?.();
  };
  let saving: Promise<unknown> = locks ? live(locks) : Promise.resolve();
  // Let go on `pagehide` (a page holding a lock is kept out of the back/forward cache; one
  // going away should leave its sends to the other tabs at once), taken again when restored.
  const unlisten = locks
    ? onPage({
        hide: leave,
        restore() {
          saving = saving.then(() => live(locks));
          void scan();
        },
      })
    : undefined;
  // Writes the list: what other outboxes stored (minus what this one dropped) and ours.
  const write = (saved: Stored[] = []) => {
    for (const s of saved) watch(s.owner);
    const others = saved.filter((s) => !gone.has(s.clientMessageId) && !find(s.clientMessageId));
    return storage.set(KEY, [...others, ...entries.value.map(stored(me))].sort(bySentAt));
  };
  const save = () => (saving = saving.then(() => exclusive(async () => write(await storage.get<Stored[]>(KEY)))));
  // Makes the stored entries that `pick` selects ours (re-read under the write lock: another tab
  // may have adopted them first), in `sentAt` order among ours, and sends them.
  const adopt = (pick: (s: Stored) => boolean) =>
    (saving = saving.then(() =>
      exclusive(async () => {
        const saved = await storage.get<Stored[]>(KEY);
        const found = saved?.filter((s) => pick(s) && !gone.has(s.clientMessageId) && !find(s.clientMessageId)) ?? [];
        if (!found.length) return;
        entries.value = [...entries.value, ...found.map(entry)].sort(bySentAt);
        await write(saved);
        for (const s of found) kept.add(s.clientMessageId);
        void pump();
      }),
    ));
  // Looks for owners to wait on.
  const scan = () => safely(storage.get<Stored[]>(KEY).then((saved) => saved?.forEach((s) => watch(s.owner))));
  // Entries from an earlier page load go first; writes queue behind this read so they never
  // overwrite what it has not seen yet. With locks, the load is a scan: an earlier page's
  // lock is free, so its entries are adopted at once.
  const loaded = locks ? scan() : adopt(() => true);

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
    const error = late(deadlineMs, lastError);
    entries.value = entries.value.map((e) => (e.state === 'sending' ? { ...e, state: 'failed', error } : e));
  }

  // Sends the oldest `sending` entry, then the next; on a retryable failure waits with backoff.
  async function pump(): Promise<void> {
    const next = entries.value.find((e) => e.state === 'sending');
    // The head waits until it is stored; `add` pumps again then.
    if (busy || stopped || throttled || !started || !next || !kept.has(next.key)) return;
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
        wait = retryDelay(count, error, options.backoff);
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
    kept.delete(id);
    void save();
  }

  return {
    entries,
    async add(body, file) {
      const queued = file && find(file.key);
      if (queued) return queued;
      const added = entry({ clientMessageId: file?.key ?? uuid(), body, sentAt: new Date().toISOString(), attachment: file?.attachment });
      // The visitor is back: what failed for a passing reason goes first, keeping the order.
      revive();
      entries.value = [...entries.value, added];
      await save();
      kept.add(added.key);
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
      // A tab may have stored sends and closed since this one last looked.
      void scan();
    },
    destroy() {
      stopped = true;
      unlisten?.();
      leave();
      clearTimeout(timer);
      stopClock();
    },
  };
}
