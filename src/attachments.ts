/**
 * Attachments (extensions.md §7): a file is uploaded (multipart, field `file`) into the
 * conversation, then sent as a message naming the upload's `attachmentId`. The entry shows at
 * once with its progress; a failure leaves it `failed` for a retry that does not upload again
 * when only the message was missing; cancel aborts and removes it.
 *
 * Progress must be real over HTTP/1.1, which a streaming `fetch` cannot give: the default
 * transport is `XMLHttpRequest` (upload progress events) where the platform has it.
 */
import { signal, type ReadonlySignal } from '@preact/signals-core';
import type { AttachmentInfo } from './contract/extensions.ts';
import type { HttpClient } from './http.ts';
import { uuid } from './lib/uuid.ts';
import type { ChatMessage, FileSend, MessageType, UploadTransport } from './types.ts';

/** Sends a multipart body with `XMLHttpRequest`, reporting upload progress. */
export const xhrTransport: UploadTransport = ({ url, headers, body, signal, onProgress }) =>
  new Promise((resolve, reject) => {
    // Cancelled before it started: no request at all (an `abort` listener would never hear it).
    signal.throwIfAborted();
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => resolve({ status: xhr.status, body: xhr.responseText });
    xhr.onerror = xhr.onabort = xhr.ontimeout = () => reject(new TypeError('the upload did not complete'));
    signal.addEventListener('abort', () => xhr.abort());
    xhr.send(body);
  });

/** `XMLHttpRequest` when the platform has one; otherwise `undefined` (the client's `fetch`). */
export const defaultTransport = (): UploadTransport | undefined => (typeof XMLHttpRequest === 'function' ? xhrTransport : undefined);

export interface UploadsOptions {
  http: HttpClient;
  transport?: UploadTransport;
  /** The conversation to upload into (creating it if needed). */
  ensure(): Promise<string>;
  /** Sends the attachment message (with `clientMessageId` = the entry's key) and shows it. */
  send(conversationId: string, attachment: AttachmentInfo, key: string): Promise<ChatMessage>;
}

export interface Uploads {
  /** Uploads not yet sent (`sending` with progress, or `failed`). */
  readonly entries: ReadonlySignal<readonly ChatMessage[]>;
  start(file: Blob, name?: string): FileSend;
  /** Tries a failed upload again; false when `key` is not one. */
  retry(key: string): boolean;
  /** Cancels; false when `key` is not one. */
  cancel(key: string): boolean;
  /** The message arrived (answer or frame): drop the entry. */
  confirm(key: string): void;
}

interface Job {
  file: Blob;
  name: string;
  controller: AbortController;
  attachment?: AttachmentInfo;
  settle(message: ChatMessage | null): void;
  fail(error: unknown): void;
}

export function createUploads(options: UploadsOptions): Uploads {
  const entries = signal<readonly ChatMessage[]>([]);
  const jobs = new Map<string, Job>();
  const update = (key: string, patch?: Partial<ChatMessage>) => {
    entries.value = entries.value.flatMap((e) => (e.key !== key ? [e] : patch ? [{ ...e, ...patch }] : []));
  };
  const progress = (key: string, job: Job, fraction: number) => update(key, { upload: { file: job.file, name: job.name, progress: fraction } });

  async function run(key: string, job: Job) {
    update(key, { state: 'sending', error: undefined });
    progress(key, job, 0);
    try {
      const cid = await options.ensure();
      // Cancelled while the conversation was being created: upload nothing.
      if (!jobs.has(key)) return;
      if (!job.attachment) {
        const form = new FormData();
        form.append('file', job.file, job.name);
        const path = `chat/visitor/conversations/${encodeURIComponent(cid)}/attachments/upload`;
        ({ attachment: job.attachment } = await options.http.upload<{ attachment: AttachmentInfo }>(path, form, {
          signal: job.controller.signal,
          onProgress: (fraction) => jobs.has(key) && progress(key, job, fraction),
          transport: options.transport,
        }));
      }
      // Cancelled once the bytes were up: the message is not sent.
      if (!jobs.has(key)) return;
      job.settle(await options.send(cid, job.attachment, key));
      confirm(key);
    } catch (error) {
      if (!jobs.has(key)) return;
      update(key, { state: 'failed', error: error as ChatMessage['error'] });
      job.fail(error);
    }
  }

  function confirm(key: string) {
    jobs.delete(key);
    update(key);
  }

  function cancel(key: string) {
    const job = jobs.get(key);
    job?.controller.abort();
    job?.settle(null);
    confirm(key);
    return !!job;
  }

  return {
    entries,
    start(file, name = (file as { name?: string }).name || 'file') {
      const key = uuid();
      let settle!: Job['settle'];
      let fail!: Job['fail'];
      const done = new Promise<ChatMessage | null>((resolve, reject) => ((settle = resolve), (fail = reject)));
      // Handled here too: a caller that follows `messages` instead of `done` gets no unhandled rejection.
      done.catch(() => undefined);
      const job: Job = { file, name, controller: new AbortController(), settle, fail };
      jobs.set(key, job);
      const messageType: MessageType = /^(image|audio|video)\//.exec(file.type)?.[1] ?? 'file';
      entries.value = [...entries.value, { id: key, key, clientMessageId: key, body: '', senderType: 'visitor', sentAt: new Date().toISOString(), state: 'sending', messageType }];
      void run(key, job);
      return { key, done, cancel: () => void cancel(key) };
    },
    retry(key) {
      const job = jobs.get(key);
      // Only a failed one: a running upload is not started twice.
      if (job && entries.value.some((e) => e.key === key && e.state === 'failed')) {
        job.controller = new AbortController();
        void run(key, job);
      }
      return !!job;
    },
    cancel,
    confirm,
  };
}
