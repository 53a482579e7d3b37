/**
 * Attachments (extensions.md §7): a file goes out in two stages. First its bytes are uploaded
 * (multipart, field `file`) into the conversation; then the message naming the upload's
 * `attachmentId` is handed to the outbox, which sends it like a text (same `clientMessageId` =
 * the entry's key, same retries, same 2-minute verdict). The entry shows at once with its
 * progress; cancel aborts and removes it.
 *
 * The upload stage follows the outbox's rules: a failure for a passing reason (the network, a
 * 5xx, `RATE_LIMITED`) is tried again by itself with capped backoff (or the server's
 * `Retry-After`), and at once on `flush()` (the connection is back); an upload not done within
 * 2 minutes of its first attempt turns `failed` with a retryable `NETWORK_ERROR` (an upload
 * still moving then gets 30 s more at a time, so a slow link is not cut off, a stalled one is),
 * and is tried again on the next `flush()` or `retry()`. A refusal (too large, a type the
 * tenant does not take, validation, 403/404/409) is `failed` for good, for the visitor to
 * remove.
 *
 * Order: files upload side by side, and a file's message joins the outbox's one queue when its
 * bytes are up. So messages reach the server (and get their `seq`) in the order they became
 * ready: a text when typed, a file when uploaded; a text typed while a file uploads goes first.
 * The timeline shows it that way from the start (uploading files after every pending text), so
 * nothing moves when the server confirms.
 *
 * Reloads and browser restarts: a pending file is kept in storage (IndexedDB stores Blobs) as
 * `upload:<key>` with an index under `uploads`, and a later page load of the same visitor uploads
 * it again (never another visitor's: a logout does not pass a file on; kept files older than
 * 24 h are dropped). Only up to 50 MB of pending files are kept (a file over the tenant's limit
 * never gets that far: the widget checks it first and the server refuses it at once, which
 * drops it); a file past that cap still uploads from this page, but is gone if the page closes
 * first. The file stays kept until its message is confirmed: should the conversation close
 * before the message goes (the upload belongs to that conversation), it is uploaded again into
 * the new one. A later page that finds its message in the outbox leaves the sending to the
 * outbox; the server deletes an upload no message used within 30 minutes, and such an entry
 * then fails with `ATTACHMENT_NOT_FOUND`. Tabs: one tab at a time uploads a kept file
 * (uploads/machinery.ts).
 *
 * Progress must be real over HTTP/1.1, which a streaming `fetch` cannot give: the default
 * transport is `XMLHttpRequest` (upload progress events) where the platform has it.
 *
 * Loading: most chats never upload, so this file is only a facade (the entries and the
 * operations); the machinery (uploads/, storage and transport included) is its own chunk, loaded
 * with `import()` on the first file sent, or at once when the one small storage key listing kept
 * files is not empty. A file shows at once as `sending` while the chunk loads. If the chunk cannot
 * load (offline), the file turns `failed` with a retryable `NETWORK_ERROR`, and a retry or the
 * next flush loads it again; such a file is not kept for a later page (keeping is machinery).
 */
import { signal } from '@preact/signals-core';
import { chunkError } from './errors.ts';
import { uuid } from './lib/uuid.ts';
import type { ChatMessage, UploadTransport } from './types.ts';
import { pendingEntry } from './uploads/entry.ts';
import { KEPT_INDEX } from './uploads/keys.ts';
import type { Machinery, Pending, Uploads, UploadsOptions } from './uploads/types.ts';

export type { Uploads, UploadsOptions } from './uploads/types.ts';

const machineryChunk = () => import('./uploads/machinery.ts');

/**
 * `XMLHttpRequest` (its upload events give real progress) when the platform has one, loaded with
 * the upload machinery; otherwise `undefined` (the client's `fetch`).
 */
export const defaultTransport = (): UploadTransport | undefined =>
  typeof XMLHttpRequest === 'function' ? (request) => machineryChunk().then((m) => m.xhrTransport(request)) : undefined;

const none = () => undefined;

export function createUploads(options: UploadsOptions): Uploads {
  const { log, loadMachinery = machineryChunk } = options;
  const entries = signal<readonly ChatMessage[]>([]);
  // Files sent before the machinery came: it is loading, or could not load.
  const waiting = new Map<string, Pending>();
  let machinery: Machinery | undefined;
  let loading: Promise<Machinery | undefined> | undefined;
  let stopped = false;
  // Keys confirmed while kept files wait for the machinery: it must not upload those again.
  let confirmed: Set<string> | undefined = new Set();

  const update = (key: string, patch?: Partial<ChatMessage>) => {
    entries.value = entries.value.flatMap((e) => (e.key !== key ? [e] : patch ? [{ ...e, ...patch }] : []));
  };
  const failed = (key: string) => entries.value.some((e) => e.key === key && e.state === 'failed');
  // A file the machinery could not load for, tried again: `sending` while it loads.
  const again = (p: Pending) => update(p.key, { state: 'sending', error: undefined, upload: { file: p.file, name: p.name, progress: 0 } });

  /**
   * Loads the machinery once and hands it the waiting files. A failed load fails them (retryable;
   * `done` rejects, as on any failure) and is forgotten, so the next call loads again.
   */
  function load(): Promise<Machinery | undefined> {
    return (loading ??= loadMachinery().then(
      ({ createMachinery }) => {
        if (stopped) return undefined;
        const loaded = (machinery = createMachinery({ ...options, entries, confirmed }));
        confirmed = undefined;
        for (const p of waiting.values()) loaded.take(p);
        waiting.clear();
        return loaded;
      },
      (thrown: unknown) => {
        loading = undefined;
        log('uploads: loading the machinery', thrown);
        const error = chunkError('upload', thrown);
        for (const p of waiting.values()) {
          if (failed(p.key)) continue;
          update(p.key, { state: 'failed', error });
          p.fail(error);
        }
        return undefined;
      },
    ));
  }

  // Files kept by an earlier page load are the machinery's to show and resume: one small key
  // tells whether there are any. Read at once (they show at once), and again by a flush while
  // the machinery is not there (it may have failed to load).
  const anyKept = () =>
    options.storage.get<readonly unknown[]>(KEPT_INDEX).then(
      (list) => !!list?.length,
      (e: unknown) => (log('uploads: storage', e), false),
    );
  const resumed = anyKept().then((any) => (any ? load() : void (confirmed = undefined)));

  function cancel(key: string) {
    if (machinery) return machinery.cancel(key);
    const p = waiting.get(key);
    if (!p) return false;
    waiting.delete(key);
    update(key);
    p.settle(null);
    return true;
  }

  return {
    entries,
    start(file, name = (file as { name?: string }).name || 'file') {
      let settle!: Pending['settle'];
      let fail!: Pending['fail'];
      const done = new Promise<ChatMessage | null>((resolve, reject) => ((settle = resolve), (fail = reject)));
      // Handled here too: a caller that follows `messages` instead of `done` gets no unhandled rejection.
      done.catch(none);
      const p: Pending = { key: uuid(), name, sentAt: new Date().toISOString(), file, settle, fail };
      entries.value = [...entries.value, pendingEntry(p)];
      if (machinery) machinery.take(p);
      else {
        waiting.set(p.key, p);
        void load();
      }
      return { key: p.key, done, cancel: () => void cancel(p.key) };
    },
    retry(key) {
      if (machinery) return machinery.retry(key);
      const p = waiting.get(key);
      // Only a failed one (the machinery could not load), not one whose machinery is on its way.
      if (p && failed(key)) {
        again(p);
        void load();
      }
      return !!p;
    },
    cancel,
    // Before the machinery, only a kept file's key can be confirmed (its message went from the outbox).
    confirm: (key) => void (machinery ? machinery.confirm(key) : confirmed?.add(key)),
    async flush() {
      await resumed;
      // Nothing sent and nothing kept: the machinery is not loaded for nothing.
      if (!machinery && !waiting.size && !(await anyKept())) return;
      for (const p of waiting.values()) if (failed(p.key)) again(p);
      await (await load())?.flush();
    },
    destroy() {
      stopped = true;
      machinery?.destroy();
      for (const p of waiting.values()) p.settle(null);
      waiting.clear();
    },
  };
}
