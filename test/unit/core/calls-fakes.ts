/**
 * WebRTC as the call engine sees it, for Node (which has none): media devices that grant,
 * refuse or lack a camera, tracks that know whether they were stopped, and peer connections
 * that negotiate for real between each other (offer/answer/candidates must all arrive, or they
 * never connect). Like a browser's, a closed connection rejects what is asked of it, a second
 * answer is refused, and `track` events come after the call that caused them. Only the outside
 * is faked: the engine, the runtime and the server are real.
 */

let ids = 0;

export class FakeTrack {
  readonly id = `track-${++ids}`;
  enabled = true;
  readyState: 'live' | 'ended' = 'live';
  constructor(
    readonly kind: 'audio' | 'video',
    readonly label = `${kind} device`,
  ) {}
  stop() {
    this.readyState = 'ended';
  }
}

export class FakeStream {
  readonly id = `stream-${++ids}`;
  constructor(private tracks: FakeTrack[] = []) {}
  getTracks() {
    return [...this.tracks];
  }
  getAudioTracks() {
    return this.tracks.filter((t) => t.kind === 'audio');
  }
  getVideoTracks() {
    return this.tracks.filter((t) => t.kind === 'video');
  }
  addTrack(t: FakeTrack) {
    this.tracks.push(t);
  }
  removeTrack(t: FakeTrack) {
    this.tracks = this.tracks.filter((x) => x !== t);
  }
}

const domError = (name: string) => Object.assign(new Error(`${name} (fake)`), { name });

export interface FakeMedia {
  readonly devices: MediaDevices;
  /** Every track handed out, to check none is left live. */
  readonly tracks: FakeTrack[];
  /** Every `getUserMedia` constraint asked for. */
  readonly asked: MediaStreamConstraints[];
}

/**
 * Media devices: `grant` hands out tracks; `deny` refuses like a person clicking "Block";
 * `noCamera` has a microphone only; `cameraBusy` has a camera another app holds (Firefox's
 * `AbortError`); `nothing` has no device at all.
 */
export function fakeMedia(mode: 'grant' | 'deny' | 'noCamera' | 'cameraBusy' | 'nothing' = 'grant'): FakeMedia {
  const tracks: FakeTrack[] = [];
  const asked: MediaStreamConstraints[] = [];
  const devices = {
    async getUserMedia(c: MediaStreamConstraints) {
      asked.push(c);
      if (mode === 'deny') throw domError('NotAllowedError');
      if (mode === 'nothing' || (mode === 'noCamera' && c.video)) throw domError('NotFoundError');
      if (mode === 'cameraBusy' && c.video) throw domError('AbortError');
      const got = [...(c.audio ? [new FakeTrack('audio')] : []), ...(c.video ? [new FakeTrack('video')] : [])];
      tracks.push(...got);
      return new FakeStream(got);
    },
    async enumerateDevices() {
      return [
        { deviceId: 'mic-1', kind: 'audioinput', label: 'Mic 1', groupId: 'g' },
        { deviceId: 'mic-2', kind: 'audioinput', label: 'Mic 2', groupId: 'g' },
        ...(mode === 'grant' ? [{ deviceId: 'cam-1', kind: 'videoinput', label: 'Cam 1', groupId: 'g' }] : []),
      ];
    },
  };
  return { devices: devices as unknown as MediaDevices, tracks, asked };
}

interface Sdp {
  type: 'offer' | 'answer';
  sdp: string;
}

/** A description names the kinds it sends: `fake|audio,video|sendrecv-video`. */
const describe = (type: 'offer' | 'answer', pc: FakePeerConnection): Sdp => ({
  type,
  sdp: `fake ${type}|${pc.senders.map((s) => s.track?.kind).join(',')}|${pc.transceivers.join(',')}`,
});

class FakeSender {
  constructor(
    public track: FakeTrack | null,
    private readonly pc: FakePeerConnection,
  ) {}
  async replaceTrack(track: FakeTrack | null) {
    // A browser swaps the track on its media thread: the answer comes a task later.
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.pc.assertOpen();
    this.track = track;
  }
}

/** Every fake peer connection created, newest last. */
export const peerConnections: FakePeerConnection[] = [];

export class FakePeerConnection {
  connectionState: RTCPeerConnectionState = 'new';
  localDescription: Sdp | null = null;
  remoteDescription: Sdp | null = null;
  readonly senders: FakeSender[] = [];
  /** `addTransceiver` calls, as `direction-kind`. */
  readonly transceivers: string[] = [];
  readonly remoteCandidates: RTCIceCandidateInit[] = [];
  /** Candidates added before a remote description (a real browser throws on those). */
  readonly earlyCandidates: RTCIceCandidateInit[] = [];
  onicecandidate: ((e: { candidate: { toJSON(): RTCIceCandidateInit } | null }) => void) | null = null;
  ontrack: ((e: { track: FakeTrack; streams: FakeStream[] }) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  bytes = { audio: 0, video: 0 };
  /** How many offers were created (a renegotiation would make a second). */
  offersCreated = 0;

  constructor(readonly config: RTCConfiguration) {
    peerConnections.push(this);
  }
  /** A closed connection refuses everything, with the browser's error. */
  assertOpen() {
    if (this.connectionState === 'closed') throw domError('InvalidStateError');
  }
  addTrack(track: FakeTrack) {
    this.assertOpen();
    this.senders.push(new FakeSender(track, this));
  }
  addTransceiver(kind: string, init: { direction: string }) {
    this.transceivers.push(`${init.direction}-${kind}`);
  }
  getSenders() {
    return this.senders;
  }
  async createOffer() {
    this.assertOpen();
    this.offersCreated++;
    return describe('offer', this);
  }
  async createAnswer() {
    this.assertOpen();
    if (this.remoteDescription?.type !== 'offer') throw domError('InvalidStateError');
    return describe('answer', this);
  }
  async setLocalDescription(d: Sdp) {
    this.assertOpen();
    this.localDescription = d;
    // Trickle: two candidates, then the end of gathering.
    queueMicrotask(() => {
      for (const n of [1, 2]) {
        const candidate = { candidate: `candidate:${n} 1 udp 1 127.0.0.1 ${5000 + n} typ host`, sdpMid: '0', sdpMLineIndex: 0 };
        this.onicecandidate?.({ candidate: { toJSON: () => candidate } });
      }
      this.onicecandidate?.({ candidate: null });
    });
  }
  async setRemoteDescription(d: Sdp) {
    this.assertOpen();
    if (!d.sdp.startsWith('fake')) throw domError('InvalidAccessError');
    // An answer only fits an offer of ours that has none yet (a repeated answer is refused).
    if (d.type === 'answer' && (this.localDescription?.type !== 'offer' || this.remoteDescription)) throw domError('InvalidStateError');
    this.remoteDescription = d;
    const kinds = d.sdp.split('|')[1]!.split(',').filter(Boolean) as Array<'audio' | 'video'>;
    const tracks = kinds.map((k) => new FakeTrack(k, `remote ${k}`));
    const stream = new FakeStream(tracks);
    // Later than the description, like a browser's `track` events: the handler read then is the one that runs.
    setTimeout(() => {
      for (const track of tracks) this.ontrack?.({ track, streams: [stream] });
    }, 0);
    this.check();
  }
  async addIceCandidate(c: RTCIceCandidateInit) {
    this.assertOpen();
    if (!this.remoteDescription) {
      this.earlyCandidates.push(c);
      throw domError('InvalidStateError');
    }
    this.remoteCandidates.push(c);
    this.check();
  }
  /** Connected once both descriptions are set and a candidate of the other side came. */
  private check() {
    if (this.connectionState === 'new' && this.localDescription && this.remoteDescription && this.remoteCandidates.length) {
      // Media starts flowing: the counters the stats read.
      const kinds = this.remoteDescription.sdp.split('|')[1]!;
      this.bytes = { audio: 1200, video: kinds.includes('video') ? 50_000 : 0 };
      this.setState('connected');
    }
  }
  setState(state: RTCPeerConnectionState) {
    this.connectionState = state;
    this.onconnectionstatechange?.();
  }
  async getStats() {
    const report = new Map<string, Record<string, unknown>>([
      ['a', { type: 'inbound-rtp', kind: 'audio', bytesReceived: this.bytes.audio }],
      ['v', { type: 'inbound-rtp', kind: 'video', bytesReceived: this.bytes.video }],
      ['o', { type: 'outbound-rtp', kind: 'video', bytesSent: 99 }],
    ]);
    return report;
  }
  close() {
    this.connectionState = 'closed';
  }
}

/** The class to inject as `RTCPeerConnection`. */
export const FakeRTC = FakePeerConnection as unknown as typeof RTCPeerConnection;
