/**
 * The shapes shared by the always-loaded upload facade (`../attachments.ts`) and the machinery it
 * loads on first need (`./machinery.ts`). Types only: importing this file loads no code.
 */
import type { ReadonlySignal, Signal } from '@preact/signals-core';
import type { AttachmentInfo } from '../contract/extensions.ts';
import type { HttpClient } from '../http.ts';
import type { BackoffOptions } from '../lib/backoff.ts';
import type { LockManagerLike } from '../lib/locks.ts';
import type { Logger } from '../lib/log.ts';
import type { ChatMessage, FileSend, RuntimeStorage, UploadTransport } from '../types.ts';

export interface UploadsOptions {
  http: HttpClient;
  transport?: UploadTransport;
  /** Namespaced storage (shared by the site's tabs): keys `uploads` and `upload:<key>`. */
  storage: RuntimeStorage;
  log: Logger;
  /** The conversation to upload into (creating it if needed). */
  ensure(): Promise<string>;
  /**
   * The bytes are up: queue the attachment message under `key` (the outbox); resolves once it
   * is stored. Its entry must appear synchronously (the upload's entry leaves in the same batch).
   */
  queue(attachment: AttachmentInfo, key: string): Promise<unknown>;
  /** Settles once the queued message `key` is confirmed (its message), dropped (`null`) or `failed` (rejects). */
  settled(key: string): Promise<ChatMessage | null>;
  /**
   * Drops the queued message `key`: it failed because its conversation closed before it went
   * (`CONVERSATION_CLOSED`, `ATTACHMENT_NOT_FOUND`), and its file goes up again into the new one.
   * Without it, such a file fails.
   */
  unqueue?(key: string): void;
  /** An upload into `conversationId` was refused as closed: the next `ensure()` must start a new one. */
  closed?(conversationId: string): void;
  /**
   * The visitor the session is for (`undefined` until known): a kept file is resumed only by a
   * page of the visitor who sent it, and not before the visitor is known.
   */
  visitorId?(): string | undefined;
  /** Web Locks, so one tab at a time uploads a kept file. @default navigator.locks when it exists; `null`: none */
  locks?: LockManagerLike | null;
  /** Delays between automatic attempts. @default { base: 1000, cap: 30_000 } */
  backoff?: BackoffOptions;
  /** How long after its first attempt an upload not done turns `failed`, in ms. @default 120_000 */
  deadlineMs?: number;
  /** Most bytes of pending files kept in storage for a later page load. @default 50 MB */
  keepBytes?: number;
  /** How long a pending file is kept for a later page load, in ms (older ones are dropped). @default 86_400_000 (24 h) */
  keepMs?: number;
  /**
   * Loads the upload machinery (a separate chunk). A test fakes a failed load with it.
   * @default () => import('./uploads/machinery.ts')
   */
  loadMachinery?: () => Promise<{ createMachinery: (context: MachineryContext) => Machinery }>;
}

export interface Uploads {
  /** Uploads whose bytes are not up yet (`sending` with progress, or `failed`). */
  readonly entries: ReadonlySignal<readonly ChatMessage[]>;
  start(file: Blob, name?: string): FileSend;
  /** Tries a failed upload again; false when `key` is not one. */
  retry(key: string): boolean;
  /** Cancels; false when `key` is not one. */
  cancel(key: string): boolean;
  /** The message arrived (answer or frame, e.g. sent by another tab): drop the entry. */
  confirm(key: string): void;
  /**
   * Starts the uploads kept by an earlier page load (none start before the first call), and, when
   * the connection is back, tries now what waits out a backoff (not a `Retry-After`) or failed
   * for a passing reason.
   */
  flush(): Promise<void>;
  /** Stops; every pending send's `done` resolves `null` (its file stays kept for a later page). */
  destroy(): void;
}

/** A file sent, as the facade hands it to the machinery (its entry is shown already). */
export interface Pending {
  readonly key: string;
  readonly name: string;
  readonly sentAt: string;
  readonly file: Blob;
  /** Settle and reject the send's `done`. */
  settle(message: ChatMessage | null): void;
  fail(error: unknown): void;
}

/** What the machinery works with: the facade's options and its entries. */
export interface MachineryContext extends UploadsOptions {
  entries: Signal<readonly ChatMessage[]>;
  /** Keys confirmed before the machinery came: their kept files are done, not to upload. */
  confirmed?: Iterable<string>;
}

/** The upload machinery: the facade's operations, for the files it was handed and those kept by earlier pages. */
export interface Machinery {
  /** Keeps and takes over `pending`; uploads it now unless it is `failed` (it waits for a retry or flush). */
  take(pending: Pending): void;
  retry(key: string): boolean;
  cancel(key: string): boolean;
  confirm(key: string): void;
  flush(): Promise<void>;
  destroy(): void;
}
