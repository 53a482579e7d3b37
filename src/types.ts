/**
 * Public types of the runtime core. `index.ts` re-exports these; the implementation lives in
 * one file per concept. Kept in one place so the widget and SPAs code against a stable shape.
 */
import type { ReadonlySignal } from '@preact/signals-core';
import type {
  Conversation,
  ErrorCode,
  Message,
  RuntimeBootstrap,
  SenderType,
  VisitorIdentity,
} from './contract/extensions.ts';
import type { RuntimeError } from './errors.ts';

/** Where the runtime keeps what must survive a reload (the visitor credential, the outbox). */
export interface RuntimeStorage {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
}

/** The subset of the WebSocket constructor the runtime uses (browser, `ws`, React Native). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: () => void): void;
}
export type WebSocketFactory = new (url: string) => WebSocketLike;

/** Options of {@link createRuntime}. */
export interface RuntimeOptions {
  /**
   * Base URL of the Ringnity API, including the `/api` prefix.
   * @example 'https://api.ringnity.com/api'
   */
  baseUrl: string;
  /** Public tenant slug. One of `slug` or `publicKey` is required. */
  slug?: string;
  /** Public widget key (legacy alternative to `slug`). */
  publicKey?: string;
  /** Unverified visitor details shown to agents as such. */
  visitor?: VisitorIdentity;
  /** A visitor context token minted by the site's backend (verified identity). */
  contextToken?: string;
  /**
   * Persistent storage for the visitor credential and the outbox.
   * @default IndexedDB (idb-keyval) when available, otherwise in memory
   */
  storage?: RuntimeStorage;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** @default globalThis.WebSocket */
  WebSocket?: WebSocketFactory;
  /**
   * Open the realtime socket. Turn off for request/response-only use.
   * @default true
   */
  realtime?: boolean;
  /** Log what the runtime does to the console. @default false */
  debug?: boolean;
}

/**
 * Connection status of the runtime's realtime socket, as a small public state machine:
 * `idle` before `start()` (and throughout with `realtime: false`), `connecting` until the first
 * `ready`, `reconnecting` while it is down (`offline` when the device says it is), `closed` after
 * `destroy()`.
 */
export type RuntimeStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'closed';

/** Delivery state of one message as the visitor sees it. */
export type MessageState = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

/** One message in the visitor's timeline: a confirmed server message or a pending send. */
export interface ChatMessage {
  /** `messageId` once the server confirmed it, else `clientMessageId`. Stable React/Preact key: use `key`. */
  readonly id: string;
  /** Stable across the pending → confirmed transition; use it as the list key. */
  readonly key: string;
  readonly clientMessageId?: string;
  /** Server order; absent while pending. */
  readonly seq?: number;
  readonly body: string;
  readonly senderType: SenderType;
  readonly senderName?: string;
  /** ISO time the message was sent (local time for pending sends). */
  readonly sentAt: string;
  readonly state: MessageState;
  /** Why a send failed (state `failed`). */
  readonly error?: RuntimeError;
}

/** The visitor's current conversation. */
export interface ConversationHandle {
  /** Conversation id, `null` until the visitor's first message creates it. */
  readonly id: ReadonlySignal<string | null>;
  /** The conversation record (status, assignee), `null` before it exists. */
  readonly info: ReadonlySignal<Conversation | null>;
  /** Timeline: confirmed messages by `seq`, then pending sends in the order they were made. */
  readonly messages: ReadonlySignal<readonly ChatMessage[]>;
  /** True while history is being read. */
  readonly loading: ReadonlySignal<boolean>;
  /**
   * Send a text message. Resolves when the message is queued and stored (shown as `sending`),
   * not when the server confirms it; follow `messages` for its state. Messages queued before
   * `start()` are sent once it has run. When the conversation was closed, the send starts a new
   * one (and the timeline then shows the new conversation).
   */
  send(body: string): Promise<ChatMessage>;
  /** Send a failed message (by its `key`) again, with the same `clientMessageId`. */
  retry(key: string): Promise<void>;
}

/** Events the runtime emits besides its signals. */
export interface RuntimeEvents {
  /** A message from someone else arrived live. */
  message: Message;
  /** A failure the caller may want to show (also set on `runtime.error` when fatal). */
  error: RuntimeError;
}

/** The runtime for one visitor of one tenant. */
export interface Runtime {
  /** Connection status. */
  readonly status: ReadonlySignal<RuntimeStatus>;
  /** Tenant bootstrap (branding, services), `null` until loaded. */
  readonly bootstrap: ReadonlySignal<RuntimeBootstrap | null>;
  /** A fatal start-up error (e.g. `SDK_ORIGIN_NOT_ALLOWED`), `null` when fine. */
  readonly error: ReadonlySignal<RuntimeError | null>;
  /** Messages from others not yet seen by the visitor. */
  readonly unread: ReadonlySignal<number>;
  /** The visitor's current conversation. */
  readonly conversation: ConversationHandle;
  /**
   * Bootstrap, open a session, resume the open conversation and connect realtime.
   * Idempotent: calling it again returns the same promise. Rejects with a `RuntimeError`; after
   * a transient (`retryable`) failure a new call tries again, a fatal one also sets `error`.
   */
  start(): Promise<void>;
  /** Tell the runtime whether the visitor is looking at the conversation (clears `unread`). */
  setVisible(visible: boolean): void;
  /** Subscribe to an event; returns the unsubscribe function. */
  on<E extends keyof RuntimeEvents>(event: E, listener: (payload: RuntimeEvents[E]) => void): () => void;
  /** Close the socket and stop timers. The runtime cannot be started again. */
  destroy(): void;
}

export type { ErrorCode };
