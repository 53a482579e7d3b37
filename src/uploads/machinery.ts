/**
 * The upload machinery (attachments.ts describes the rules): keeping files for a later page,
 * attempts, progress, backoff, the 2-minute deadline and the hand-over to the outbox. A chunk of
 * its own, loaded by the facade on first need (a file sent, or files kept by an earlier page to
 * resume), since most chats never upload anything.
 *
 * Tabs: each file is uploaded by one tab. The tab that has it holds the Web Lock
 * `ringnity:upload:<key>` from the moment it takes the file until the file is done (its message
 * confirmed, cancelled, refused), so another tab resumes a kept file only once that lock is
 * free (at once when the file was kept by a page that closed; when the owning tab closes,
 * later). Without Web Locks a page resumes every kept file it finds when it starts, as the
 * outbox does; each file is kept with its owner, and a tab that finds its file cancelled or
 * taken over (before uploading, and before handing it over) lets it go, so it goes once.
 */
import { batch } from '@preact/signals-core';
import type { AttachmentInfo } from '../contract/extensions.ts';
import { isRuntimeError, toRuntimeError, type RuntimeError } from '../errors.ts';
import { hold, pageLocks } from '../lib/locks.ts';
import { uuid } from '../lib/uuid.ts';
import { late, retryDelay } from '../outbox.ts';
import type { ChatMessage } from '../types.ts';
import { pendingEntry } from './entry.ts';
import { createKeptFiles } from './kept.ts';
import type { Machinery, MachineryContext, Pending } from './types.ts';

export { xhrTransport } from './xhr.ts';

interface Job extends Pending {
  /** The storage write of the file (`true`: kept): no attempt before it, so a reload finds what was tried. */
  kept: Promise<boolean>;
  /** Frees the file's lock (held while this tab has the file). */
  release?: () => void;
  controller: AbortController;
  /** The bytes are up (a later attempt only queues the message). */
  attachment?: AttachmentInfo;
  /** Failed attempts since the last (re)start, for the backoff. */
  tries: number;
  /** Attempt counter: an answer to an attempt given up (deadline, cancel) is ignored. */
  run: number;
  busy: boolean;
  /** Progress since the deadline last looked. */
  moved: boolean;
  /** Waiting out a `Retry-After`: a flush must not cut it short. */
  throttled: boolean;
  /** Uploaded again already because its conversation closed before the message went. */
  again?: boolean;
  timer?: ReturnType<typeof setTimeout>;
  deadline?: ReturnType<typeof setTimeout>;
  lastError?: RuntimeError;
}

// An upload still moving at its deadline gets this much more, again and again while it moves.
const GRACE_MS = 30_000;
const LOCK = 'ringnity:upload:';
// The message's upload belongs to a conversation that closed: the file goes up again into the new one.
const CLOSED: readonly string[] = ['CONVERSATION_CLOSED', 'ATTACHMENT_NOT_FOUND'];
const none = () => undefined;

export function createMachinery(context: MachineryContext): Machinery {
  const { entries, log, deadlineMs = 120_000 } = context;
  const locks = pageLocks(context.locks);
  const me = uuid();
  // Keys whose message the server has (also those confirmed while this code loaded): never uploaded again.
  const confirmed = new Set(context.confirmed);
  const kept = createKeptFiles({
    storage: context.storage,
    log,
    keepBytes: context.keepBytes ?? 50 * 1024 * 1024,
    maxAgeMs: context.keepMs ?? 86_400_000,
    me,
    locks,
    confirmed,
  });
  // Files in the upload stage; and those whose message is in the outbox (their file still kept).
  const jobs = new Map<string, Job>();
  const handed = new Map<string, Job>();
  // Ends the waits for other tabs' files when destroyed.
  const abort = new AbortController();
  let started = false;
  let stopped = false;

  const update = (key: string, patch?: Partial<ChatMessage>) => {
    entries.value = entries.value.flatMap((e) => (e.key !== key ? [e] : patch ? [{ ...e, ...patch }] : []));
  };
  const progress = (job: Job, fraction: number) => update(job.key, { upload: { file: job.file, name: job.name, progress: fraction } });
  const entry = (key: string) => entries.value.find((e) => e.key === key);
  const ours = (job: Job) => jobs.get(job.key) === job || handed.get(job.key) === job;
  const lock = (key: string) => (locks ? hold(locks, LOCK + key, abort.signal) : Promise.resolve(undefined));

  const stopClock = (job: Job) => {
    clearTimeout(job.deadline);
    job.deadline = undefined;
  };
  const halt = (job: Job) => {
    job.run++;
    job.busy = false;
    job.controller.abort();
    clearTimeout(job.timer);
    stopClock(job);
  };

  /** The file is done: forgotten, then its lock freed (a tab waiting on it then finds it gone). */
  function end(job: Job) {
    jobs.delete(job.key);
    handed.delete(job.key);
    void kept.forget(job.key).then(() => job.release?.());
  }

  /** Leaves the upload stage (cancelled, or confirmed before the bytes were up). */
  function drop(job: Job) {
    halt(job);
    update(job.key);
    end(job);
  }

  /** Cancelled in another tab, or taken over by one (no Web Locks): let go, keeping the file for it. */
  function lost(job: Job) {
    log('uploads: the file is another tab’s now', job.key);
    halt(job);
    jobs.delete(job.key);
    update(job.key);
    job.release?.();
    job.settle(null);
  }

  function failed(job: Job, error: RuntimeError) {
    stopClock(job);
    update(job.key, { state: 'failed', error });
    job.fail(error);
    // A refusal gets the same answer after a reload: only this page offers to remove it.
    if (!error.retryable) {
      job.kept = Promise.resolve(false);
      void kept.forget(job.key);
    }
  }

  // Not done in time: an upload still moving gets more time, anything else fails (retryable).
  function expire(job: Job) {
    job.deadline = undefined;
    if (job.busy && job.moved) {
      job.moved = false;
      job.deadline = setTimeout(() => expire(job), GRACE_MS);
      return;
    }
    halt(job);
    failed(job, late(deadlineMs, job.lastError));
  }

  /**
   * The bytes are up: the message goes into the outbox, and this entry leaves in the same update.
   * The file stays kept until the message is confirmed: should its conversation close first, the
   * upload (tied to that conversation) is useless, and the file goes up again into the new one.
   */
  function handOver(job: Job) {
    stopClock(job);
    batch(() => {
      jobs.delete(job.key);
      handed.set(job.key, job);
      update(job.key);
      context.queue(job.attachment!, job.key).catch((e: unknown) => log('uploads: queueing', e));
    });
    context.settled(job.key).then(
      (message) => {
        if (stopped || handed.get(job.key) !== job) return;
        end(job);
        job.settle(message);
      },
      (error: unknown) => {
        if (stopped || handed.get(job.key) !== job) return;
        if (!job.again && context.unqueue && isRuntimeError(error) && CLOSED.includes(error.code)) return upAgain(job);
        end(job);
        job.fail(error);
      },
    );
  }

  /** Back to the upload stage, in place of its failed message, for a new conversation. */
  function upAgain(job: Job) {
    log('uploads: the conversation closed before the message went; uploading again', job.key);
    job.again = true;
    job.attachment = undefined;
    job.tries = 0;
    batch(() => {
      handed.delete(job.key);
      jobs.set(job.key, job);
      context.unqueue!(job.key);
      entries.value = [...entries.value, pendingEntry(job)];
    });
    void go(job);
  }

  const closed = (thrown: unknown) => isRuntimeError(thrown) && thrown.code === 'CONVERSATION_CLOSED';

  /** One attempt: the conversation, the bytes (unless up), then the hand-over to the outbox. */
  async function go(job: Job): Promise<void> {
    if (stopped || job.busy || jobs.get(job.key) !== job) return;
    clearTimeout(job.timer);
    job.throttled = false;
    job.busy = true;
    job.moved = false;
    job.deadline ??= setTimeout(() => expire(job), deadlineMs);
    const run = ++job.run;
    const live = () => !stopped && jobs.get(job.key) === job && job.run === run;
    // Still this tab's to upload (kept ones only: another tab may have cancelled or taken it).
    const mine = async () => !(await job.kept) || (await kept.ours(job.key));
    const controller = (job.controller = new AbortController());
    update(job.key, { state: 'sending', error: undefined, upload: { file: job.file, name: job.name, progress: 0 } });
    try {
      if (!(await mine())) return live() ? lost(job) : undefined;
      // The conversation closed under the upload: once more into a new one, as a message's send does.
      for (let again = false; !job.attachment; again = true) {
        const cid = await context.ensure();
        // Cancelled while the conversation was being created: upload nothing.
        if (!live()) return;
        const form = new FormData();
        form.append('file', job.file, job.name);
        const path = `chat/visitor/conversations/${encodeURIComponent(cid)}/attachments/upload`;
        try {
          ({ attachment: job.attachment } = await context.http.upload<{ attachment: AttachmentInfo }>(path, form, {
            signal: controller.signal,
            onProgress: (fraction) => live() && ((job.moved = true), progress(job, fraction)),
            transport: context.transport,
          }));
        } catch (thrown) {
          if (again || !closed(thrown) || !live()) throw thrown;
          log('uploads: the conversation closed; uploading into a new one');
          context.closed?.(cid);
        }
      }
      // Cancelled once the bytes were up (here or in another tab): the message is not sent.
      if (!live()) return;
      if (!(await mine())) return live() ? lost(job) : undefined;
      if (!live()) return;
      job.busy = false;
      handOver(job);
    } catch (thrown) {
      if (!live()) return;
      job.busy = false;
      const error = (job.lastError = toRuntimeError(thrown, 'uploading a file'));
      log('uploads: attempt', ++job.tries, error);
      if (!error.retryable) return failed(job, error);
      job.throttled = !!error.retryAfterMs;
      job.timer = setTimeout(() => void go(job), retryDelay(job.tries, error, context.backoff));
    }
  }

  const add = (pending: Pending, keeping: Promise<boolean>): Job => {
    const job: Job = { ...pending, kept: keeping, controller: new AbortController(), tries: 0, run: 0, busy: false, moved: false, throttled: false };
    jobs.set(job.key, job);
    return job;
  };

  /** A failed file worth another go (a passing reason) starts over; false for one waiting or refused. */
  const revive = (job: Job) => {
    const error = entry(job.key)?.error;
    if (entry(job.key)?.state !== 'failed' || !error?.retryable) return false;
    job.tries = 0;
    void go(job);
    return true;
  };

  /**
   * Files kept by earlier pages (or by tabs that closed) for this visitor: each is shown and
   * resumed once its lock is this tab's and it is still to upload (not done meanwhile).
   */
  async function restore() {
    const visitor = context.visitorId?.();
    const busy = (key: string) => stopped || jobs.has(key) || handed.has(key) || !!entry(key);
    for (const { key, name, sentAt, visitor: whose } of await kept.list()) {
      if (whose !== visitor || busy(key)) continue;
      void lock(key).then(async (release) => {
        const file = stopped || (locks && !release) ? undefined : await kept.claim(key);
        if (!file || busy(key)) return release?.();
        const job = add({ key, name, sentAt, file, settle: none, fail: none }, Promise.resolve(true));
        job.release = release;
        entries.value = [...entries.value, pendingEntry(job)];
        if (started) void go(job);
      });
    }
  }
  // Shown at once, uploaded from the first flush on; only once the visitor is known (a file is
  // never resumed for another visitor of this browser).
  let restored = context.visitorId && !context.visitorId() ? undefined : restore();

  return {
    take(pending) {
      const job: Job = add(
        pending,
        lock(pending.key).then((release) => {
          job.release = release;
          // Cancelled before the lock came: nothing to keep.
          if (!ours(job)) return (release?.(), false);
          return kept.keep({ key: job.key, name: job.name, sentAt: job.sentAt, visitor: context.visitorId?.() }, job.file);
        }),
      );
      // The visitor is back: what failed for a passing reason goes again, as the outbox does on a send.
      for (const other of jobs.values()) if (other !== job) revive(other);
      if (entry(job.key)?.state === 'sending') void go(job);
    },
    retry(key) {
      const job = jobs.get(key);
      // Only a failed one: a running upload is not started twice.
      if (job && entry(key)?.state === 'failed') {
        job.tries = 0;
        void go(job);
      }
      return !!job;
    },
    cancel(key) {
      const job = jobs.get(key);
      if (!job) return false;
      drop(job);
      job.settle(null);
      return true;
    },
    confirm(key) {
      confirmed.add(key);
      const job = jobs.get(key);
      if (!job) return;
      drop(job);
      context.settled(key).then(job.settle, job.fail);
    },
    async flush() {
      started = true;
      await (restored ??= restore());
      for (const job of jobs.values()) {
        // A failed one starts over; one waiting out its backoff keeps its count (no hammering).
        if (revive(job) || entry(job.key)?.state === 'failed' || job.busy || job.throttled) continue;
        void go(job);
      }
    },
    destroy() {
      stopped = true;
      abort.abort();
      // Kept for a later page (or another tab, now that the locks are free); `done` says nothing more will happen here.
      for (const job of [...jobs.values(), ...handed.values()]) {
        halt(job);
        job.release?.();
        job.settle(null);
      }
    },
  };
}
