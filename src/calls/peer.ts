/**
 * One call's `RTCPeerConnection` and its signaling (extensions.md §15): the caller adds its
 * tracks and offers, the callee adds its tracks after the offer (so they ride the offered
 * transceivers, no second negotiation) and answers; both trickle candidates. Remote signals are
 * handled one at a time in arrival order, and candidates that come before the remote
 * description are kept until it is set. Frames can be lost while a socket reconnects: the caller
 * repeats its offer ({@link Peer.resend}), the callee answers a repeated offer again, and both
 * repeat their candidates with it; a repeated answer or candidate does no harm.
 */
import type { CallCandidate, CallIceServer, CallSignal } from '../contract/extensions.ts';

/** Options of {@link createPeer}. */
export interface PeerOptions {
  RTCPeerConnection: typeof RTCPeerConnection;
  iceServers: CallIceServer[];
  /** This side's microphone (+ camera). */
  stream: MediaStream;
  /** Whether to receive video even when this side sends none (a video call without a camera). */
  video: boolean;
  /** Sends a signal to the other party. */
  send(signal: CallSignal): void;
  /** The other side's stream, when its first track arrives. */
  onStream(stream: MediaStream): void;
  /** `connectionState` changes. */
  onState(state: RTCPeerConnectionState): void;
  /** Negotiation failed (a bad offer or answer): the call cannot connect. */
  onError(error: unknown): void;
}

/** The peer connection of one call. */
export interface Peer {
  readonly pc: RTCPeerConnection;
  /** The caller's first move, once the call is answered. */
  offer(): Promise<void>;
  /** Sends this side's description and candidates again (the other side may have missed them). */
  resend(): void;
  /** Handles the other party's offer, answer or candidate. */
  receive(signal: CallSignal): void;
  close(): void;
}

export function createPeer(o: PeerOptions): Peer {
  const pc = new o.RTCPeerConnection({ iceServers: o.iceServers });
  const early: CallCandidate[] = [];
  // This side's candidates, to repeat along with a repeated offer or answer.
  const mine: CallCandidate[] = [];
  let chain = Promise.resolve();
  let closed = false;

  const addTracks = () => {
    for (const track of o.stream.getTracks()) pc.addTrack(track, o.stream);
  };
  const add = (c: CallCandidate) =>
    // One bad candidate is not a failed call: the others may connect.
    pc.addIceCandidate(c).catch(() => {});

  pc.onicecandidate = (e) => {
    const candidate = e.candidate ? (e.candidate.toJSON() as CallCandidate) : null;
    if (candidate) mine.push(candidate);
    if (!closed) o.send({ kind: 'candidate', candidate });
  };
  const resend = () => {
    const local = pc.localDescription;
    if (closed || !local || (local.type !== 'offer' && local.type !== 'answer')) return;
    o.send({ kind: local.type, sdp: local.sdp });
    for (const candidate of mine) o.send({ kind: 'candidate', candidate });
  };
  pc.ontrack = (e) => {
    const stream = e.streams[0];
    if (stream) o.onStream(stream);
  };
  pc.onconnectionstatechange = () => {
    if (!closed) o.onState(pc.connectionState);
  };

  async function handle(signal: CallSignal) {
    if (signal.kind === 'candidate') {
      const c = signal.candidate;
      // `null` ends the trickle: nothing to do.
      if (!c) return;
      if (pc.remoteDescription) await add(c);
      else early.push(c);
      return;
    }
    // Repeated: the caller missed the answer (or thinks its offer was missed); one answer is enough.
    if (pc.remoteDescription) return signal.kind === 'offer' ? resend() : undefined;
    await pc.setRemoteDescription({ type: signal.kind, sdp: signal.sdp });
    if (signal.kind === 'offer') {
      addTracks();
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      if (!closed) o.send({ kind: 'answer', sdp: answer.sdp ?? '' });
    }
    for (const c of early.splice(0)) await add(c);
  }

  return {
    pc,
    async offer() {
      addTracks();
      // No camera in a video call: still ask to receive the other side's video.
      if (o.video && !o.stream.getVideoTracks().length) pc.addTransceiver('video', { direction: 'recvonly' });
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      if (!closed) o.send({ kind: 'offer', sdp: offer.sdp ?? '' });
    },
    resend,
    receive(signal) {
      chain = chain.then(() => (closed ? undefined : handle(signal))).catch((e: unknown) => void (closed || o.onError(e)));
    },
    close() {
      closed = true;
      pc.onicecandidate = pc.ontrack = pc.onconnectionstatechange = null;
      pc.close();
    },
  };
}
