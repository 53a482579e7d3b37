/**
 * Public types of the runtime core. `index.ts` re-exports these; the implementation lives in
 * one file per concept. Kept in one place so the widget and SPAs code against a stable shape.
 */
import type { ReadonlySignal } from '@preact/signals-core';
import type {
  AttachmentInfo,
  Availability,
  Conversation,
  ErrorCode,
  Message,
  RuntimeBootstrap,
  SenderType,
  VisitorIdentity,
} from './contract/extensions.ts';
import type { RuntimeError } from './errors.ts';
import type { AiChat } from './ai/types.ts';
import type { Calls } from './calls/types.ts';
import type { Devices } from './devices/types.ts';

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
   * Asks the site's backend for a new visitor context token (`POST /server/visitor-context-token`
   * there, never from the page: it needs the Server API key). Called before every session
   * minting (the start, each renewal ahead of the session's expiry, a renewal after it expired),
   * so a verified visitor stays verified past any one context token's lifetime; `contextToken`
   * is then not needed. Without it, a renewal after the given `contextToken` expired fails with
   * `TOKEN_EXPIRED`.
   * @default none
   * @example
   * getContextToken: () => fetch('/my-backend/ringnity-token').then((r) => r.json()).then((j) => j.token)
   */
  getContextToken?: () => string | Promise<string>;
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
  /**
   * Share one realtime socket among the tabs of this site and visitor: the tabs elect a leader
   * (Web Locks, else a `BroadcastChannel` protocol) that holds the socket and relays its events;
   * when it closes another tab takes over. Unread counts clear in every tab when one looks.
   * @default true in a browser page with `BroadcastChannel`; false elsewhere (Node, workers,
   * React Native), where each runtime keeps its own socket
   */
  shareConnection?: boolean;
  /** Log what the runtime does to the console. @default false */
  debug?: boolean;
  /**
   * Sends an attachment upload. Uploads need real progress, which a streaming `fetch` cannot
   * report over HTTP/1.1.
   * @default `XMLHttpRequest` when the platform has it (progress events), else `fetch` (progress
   * jumps from 0 to 1 when the answer comes)
   */
  upload?: UploadTransport;
  /** Media devices for calls (React Native: react-native-webrtc's). @default globalThis.navigator.mediaDevices */
  mediaDevices?: MediaDevices;
  /** The WebRTC peer connection for calls. @default globalThis.RTCPeerConnection */
  RTCPeerConnection?: typeof RTCPeerConnection;
}

/** One multipart upload as an {@link UploadTransport} gets it. */
export interface UploadRequest {
  /** Absolute URL to `POST` to. */
  url: string;
  /** Headers to send (the session token); the transport adds the multipart `Content-Type` itself. */
  headers: Record<string, string>;
  /** The multipart body, with the file in the field `file`. */
  body: FormData;
  /** Aborts the upload (cancel). */
  signal: AbortSignal;
  /** Call with the share of the body sent so far, from 0 to 1. */
  onProgress(fraction: number): void;
}

/** The raw answer to an upload: the runtime reads the envelope itself. */
export interface UploadResponse {
  status: number;
  /** The response body as text. */
  body: string;
  /** The answer's `Retry-After` header, if any (a 429 or 503 then waits as told). */
  retryAfter?: string | null;
}

/**
 * Sends one upload and resolves with the raw answer (any HTTP status); rejects only when no
 * answer came (network failure, abort).
 * @example
 * // React Native, or a test that wants to see the progress events
 * createRuntime({ …, upload: async (req) => { req.onProgress(1); const r = await fetch(req.url, { method: 'POST', headers: req.headers, body: req.body, signal: req.signal }); return { status: r.status, body: await r.text() }; } })
 */
export type UploadTransport = (request: UploadRequest) => Promise<UploadResponse>;

/**
 * Connection status of the runtime's realtime socket, as a small public state machine:
 * `idle` before `start()` (and throughout with `realtime: false`), `connecting` until the first
 * `ready`, `reconnecting` while it is down (`offline` when the device says it is), `closed` after
 * `destroy()`.
 */
export type RuntimeStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'closed';

/** Delivery state of one message as the visitor sees it. */
export type MessageState = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

/**
 * What a message is. Attachment types (`image`, `audio`, `voice`, `video`, `document`, `file`)
 * carry {@link ChatMessage.attachment}; `location` carries `metadata.latitude/longitude/label`;
 * `rating` carries `metadata.rating/comment` (and its comment as `body`). Other strings may come
 * from other channels: render them as text.
 */
export type MessageType =
  | 'text'
  | 'image'
  | 'audio'
  | 'voice'
  | 'video'
  | 'document'
  | 'file'
  | 'location'
  | 'rating'
  | (string & {});

/**
 * A file shared in a message (extensions.md §7). `url` is signed and expires (`expiresAt`);
 * history reads give fresh ones. When an agent removed the file, `removed` is true and there is
 * no `url`: show a "file removed" card.
 */
export type ChatAttachment = Omit<AttachmentInfo, 'url'> & {
  /** Absent when `removed`. */
  url?: string;
  removed?: boolean;
};

/** A file being uploaded, shown in the timeline before its message exists. */
export interface UploadProgress {
  /** Share of the file sent, from 0 to 1. */
  readonly progress: number;
  /** The file itself, e.g. to show a local preview (`URL.createObjectURL`) while it uploads. */
  readonly file: Blob;
  /** The name it is uploaded under. */
  readonly name: string;
}

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
  /**
   * For the visitor's own messages: `sending`, `failed`, then `sent`, `delivered` and `read` as
   * the agent side's receipts arrive. Messages from others are `sent`.
   */
  readonly state: MessageState;
  /** Why a send failed (state `failed`). */
  readonly error?: RuntimeError;
  /** @default 'text' */
  readonly messageType: MessageType;
  /** Type-specific data (a location's coordinates, a rating); read it by `messageType`. */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** ISO time the recipient read it (for messages from others: this visitor, on any device). */
  readonly readAt?: string;
  /** ISO time of the last edit; show "edited". */
  readonly editedAt?: string;
  /** The sender deleted it: `body` is empty and there is no attachment; show a placeholder. */
  readonly deleted?: boolean;
  /** The shared file, on attachment messages. */
  readonly attachment?: ChatAttachment;
  /** Present while the visitor's file is uploading or its upload failed (state `sending`/`failed`). */
  readonly upload?: UploadProgress;
}

/** An upload started by {@link ConversationHandle.sendFile}. */
export interface FileSend {
  /** Key of its timeline entry (the same after the message is confirmed). */
  readonly key: string;
  /** Stops the upload and removes the entry; `done` then resolves `null`. No-op once sent. */
  cancel(): void;
  /**
   * The confirmed message, or `null` when cancelled. Rejects with a `RuntimeError` when the file
   * is refused for good (e.g. `ATTACHMENT_TOO_LARGE`, `ATTACHMENT_TYPE_NOT_ALLOWED`; `retryable`
   * false) or is not uploaded and sent within 2 minutes (`NETWORK_ERROR`, `retryable`); the entry
   * stays `failed`, `retry(key)` tries again, and a retryable one is also tried again by itself
   * when the connection returns (follow `messages` from there).
   */
  readonly done: Promise<ChatMessage | null>;
}

/** Someone on the other side is typing. */
export interface TypingState {
  /** The agent's display name, when known. */
  readonly name?: string;
}

/** A rating from 1 (bad) to 5 (great). */
export type Rating = 1 | 2 | 3 | 4 | 5;

/** The visitor's current conversation. */
export interface ConversationHandle {
  /** Conversation id, `null` until the visitor's first message creates it. */
  readonly id: ReadonlySignal<string | null>;
  /** The conversation record (status, assignee), `null` before it exists. */
  readonly info: ReadonlySignal<Conversation | null>;
  /**
   * Timeline: confirmed messages by `seq`, then pending sends in the order they will reach the
   * server (queued messages, then files still uploading).
   */
  readonly messages: ReadonlySignal<readonly ChatMessage[]>;
  /** True while history is being read. */
  readonly loading: ReadonlySignal<boolean>;
  /** True when the shown conversation has ended (closed by the agent, or a past one opened read-only). */
  readonly closed: ReadonlySignal<boolean>;
  /**
   * True when the shown conversation is not this device's to write in: a verified visitor's
   * conversation from another device (listed by `runtime.conversations.list()`). Show it without
   * a composer: `send`, `sendFile`, `edit`, `remove` and `rate` then reject with a `RuntimeError`
   * (`CONVERSATION_NOT_FOUND`, as the server would), and no receipts are sent.
   */
  readonly readOnly: ReadonlySignal<boolean>;
  /** Earlier messages exist on the server than the timeline holds; see {@link ConversationHandle.loadOlder}. */
  readonly hasOlder: ReadonlySignal<boolean>;
  /** The agent is typing (cleared when they stop, send, or go quiet for a few seconds), else `null`. */
  readonly typing: ReadonlySignal<TypingState | null>;
  /**
   * Send a text message. Resolves when the message is queued and stored (shown as `sending`),
   * not when the server confirms it; follow `messages` for its state. Messages queued before
   * `start()` are sent once it has run. When the conversation was closed, the send starts a new
   * one (and the timeline then shows the new conversation).
   */
  send(body: string): Promise<ChatMessage>;
  /** Send a failed message or upload (by its `key`) again, with the same `clientMessageId`. */
  retry(key: string): Promise<void>;
  /**
   * Tell the agent whether the visitor is typing; call it on every input event. The runtime
   * throttles: at most one frame per 2 s while typing, a stop after 5 s without a call, and the
   * indicator ends when a message is sent.
   */
  setTyping(active: boolean): void;
  /**
   * Change the text of one of the visitor's own confirmed messages (by `key`). Rejects with a
   * `RuntimeError`: `MESSAGE_EDIT_WINDOW_PASSED` after the tenant's window
   * (`bootstrap.sdk.editWindowSeconds`), `MESSAGE_NOT_EDITABLE`, `MESSAGE_NOT_FOUND`.
   */
  edit(key: string, body: string): Promise<void>;
  /**
   * Delete one of the visitor's own messages (by `key`); it stays as a `deleted` placeholder. A
   * pending or failed send is simply dropped. Rejects like {@link ConversationHandle.edit}.
   */
  remove(key: string): Promise<void>;
  /**
   * Upload a file and send it as an attachment message (starting a conversation if needed). The
   * entry shows at once with `upload.progress`. Network errors, 5xx and 429 are retried by
   * themselves; a pending file (up to 50 MB of them in all) is kept in storage and uploaded again
   * after a reload or browser restart. Its message joins the send queue once the bytes are up, so
   * a text typed meanwhile is sent first.
   * @param name file name to show; @default the `File`'s name, else `file`
   */
  sendFile(file: Blob, name?: string): FileSend;
  /**
   * Rate the ended conversation (1–5, optional comment); stored as a `rating` message the agent
   * sees, and as `info.rating`. Rejects with `RATING_NOT_ALLOWED` while it is open or rated.
   */
  rate(rating: Rating, comment?: string): Promise<void>;
  /** Reads the page of messages before the oldest one held (no-op when `hasOlder` is false). */
  loadOlder(): Promise<void>;
  /**
   * Reads the held messages again for fresh attachment links. The runtime does this on its own
   * shortly before the first link expires (`attachment.expiresAt`); call it when a file still
   * fails to load (403), e.g. after the device slept.
   */
  refreshAttachments(): Promise<void>;
  /**
   * Leave the shown conversation (an ended or past one): shows the visitor's open conversation
   * if there is one, else an empty timeline whose first message starts a new conversation.
   * Nothing is lost: past conversations stay in `runtime.conversations.list()`.
   */
  startNew(): Promise<void>;
}

/** The visitor's past and current conversations. */
export interface ConversationsApi {
  /** Every conversation of this visitor (or of the same verified contact), newest first. */
  list(): Promise<Conversation[]>;
  /** Shows this conversation in `runtime.conversation`: the open one to continue, a closed one read-only. */
  open(conversationId: string): Promise<void>;
}

/** Events the runtime emits besides its signals. */
export interface RuntimeEvents {
  /** A message from someone else arrived live. */
  message: Message;
  /**
   * A failure the caller may want to show (also set on `runtime.error` when fatal). Among them,
   * while the runtime keeps working on its own: `RATE_LIMITED` (with `retryAfterMs`: "try again
   * in N s"), `NETWORK_UNAVAILABLE` (the device went offline; `status` is `offline`) and
   * `REALTIME_DISCONNECTED` (the socket is not back after a few attempts; `status` stays
   * `reconnecting`).
   */
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
  /** Messages from others not yet seen by the visitor (in any tab, when the connection is shared). */
  readonly unread: ReadonlySignal<number>;
  /**
   * Whether this tab holds the realtime socket (`shareConnection`): `false` while another tab
   * leads or before the election. Always `true` when the socket is not shared. For devtools
   * and tests; nothing else needs it.
   */
  readonly leader: ReadonlySignal<boolean>;
  /**
   * Whether someone can answer now (`state`: `online`, `away`, `offline`, with
   * `expectedReplyMinutes`); kept live. `null` until read at start.
   */
  readonly availability: ReadonlySignal<Availability | null>;
  /** The visitor's current conversation. */
  readonly conversation: ConversationHandle;
  /** Past conversations. */
  readonly conversations: ConversationsApi;
  /**
   * Tell agents who the visitor is (a pre-chat form, a site's login). Shown to agents as
   * unverified; for a verified identity pass `contextToken` to `createRuntime`. Rejects with
   * `VALIDATION_FAILED` for a malformed email.
   * @param metadata what the agent sees about the visitor's page, merged with what was sent
   * before: `pageUrl`, `pageTitle` and the site's own attributes (extensions.md §10)
   * @example await runtime.identify({}, { pageUrl: location.href, plan: 'pro' });
   */
  identify(visitor: VisitorIdentity, metadata?: Record<string, unknown>): Promise<void>;
  /**
   * Whether this browser has been a visitor of this tenant before (a visitor credential is
   * stored). Makes no request; a storage failure answers `false`. Lets a widget start the
   * runtime at page load only for returning visitors and otherwise wait until the chat is
   * opened, so an anonymous page view creates no visitor and opens no socket.
   * @example if (await runtime.hasVisitor()) await runtime.start();
   */
  hasVisitor(): Promise<boolean>;
  /**
   * Bootstrap, open a session, resume the open conversation and connect realtime.
   * Idempotent: calling it again returns the same promise. Rejects with a `RuntimeError`; after
   * a transient (`retryable`) failure a new call tries again, a fatal one also sets `error`.
   */
  start(): Promise<void>;
  /**
   * Tell the runtime whether the visitor is looking at the conversation (panel open and tab
   * visible). While visible, `unread` is 0 and messages from others are marked read; they are
   * marked delivered when they arrive either way (one request per burst).
   */
  setVisible(visible: boolean): void;
  /**
   * The visitor's AI chat (extensions.md §14): loads its client on first call (a separate chunk)
   * and resolves with the same one after. Starts the runtime if needed and reads the tenant's
   * routing (`ai.routing`). Rejects with a `RuntimeError` when that fails; a later call tries again.
   * @example
   * const ai = await runtime.ai();
   * if (ai.routing.value?.canUseAi) await ai.ask('How long does delivery take?');
   */
  ai(): Promise<AiChat>;
  /**
   * The visitor's voice and video calls (extensions.md §15): loads the call client on first call
   * (a separate chunk) and resolves with the same one after. Starts the runtime if needed.
   * `available` says which call types the tenant offers; `start` asks for the microphone (and
   * camera), then rings the team in the open conversation (creating one if needed). Rejects with
   * a `RuntimeError` when the runtime cannot start; a later call tries again.
   * @example
   * const calls = await runtime.calls();
   * if (calls.available.value.video) {
   *   const call = await calls.start('video'); // ringing; rejects with CALL_PERMISSION_DENIED …
   *   call.phase.subscribe((p) => show(p));   // connecting → connected → ended
   *   call.remoteStream.subscribe((s) => (video.srcObject = s));
   *   await call.hangUp();                     // ends it for both sides
   * }
   */
  calls(): Promise<Calls>;
  /**
   * The visitor's push tokens (extensions.md §16), for mobile shells that pass their FCM/APNs
   * token; the code loads on first use.
   * @example
   * await runtime.devices.register({ platform: 'ios', provider: 'apns', token: apnsHex, deviceId: installId });
   */
  readonly devices: Devices;
  /** Subscribe to an event; returns the unsubscribe function. */
  on<E extends keyof RuntimeEvents>(event: E, listener: (payload: RuntimeEvents[E]) => void): () => void;
  /** Close the socket and stop timers. The runtime cannot be started again. */
  destroy(): void;
}

export type { ErrorCode };
