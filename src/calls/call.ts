/**
 * The call engine both sides drive (extensions.md §15): the visitor places a call
 * ({@link placeCall}), an agent answers ({@link answerCall}) or declines ({@link declineCall}).
 * The agent console and the call page import this file directly (a chunk of their own); the
 * visitor's runtime reaches it through `runtime.calls()`.
 *
 * Order of things, caller: microphone/camera first (a refusal creates no call and rings nobody),
 * then `POST calls/sessions` → `ringing`; the `call.updated` that says `answered` → offer.
 * Callee: media, `POST agent-sdk/calls/{id}/answer` → `connecting`, wait for the offer → answer.
 * Every way out (hang-up, a final status pushed by the server, a failed connection, a refusal)
 * goes through one `end`, which stops the tracks and closes the peer connection.
 */
import { signal } from '@preact/signals-core';
import type { CallIceServer, CallSession, CallSessionResult, CallSignal, CallType } from '../contract/extensions.ts';
import { RuntimeError, toRuntimeError } from '../errors.ts';
import { getMedia, mediaDevicesOf, mediaError } from './media.ts';
import { createPeer, type Peer } from './peer.ts';
import type { ActiveCall, CallDevice, CallHost, CallPhase, CallStats } from './types.ts';

export type { ActiveCall, CallDevice, CallHost, CallPhase, CallStats } from './types.ts';

/** How long an answered call may take to connect before it counts as failed. */
export const CONNECT_TIMEOUT_MS = 30_000;
/**
 * While it rings, the caller reads its call this often: a `call.updated` lost while the socket
 * reconnected would otherwise leave it ringing while the agent waits for an offer.
 */
export const RING_CHECK_MS = 5_000;
/**
 * Until the connection is up, the caller sends its offer (and candidates) again this often: a
 * frame the other side's socket missed while it reconnected would otherwise be lost for good.
 * The callee answers a repeated offer with its answer again (its own frames may have been lost).
 */
export const OFFER_RESEND_MS = 4_000;
/** How long a dropped connection (`reconnecting`) may take to come back before the call fails. */
export const RECONNECT_TIMEOUT_MS = 20_000;

const FINAL: readonly string[] = ['ended', 'missed', 'failed'];
const enc = encodeURIComponent;
const KINDS: readonly string[] = ['audioinput', 'videoinput', 'audiooutput'];

/** Whether the session can change no more (`ended`, `missed`, `failed`). */
export const isFinal = (s: CallSession | null | undefined): boolean => !!s && FINAL.includes(s.status);

const connectionFailed = (message: string, cause?: unknown) => new RuntimeError('CALL_CONNECTION_FAILED', message, { cause, retryable: false });

/** What the other side's final status means for this side (`null`: it ended normally). */
function remoteError(s: CallSession): RuntimeError | null {
  if (s.endReason === 'connection_lost') return connectionFailed('The call dropped: the other side lost its connection.');
  if (s.status === 'failed') return connectionFailed('The call failed: the other side could not get its microphone or connect.');
  return null;
}

/**
 * Calls the team in a conversation, as the visitor: asks for the microphone (and camera for
 * `video`), creates the call, and connects once an agent answers. Returns at once; follow
 * `phase`, `error` and `done`.
 * @example
 * const call = placeCall(host, { conversationId, type: 'video' });
 * await started(call);   // ringing (rejects with CALL_PERMISSION_DENIED, CALL_IN_PROGRESS …)
 */
export function placeCall(host: CallHost, target: { conversationId: string; type: CallType }): ActiveCall {
  return createCall(host, target.type, target.conversationId, null);
}

/**
 * Answers a ringing call as the agent: asks for media, claims the call
 * (`POST agent-sdk/calls/{id}/answer`; `CALL_NOT_RINGING` when someone else was faster) and
 * connects when the visitor's offer comes.
 */
export function answerCall(host: CallHost, session: CallSession): ActiveCall {
  return createCall(host, session.type, session.conversationId, session);
}

/** Declines a ringing call for the whole team (`PATCH …/end`, reason `declined`); resolves with the ended session. */
export async function declineCall(host: Pick<CallHost, 'request'>, callId: string): Promise<CallSession> {
  return (await host.request<{ callSession: CallSession }>('PATCH', `calls/sessions/${enc(callId)}/end`, { reason: 'declined' })).callSession;
}

/**
 * Resolves once the call is past `preparing` (caller: ringing; callee: connecting), or ended
 * without an error (hung up meanwhile); rejects with the call's `error` when media or the
 * server refused it.
 */
export function started(call: ActiveCall): Promise<ActiveCall> {
  return new Promise((resolve, reject) => {
    let off: (() => void) | undefined;
    let settled = false;
    off = call.phase.subscribe((p) => {
      if (p === 'preparing' || settled) return;
      settled = true;
      const e = call.error.peek();
      if (p === 'ended' && e) reject(e);
      else resolve(call);
      // The first run is inside `subscribe`, before `off` is assigned.
      queueMicrotask(() => off?.());
    });
    if (settled) off();
  });
}

function createCall(host: CallHost, type: CallType, conversationId: string, ringing: CallSession | null): ActiveCall {
  const caller = !ringing;
  const phase = signal<CallPhase>('preparing');
  const session = signal<CallSession | null>(ringing);
  const localStream = signal<MediaStream | null>(null);
  const remoteStream = signal<MediaStream | null>(null);
  const muted = signal(false);
  const cameraOff = signal(false);
  const audioOnly = signal(false);
  const error = signal<RuntimeError | null>(null);
  const media = mediaDevicesOf(host.mediaDevices);
  const RTC = host.RTCPeerConnection ?? (globalThis as { RTCPeerConnection?: typeof RTCPeerConnection }).RTCPeerConnection;
  let peer: Peer | null = null;
  let iceServers: CallIceServer[] = [];
  let over = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let checks: ReturnType<typeof setInterval> | undefined;
  let resending: ReturnType<typeof setInterval> | undefined;
  // Signals that came before the peer connection (the offer can outrun the answer's HTTP reply).
  const early: CallSignal[] = [];
  // Caller: updates of calls in this conversation seen before `POST calls/sessions` named ours.
  const unclaimed = new Map<string, CallSession>();
  let finish!: (s: CallSession | null) => void;
  const done = new Promise<CallSession | null>((resolve) => (finish = resolve));
  const id = () => session.peek()?.id;
  const tracks = (kind?: 'audio' | 'video') =>
    localStream.peek()?.getTracks().filter((t) => !kind || t.kind === kind) ?? [];

  // Signals the socket could not take (down, reconnecting, still authenticating): sent in
  // order once it is ready again. Signaling has no other way to recover a lost offer or answer.
  const unsent: CallSignal[] = [];
  const transmit = (signal: CallSignal) => host.send({ type: 'call.signal', callId: id()!, signal });
  const flush = () => {
    while (unsent.length && !over && transmit(unsent[0]!)) unsent.shift();
  };
  const sendSignal = (signal: CallSignal) => {
    unsent.push(signal);
    flush();
  };
  const offReady =
    host.onReady?.(() => {
      flush();
      // This side's socket was down: the answer may have come meanwhile. Asking again costs one frame.
      if (caller && phase.peek() === 'connecting') peer?.resend();
    }) ?? (() => {});

  const unsubscribe = host.onFrame((frame) => {
    if (frame.type === 'call.updated') {
      const c = frame.call;
      if (c.id === id()) update(c);
      else if (caller && !id() && c.conversationId === conversationId) unclaimed.set(c.id, c);
    } else if (frame.type === 'call.signal' && frame.callId === id() && frame.from !== host.role) {
      if (peer) peer.receive(frame.signal);
      else early.push(frame.signal);
    }
  });

  function update(c: CallSession) {
    if (isFinal(session.peek())) return;
    session.value = c;
    if (isFinal(c)) void end(remoteError(c));
    else if (c.status === 'answered' && caller && !peer && !over) {
      connect();
      peer!.offer().catch((e: unknown) => void end(connectionFailed('Could not start the call connection.', e), 'connection_failed'));
      resending = setInterval(() => phase.peek() === 'connecting' && peer?.resend(), OFFER_RESEND_MS);
    }
  }

  function connect() {
    clearInterval(checks);
    phase.value = 'connecting';
    timer = setTimeout(
      () => void end(connectionFailed(`The call did not connect within ${CONNECT_TIMEOUT_MS / 1000} s.`), 'connection_failed'),
      CONNECT_TIMEOUT_MS,
    );
    peer = createPeer({
      RTCPeerConnection: RTC!,
      iceServers,
      stream: localStream.peek()!,
      video: type === 'video',
      send: sendSignal,
      onStream: (s) => (remoteStream.value = s),
      onState(state) {
        if (state === 'connected') {
          clearTimeout(timer);
          clearInterval(resending);
          phase.value = 'connected';
        } else if (state === 'disconnected') {
          phase.value = 'reconnecting';
          // Browsers may stay `disconnected` for long before they give up (`failed`): the people in the call should not wait that long.
          clearTimeout(timer);
          timer = setTimeout(
            () => void end(connectionFailed(`The call connection did not come back within ${RECONNECT_TIMEOUT_MS / 1000} s.`), 'connection_failed'),
            RECONNECT_TIMEOUT_MS,
          );
        } else if (state === 'failed') void end(connectionFailed('The call connection failed.'), 'connection_failed');
      },
      onError: (e) => void end(connectionFailed('The other side sent a call description this browser cannot use.', e), 'connection_failed'),
    });
    for (const s of early.splice(0)) peer.receive(s);
  }

  async function begin() {
    // Checked before media, so a browser without WebRTC never shows a permission prompt for nothing.
    if (!RTC) throw connectionFailed('Expected WebRTC (RTCPeerConnection) to call, but this browser has none.');
    const got = await getMedia(media, type);
    if (over) {
      for (const t of got.stream.getTracks()) t.stop();
      return;
    }
    localStream.value = got.stream;
    audioOnly.value = got.audioOnly;
    const result = caller
      ? await host.request<CallSessionResult>('POST', 'calls/sessions', { conversationId, type })
      : await host.request<CallSessionResult>('POST', `agent-sdk/calls/${enc(id()!)}/answer`);
    iceServers = result.iceServers ?? [];
    // A frame may have brought the end first (the visitor hung up while the answer was in flight): it stays the truth.
    if (!isFinal(session.peek())) session.value = result.callSession;
    // Hung up meanwhile: `end` reports it now that the call has an id.
    if (over) return;
    if (!caller) return connect();
    phase.value = 'ringing';
    checks = setInterval(() => {
      host
        .request<CallSessionResult>('GET', `calls/sessions/${enc(id()!)}`)
        .then((r) => phase.peek() === 'ringing' && update(r.callSession))
        .catch(() => {});
    }, RING_CHECK_MS);
    const seen = unclaimed.get(result.callSession.id);
    unclaimed.clear();
    if (seen) update(seen);
  }

  /**
   * The one way out: stops the tracks and the peer connection at once, then (with `reason`)
   * tells the server, and resolves `done` with the final session.
   */
  async function end(e: RuntimeError | null, reason?: string, keepalive = false) {
    if (over) return;
    over = true;
    clearTimeout(timer);
    clearInterval(checks);
    clearInterval(resending);
    offReady();
    peer?.close();
    for (const t of tracks()) t.stop();
    error.value = e;
    phase.value = 'ended';
    if (reason) {
      // A creation or answer still in flight: wait for it, so the call it made is ended too.
      await starting.catch(() => {});
      const s = session.peek();
      // An agent who had not answered yet (still at the permission prompt) only leaves it:
      // the call rings on for the rest of the team. Declining for everyone is `declineCall`.
      if (s && !isFinal(s) && (caller || s.status !== 'started')) {
        try {
          const path = `calls/sessions/${enc(s.id)}/end`;
          session.value = (await host.request<{ callSession: CallSession }>('PATCH', path, { reason }, keepalive ? { keepalive } : undefined)).callSession;
        } catch {
          // The server ends it anyway (ring timeout, or the dropped party's grace period).
        }
      }
    }
    unsubscribe();
    finish(session.peek());
  }

  const starting = begin();
  starting.catch((e: unknown) => void end(toRuntimeError(e, caller ? 'placing the call' : 'answering the call')));

  return {
    type,
    phase,
    session,
    localStream,
    remoteStream,
    muted,
    cameraOff,
    audioOnly,
    error,
    done,
    setMuted(on) {
      muted.value = on;
      for (const t of tracks('audio')) t.enabled = !on;
    },
    setCameraOff(off) {
      cameraOff.value = off;
      for (const t of tracks('video')) t.enabled = !off;
    },
    async devices(): Promise<CallDevice[]> {
      const list = await media?.enumerateDevices().catch(() => []);
      return (list ?? []).filter((d) => KINDS.includes(d.kind)).map(({ deviceId, kind, label }) => ({ deviceId, kind, label }));
    },
    async useDevice(kind, deviceId) {
      const stream = localStream.peek();
      if (over || !stream || !media) return;
      const video = kind === 'videoinput';
      const fresh = await media
        .getUserMedia(video ? { video: { deviceId: { exact: deviceId } } } : { audio: { deviceId: { exact: deviceId } } })
        .catch((e: unknown) => Promise.reject(mediaError(e, video ? 'camera' : 'microphone')));
      const track = fresh.getTracks()[0];
      if (!track) return;
      if (over) return track.stop();
      track.enabled = !(video ? cameraOff.peek() : muted.peek());
      const old = tracks(track.kind as 'audio' | 'video')[0];
      try {
        // The same sender carries the new track: no renegotiation, the other side sees no gap.
        await peer?.pc
          .getSenders()
          .find((s) => s.track?.kind === track.kind)
          ?.replaceTrack(track);
      } catch (e) {
        // A closed connection rejects (the call ended meanwhile): never leave the new device on.
        track.stop();
        if (over) return;
        throw toRuntimeError(e, 'switching the device');
      }
      // Ended during the switch: `end` stopped the tracks it knew, not this one.
      if (over) return track.stop();
      if (old) {
        stream.removeTrack(old);
        old.stop();
      }
      stream.addTrack(track);
    },
    hangUp: () => end(null, 'hangup'),
    hangUpOnExit: () => void end(null, 'hangup', true),
    async stats(): Promise<CallStats> {
      let audio = 0;
      let video = 0;
      if (peer && !over) {
        (await peer.pc.getStats()).forEach((s: { type: string; kind?: string; mediaType?: string; bytesReceived?: number }) => {
          if (s.type !== 'inbound-rtp') return;
          if ((s.kind ?? s.mediaType) === 'video') video += s.bytesReceived ?? 0;
          else audio += s.bytesReceived ?? 0;
        });
      }
      return { audioBytesReceived: audio, videoBytesReceived: video };
    },
  };
}
