/**
 * Public types of voice and video calls (extensions.md §15): what `runtime.calls()` resolves
 * with, and the call object both sides (visitor runtime, agent console, call page) drive. The
 * client is a chunk loaded on first use, so these live apart from it.
 */
import type { ReadonlySignal } from '@preact/signals-core';
import type { CallLink, CallLinkService, CallSession, CallType, ClientFrame, ServerFrame } from '../contract/extensions.ts';
import type { RuntimeError } from '../errors.ts';

/**
 * Where a call is, as a person would say it:
 * - `preparing`: asking for the microphone/camera (and, for the caller, creating the call);
 * - `ringing`: the call exists and waits for an agent (caller) / for this side to answer;
 * - `connecting`: answered; the peers exchange offer, answer and candidates;
 * - `connected`: media flows;
 * - `reconnecting`: the connection dropped for a moment (`disconnected`) and may come back;
 * - `ended`: over, for any reason: read `session.value.status`/`endReason` and `error`.
 */
export type CallPhase = 'preparing' | 'ringing' | 'connecting' | 'connected' | 'reconnecting' | 'ended';

/** A media device to pick from (`MediaDeviceInfo`, without the browser object). */
export interface CallDevice {
  readonly deviceId: string;
  readonly kind: 'audioinput' | 'videoinput' | 'audiooutput';
  /** Empty until the page has had media permission once. */
  readonly label: string;
}

/** Bytes received so far, per kind (from `RTCPeerConnection.getStats()` inbound-rtp). */
export interface CallStats {
  readonly audioBytesReceived: number;
  readonly videoBytesReceived: number;
}

/** One call, on either side. Signals update live; methods never throw for a call that ended. */
export interface ActiveCall {
  /** What was asked for; a video call without a camera goes on as audio (`audioOnly`). */
  readonly type: CallType;
  readonly phase: ReadonlySignal<CallPhase>;
  /** The server's call session; `null` while `preparing` on the caller's side. */
  readonly session: ReadonlySignal<CallSession | null>;
  /** This side's microphone (+ camera) stream, for a local preview; `null` before permission. */
  readonly localStream: ReadonlySignal<MediaStream | null>;
  /** The other side's stream once its tracks arrive. */
  readonly remoteStream: ReadonlySignal<MediaStream | null>;
  readonly muted: ReadonlySignal<boolean>;
  readonly cameraOff: ReadonlySignal<boolean>;
  /** A video call that found no camera (or the camera failed): only audio is sent. */
  readonly audioOnly: ReadonlySignal<boolean>;
  /**
   * Why it ended or what went wrong: `CALL_PERMISSION_DENIED`, `CALL_DEVICE_NOT_FOUND`,
   * `CALL_CONNECTION_FAILED`, or a server code (`CALL_IN_PROGRESS`, `FEATURE_NOT_AVAILABLE` …).
   * `null` for a call that ended normally (hung up, declined, missed: read `session`).
   */
  readonly error: ReadonlySignal<RuntimeError | null>;
  /** Mute or unmute the microphone (the track is disabled, not removed). */
  setMuted(muted: boolean): void;
  /** Turn the camera off or on (the track is disabled; the other side sees black). */
  setCameraOff(off: boolean): void;
  /** The devices this side can pick from (labels appear once permission was given). */
  devices(): Promise<CallDevice[]>;
  /** Switch microphone or camera mid-call (`RTCRtpSender.replaceTrack`, no renegotiation). */
  useDevice(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void>;
  /**
   * Hang up (or cancel while ringing): ends it for both sides. An agent who has not answered yet
   * (the permission prompt is still open) only leaves: the call goes on ringing for the team.
   */
  hangUp(): Promise<void>;
  /**
   * The page is going away (`pagehide`): ends the call here at once and tells the server with a
   * request that outlives the page (`fetch` `keepalive`), so nobody is left ringing or talking
   * to no one. Nothing to await: the page may be gone before the answer.
   * @example addEventListener('pagehide', () => calls.current.peek()?.hangUpOnExit());
   */
  hangUpOnExit(): void;
  /** Bytes received so far (zeros before `connecting`). */
  stats(): Promise<CallStats>;
  /** Resolves with the final session once the call is over (never rejects). */
  readonly done: Promise<CallSession | null>;
}

/** What `runtime.calls()` resolves with: the visitor's calls in the current conversation. */
export interface Calls {
  /**
   * Which call types the tenant offers now (bootstrap's `voice_call` / `video_call`), and only
   * where a call can work: none without media devices (an `http:` page has none), WebRTC, or
   * the realtime connection (`realtime: false`).
   */
  readonly available: ReadonlySignal<{ readonly audio: boolean; readonly video: boolean }>;
  /** The call in progress in this tab, or `null`. */
  readonly current: ReadonlySignal<ActiveCall | null>;
  /**
   * Ask for the microphone (and camera for `video`), then call the team in the open
   * conversation (created if there is none). Resolves once the call is ringing; rejects with a
   * `RuntimeError` when media or the server refuse (the call is then `ended`, `error` set),
   * `FEATURE_NOT_AVAILABLE` when `available` says no, `CALL_IN_PROGRESS` while another call
   * (or another `start`) is under way in this tab.
   * @example
   * const calls = await runtime.calls();
   * const call = await calls.start('video');
   * call.phase.subscribe((p) => console.log(p)); // ringing → connecting → connected
   */
  start(type: CallType): Promise<ActiveCall>;
  /** A link to the call page for this conversation (a new tab, or a phone). */
  createLink(service: CallLinkService): Promise<CallLink>;
}

/**
 * What a call needs from its surroundings. The runtime builds one from its session and socket;
 * the agent console and the call page build their own (their token, their socket).
 */
export interface CallHost {
  readonly role: 'visitor' | 'agent';
  /**
   * A JSON request to the API (`path` relative to the base URL, e.g. `calls/sessions`),
   * resolving with the envelope's `data`, rejecting with a `RuntimeError`. With `keepalive`
   * (a hang-up while the page unloads) it must outlive the page: `fetch(…, { keepalive: true })`.
   */
  request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, options?: { readonly keepalive?: boolean }): Promise<T>;
  /**
   * Send a frame on the realtime socket; `false` when it is not open. The call keeps the signals
   * that were not sent and sends them again on {@link CallHost.onReady}.
   */
  send(frame: ClientFrame): boolean;
  /** Server frames, as they arrive; returns the unsubscribe function. */
  onFrame(listener: (frame: ServerFrame) => void): () => void;
  /**
   * Each time the socket is ready (again): after `auth`, and after every reconnect. Without it,
   * signals the socket could not take are only repeated by the caller's offer timer.
   */
  onReady?(listener: () => void): () => void;
  /** The platform's media and WebRTC; default `globalThis.navigator.mediaDevices` / `RTCPeerConnection`. */
  readonly mediaDevices?: MediaDevices;
  readonly RTCPeerConnection?: typeof RTCPeerConnection;
}
