/**
 * Voice and video calls end to end in Node (extensions.md §15): the visitor's real runtime
 * (`runtime.calls()`), an agent answering with the same engine the console uses, and the real
 * server between them. Only WebRTC and the media devices are fakes (calls-fakes.ts): their
 * peer connections connect only when the offer, the answer and candidates really went across.
 */
import { describe, expect, it, vi } from 'vitest';
import { answerCall, declineCall, OFFER_RESEND_MS, placeCall, RECONNECT_TIMEOUT_MS, RING_CHECK_MS, started } from '../../../src/calls/call.ts';
import { createPeer } from '../../../src/calls/peer.ts';
import type { ActiveCall } from '../../../src/calls/types.ts';
import type { CallSignal, ClientFrame, ServerFrame } from '../../../src/contract/extensions.ts';
import type { CallSession } from '../../../src/contract/extensions.ts';
import { createMemoryStorage, createRuntime, isRuntimeError } from '../../../src/index.ts';
import { callingVisitor, patient, seenCall, useCallHosts, type TestCallHost } from './calls-hosts.ts';
import { FakeRTC, fakeMedia, peerConnections, FakeStream, type FakeMedia, type FakePeerConnection } from './calls-fakes.ts';
import { useRealServer } from './real-server.ts';
import { startVisitor } from './visitor.ts';

const real = useRealServer();
const openHost = useCallHosts();

const visitorCalls = (media?: FakeMedia) => callingVisitor(real.server, real.runtimes, media);

async function agent(media = fakeMedia()) {
  return { host: await openHost(real.server, media), media };
}

/** A video call placed by the visitor and answered by the agent, both `connected`. */
async function connectedCall(visitorMedia = fakeMedia(), agentMedia = fakeMedia()) {
  const v = await visitorCalls(visitorMedia);
  const a = await agent(agentMedia);
  const visitorCall = await v.calls.start('video');
  const ringing = await seenCall(a.host, visitorCall.session.value!.id, 'started');
  const agentCall = answerCall(a.host, ringing);
  await vi.waitFor(() => {
    expect(visitorCall.phase.value).toBe('connected');
    expect(agentCall.phase.value).toBe('connected');
  }, patient);
  const visitorPc = peerConnections.find((pc) => pc.localDescription?.type === 'offer')!;
  const agentPc = peerConnections.find((pc) => pc.localDescription?.type === 'answer')!;
  return { ...v, agentHost: a.host, visitorCall, agentCall, visitorPc, agentPc, visitorMedia, agentMedia: a.media };
}

const live = (media: FakeMedia) => media.tracks.filter((t) => t.readyState === 'live');

describe('runtime.calls()', () => {
  it('offers voice and video where bootstrap says they are available, and loads once', async () => {
    const { calls, runtime } = await visitorCalls();
    expect(await runtime.calls()).toBe(calls);
    expect(calls.available.value).toEqual({ audio: true, video: true });
    expect(calls.current.value).toBeNull();
  });

  it('asks for media before anything else: a refusal is CALL_PERMISSION_DENIED and rings nobody', async () => {
    const media = fakeMedia('deny');
    const { calls } = await visitorCalls(media);
    const { host } = await agent();

    const error = await calls.start('video').catch((e: unknown) => e);

    expect(isRuntimeError(error) && error.code).toBe('CALL_PERMISSION_DENIED');
    expect((error as Error).message).toBe('Allow microphone and camera access in the browser to call.');
    expect(media.asked).toEqual([{ audio: true, video: true }]);
    expect(calls.current.value).toBeNull();
    const { callSessions } = await host.request<{ callSessions: CallSession[] }>('GET', 'agent-sdk/calls?status=started,answered');
    expect(callSessions).toEqual([]);
    expect(host.frames.some((f) => f.type === 'call.updated')).toBe(false);
  });

  it('says CALL_DEVICE_NOT_FOUND when there is no microphone', async () => {
    const { calls } = await visitorCalls(fakeMedia('nothing'));
    const error = await calls.start('audio').catch((e: unknown) => e);
    expect(isRuntimeError(error) && error.code).toBe('CALL_DEVICE_NOT_FOUND');
  });

  it('hanging up while the browser still asks for permission creates no call and lets go of the media', async () => {
    const media = fakeMedia();
    let allow!: () => void;
    const asked = new Promise<void>((resolve) => (allow = resolve));
    const slow = { ...media.devices, getUserMedia: async (c: MediaStreamConstraints) => (await asked, media.devices.getUserMedia(c)) };
    const { calls } = await visitorCalls({ ...media, devices: slow as MediaDevices });
    const { host } = await agent();

    const starting = calls.start('audio');
    await vi.waitFor(() => expect(calls.current.value?.phase.value).toBe('preparing'), patient);
    const call = calls.current.value!;
    const hungUp = call.hangUp();
    allow();

    expect(await starting).toBe(call);
    await hungUp;
    expect(await call.done).toBeNull();
    expect([call.phase.value, call.error.value]).toEqual(['ended', null]);
    expect(media.tracks.map((t) => t.readyState)).toEqual(['ended']);
    const { callSessions } = await host.request<{ callSessions: CallSession[] }>('GET', 'agent-sdk/calls?status=started,answered');
    expect(callSessions).toEqual([]);
  });

  it('is not offered where a call cannot work: no realtime connection, or no media devices', async () => {
    const { baseUrl, slug } = real.server;
    const media = fakeMedia();
    const quiet = createRuntime({ baseUrl, slug, storage: createMemoryStorage(), realtime: false, mediaDevices: media.devices, RTCPeerConnection: FakeRTC });
    real.runtimes.push(quiet);
    // Node has no navigator.mediaDevices, like an `http:` page.
    const { runtime: bare } = await startVisitor(real.server, undefined, { RTCPeerConnection: FakeRTC });
    real.runtimes.push(bare);

    for (const runtime of [quiet, bare]) {
      const calls = await runtime.calls();
      expect(calls.available.value).toEqual({ audio: false, video: false });
      await expect(calls.start('audio')).rejects.toMatchObject({ code: 'FEATURE_NOT_AVAILABLE' });
    }
    expect(media.asked).toEqual([]);
  });

  it('a double tap places one call', async () => {
    const { calls, media } = await visitorCalls();

    const [first, second] = await Promise.allSettled([calls.start('audio'), calls.start('audio')]);

    expect(second).toMatchObject({ status: 'rejected', reason: { code: 'CALL_IN_PROGRESS' } });
    expect(first.status).toBe('fulfilled');
    const call = (first as PromiseFulfilledResult<ActiveCall>).value;
    expect(calls.current.value).toBe(call);
    expect(media.asked).toHaveLength(1);
    await call.hangUp();
    expect(live(media)).toEqual([]);
  });

  it('rings the team once the media is there, and the session reads started', async () => {
    const { calls, conversationId } = await visitorCalls();
    const call = await calls.start('audio');
    expect(call.phase.value).toBe('ringing');
    expect(calls.current.value).toBe(call);
    expect(call.session.value).toMatchObject({ conversationId, type: 'audio', status: 'started' });
    expect(call.localStream.value?.getTracks().map((t) => t.kind)).toEqual(['audio']);
    await expect(calls.start('audio')).rejects.toMatchObject({ code: 'CALL_IN_PROGRESS' });
    await call.hangUp();
    // Hung up before an answer: missed, cancelled.
    expect(await call.done).toMatchObject({ status: 'missed', endReason: 'cancelled' });
    expect(calls.current.value).toBeNull();
  });
});

describe('a call between the visitor and an agent', () => {
  it('connects after the agent answers: the caller offers, the agent answers, candidates go both ways', async () => {
    const { visitorCall, agentCall, visitorPc, agentPc } = await connectedCall();

    expect(visitorCall.session.value).toMatchObject({ status: 'answered' });
    expect(agentCall.session.value).toMatchObject({ status: 'answered' });
    expect(agentPc.remoteDescription?.sdp).toBe(visitorPc.localDescription?.sdp);
    expect(visitorPc.remoteDescription?.sdp).toBe(agentPc.localDescription?.sdp);
    // Each side sends microphone and camera, and gets the other's.
    expect(visitorPc.senders.map((s) => s.track?.kind)).toEqual(['audio', 'video']);
    expect(agentPc.senders.map((s) => s.track?.kind)).toEqual(['audio', 'video']);
    await vi.waitFor(() => {
      expect(visitorCall.remoteStream.value?.getTracks().map((t) => t.kind)).toEqual(['audio', 'video']);
      expect(agentCall.remoteStream.value?.getTracks().map((t) => t.kind)).toEqual(['audio', 'video']);
    }, patient);
    await vi.waitFor(() => {
      expect(visitorPc.remoteCandidates).toHaveLength(2);
      expect(agentPc.remoteCandidates).toHaveLength(2);
    }, patient);
    expect(await visitorCall.stats()).toEqual({ audioBytesReceived: 1200, videoBytesReceived: 50_000 });
  });

  it('goes on as audio only when the visitor has no camera, and still receives the agent’s video', async () => {
    const { visitorCall, agentCall, visitorPc, agentPc } = await connectedCall(fakeMedia('noCamera'));

    expect(visitorCall.type).toBe('video');
    expect(visitorCall.audioOnly.value).toBe(true);
    expect(visitorCall.session.value?.type).toBe('video');
    expect(visitorPc.senders.map((s) => s.track?.kind)).toEqual(['audio']);
    expect(visitorPc.transceivers).toEqual(['recvonly-video']);
    await vi.waitFor(() => expect(agentCall.remoteStream.value?.getTracks().map((t) => t.kind)).toEqual(['audio']), patient);
    expect(await visitorCall.stats()).toMatchObject({ videoBytesReceived: 50_000 });
    expect(await agentCall.stats()).toMatchObject({ videoBytesReceived: 0 });
    expect(agentPc.connectionState).toBe('connected');
  });

  it('hang-up on one side ends it for both, with a duration, and leaves no track or connection open', async () => {
    const { visitorCall, agentCall, visitorPc, agentPc, visitorMedia, agentMedia, calls } = await connectedCall();

    await agentCall.hangUp();

    const [fromVisitor, fromAgent] = await Promise.all([visitorCall.done, agentCall.done]);
    expect(fromAgent).toMatchObject({ status: 'ended', endReason: 'hangup' });
    expect(fromVisitor).toMatchObject({ status: 'ended', endReason: 'hangup', metadata: { endedBy: 'agent' } });
    expect(typeof fromVisitor?.durationSeconds).toBe('number');
    for (const call of [visitorCall, agentCall]) {
      expect(call.phase.value).toBe('ended');
      expect(call.error.value).toBeNull();
    }
    expect(live(visitorMedia)).toEqual([]);
    expect(live(agentMedia)).toEqual([]);
    expect([visitorPc.connectionState, agentPc.connectionState]).toEqual(['closed', 'closed']);
    expect(calls.current.value).toBeNull();
    // Nothing throws on an ended call.
    await visitorCall.hangUp();
    visitorCall.setMuted(true);
    expect(await visitorCall.stats()).toEqual({ audioBytesReceived: 0, videoBytesReceived: 0 });
  });

  it('a failed connection ends the call with CALL_CONNECTION_FAILED on both sides and tells the server', async () => {
    const { visitorCall, agentCall, visitorPc, visitorMedia, agentMedia } = await connectedCall();

    visitorPc.setState('disconnected');
    expect(visitorCall.phase.value).toBe('reconnecting');
    visitorPc.setState('failed');

    expect(visitorCall.phase.value).toBe('ended');
    expect(visitorCall.error.value?.code).toBe('CALL_CONNECTION_FAILED');
    expect(await visitorCall.done).toMatchObject({ status: 'failed', endReason: 'connection_failed' });
    // The agent hears it from the server.
    expect(await agentCall.done).toMatchObject({ status: 'failed' });
    expect(agentCall.error.value?.code).toBe('CALL_CONNECTION_FAILED');
    expect([...live(visitorMedia), ...live(agentMedia)]).toEqual([]);
  });

  it('an agent who declines ends the ringing call for the visitor, as declined', async () => {
    const { calls } = await visitorCalls();
    const { host } = await agent();
    const call = await calls.start('video');

    expect(await declineCall(host, call.session.value!.id)).toMatchObject({ status: 'ended', endReason: 'declined' });

    expect(await call.done).toMatchObject({ status: 'ended', endReason: 'declined' });
    expect(call.error.value).toBeNull();
    expect(call.localStream.value?.getTracks().every((t) => t.readyState === 'ended')).toBe(true);
  });

  it('a second agent answering a call already taken gets CALL_NOT_RINGING and keeps no media', async () => {
    const { visitorCall } = await connectedCall();
    const late = fakeMedia();
    const { host } = await agent(late);

    const second = answerCall(host, { ...visitorCall.session.value!, status: 'started' });

    await expect(started(second)).rejects.toMatchObject({ code: 'CALL_NOT_RINGING' });
    expect(second.phase.value).toBe('ended');
    expect(live(late)).toEqual([]);
    expect(late.asked).toHaveLength(1);
    expect(visitorCall.phase.value).toBe('connected');
  });

  it('mutes, turns the camera off and switches the microphone on the same sender, without a new offer', async () => {
    const { visitorCall, visitorPc, agentPc, visitorMedia } = await connectedCall();
    const [mic, cam] = visitorCall.localStream.value!.getTracks();

    visitorCall.setMuted(true);
    visitorCall.setCameraOff(true);
    expect([mic!.enabled, cam!.enabled]).toEqual([false, false]);
    expect(await visitorCall.devices()).toContainEqual({ deviceId: 'mic-2', kind: 'audioinput', label: 'Mic 2' });

    const senders = [...visitorPc.senders];
    await visitorCall.useDevice('audioinput', 'mic-2');

    const fresh = visitorCall.localStream.value!.getAudioTracks()[0]!;
    expect(fresh).not.toBe(mic);
    expect(visitorMedia.asked.at(-1)).toEqual({ audio: { deviceId: { exact: 'mic-2' } } });
    // Adding the track (instead of replacing it) would add a sender, which needs a new offer.
    expect(visitorPc.senders).toEqual(senders);
    expect(visitorPc.senders[0]!.track).toBe(fresh);
    expect([visitorPc.offersCreated, agentPc.offersCreated]).toEqual([1, 0]);
    expect(fresh.enabled).toBe(false); // still muted
    expect(mic!.readyState).toBe('ended');
    expect(visitorCall.phase.value).toBe('connected');
  });

  it('a call that ends during a device switch leaves the new device off too', async () => {
    const media = fakeMedia();
    let call: { hangUp(): Promise<void> } | undefined;
    // The new microphone comes, and the call is hung up while the sender takes it.
    const devices = {
      ...media.devices,
      getUserMedia: async (c: MediaStreamConstraints) => {
        const stream = await media.devices.getUserMedia(c);
        if (typeof c.audio === 'object') setTimeout(() => void call?.hangUp(), 0);
        return stream;
      },
    } as MediaDevices;
    const { visitorCall, agentCall } = await connectedCall({ ...media, devices });
    call = visitorCall;

    await visitorCall.useDevice('audioinput', 'mic-2');

    expect(visitorCall.phase.value).toBe('ended');
    expect(media.tracks).toHaveLength(3);
    expect(live(media)).toEqual([]);
    expect(await agentCall.done).toMatchObject({ status: 'ended' });
  });

  it('goes on as audio only when another app holds the camera (Firefox’s AbortError)', async () => {
    const { calls } = await visitorCalls(fakeMedia('cameraBusy'));
    const call = await calls.start('video');
    expect([call.phase.value, call.audioOnly.value]).toEqual(['ringing', true]);
    await call.hangUp();
  });

  it('an agent who hangs up at the permission prompt only leaves: the call rings on for the team', async () => {
    const { calls } = await visitorCalls();
    const media = fakeMedia();
    let allow!: () => void;
    const asked = new Promise<void>((resolve) => (allow = resolve));
    const slow = { ...media.devices, getUserMedia: async (c: MediaStreamConstraints) => (await asked, media.devices.getUserMedia(c)) };
    const { host } = await agent({ ...media, devices: slow as MediaDevices });
    const call = await calls.start('audio');
    const first = answerCall(host, await seenCall(host, call.session.value!.id, 'started'));

    const leaving = first.hangUp();
    allow();
    await leaving;

    expect(await first.done).toMatchObject({ status: 'started' });
    expect(live(media)).toEqual([]);
    const { callSession } = await host.request<{ callSession: CallSession }>('GET', `calls/sessions/${call.session.value!.id}`);
    expect(callSession.status).toBe('started');
    expect(call.phase.value).toBe('ringing');
    // Another agent (or the same one, again) can still take it.
    const second = answerCall(host, callSession);
    await vi.waitFor(() => expect([call.phase.value, second.phase.value]).toEqual(['connected', 'connected']), patient);
    await second.hangUp();
  });

  it('keeps the final status when the visitor hung up while the agent’s answer was on its way', async () => {
    const { calls } = await visitorCalls();
    const { host } = await agent();
    const visitorCall = await calls.start('audio');
    let answered!: Promise<unknown>;
    // The answer goes through, but its reply comes after the visitor's hang-up and its frame.
    const slowHost = {
      ...host,
      request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
        const reply = host.request<T>(method, path, body);
        if (!path.endsWith('/answer')) return reply;
        answered = reply.then(async (r) => {
          await visitorCall.hangUp();
          await seenCall(host, visitorCall.session.value!.id, 'ended');
          return r;
        });
        return answered as Promise<T>;
      },
    };
    const agentCall = answerCall(slowHost, await seenCall(host, visitorCall.session.value!.id, 'started'));

    expect(await agentCall.done).toMatchObject({ status: 'ended', endReason: 'hangup' });
    await answered;
    await new Promise((resolve) => setImmediate(resolve));
    expect(agentCall.session.value).toMatchObject({ status: 'ended' });
  });

  it('gives up on a connection that does not come back within the reconnect time', async () => {
    const { visitorCall, agentCall, visitorPc } = await connectedCall();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      visitorPc.setState('disconnected');
      expect(visitorCall.phase.value).toBe('reconnecting');
      vi.advanceTimersByTime(RECONNECT_TIMEOUT_MS - 1);
      expect(visitorCall.phase.value).toBe('reconnecting');
      vi.advanceTimersByTime(1);
    } finally {
      vi.useRealTimers();
    }
    expect(visitorCall.error.value?.code).toBe('CALL_CONNECTION_FAILED');
    expect(await visitorCall.done).toMatchObject({ status: 'failed', endReason: 'connection_failed' });
    expect(await agentCall.done).toMatchObject({ status: 'failed' });
  });

  it('a page going away hangs up with a request that outlives it', async () => {
    const { visitorCall, agentCall, agentHost, agentMedia } = await connectedCall();

    agentCall.hangUpOnExit();

    expect(agentCall.phase.value).toBe('ended');
    expect(live(agentMedia)).toEqual([]);
    expect(await visitorCall.done).toMatchObject({ status: 'ended', endReason: 'hangup', metadata: { endedBy: 'agent' } });
    expect(agentHost.keptAlive).toEqual([`PATCH calls/sessions/${visitorCall.session.value!.id}/end`]);
  });
});

/**
 * A call page (the visitor's own token and socket) with a conversation places an audio call that
 * an agent answers; `test` runs with fake intervals, so the ring check and the offer resend run
 * only when it advances them.
 * @param drop frames the page's socket misses
 * @param refuse frames the page's socket cannot send (as while it reconnects)
 */
async function onCallPage(
  page: { drop?: (f: ServerFrame) => boolean; refuse?: (f: ClientFrame) => boolean },
  test: (c: { visitor: TestCallHost; call: ActiveCall; agentCall: ActiveCall }) => Promise<void>,
): Promise<void> {
  const visitor = await openHost(real.server, fakeMedia(), 'visitor', page.drop);
  visitor.refuse = page.refuse ?? null;
  const { conversation } = await visitor.request<{ conversation: { conversationId: string } }>('POST', 'chat/visitor/conversations', {});
  const { host } = await agent();
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  try {
    const call = await started(placeCall(visitor, { conversationId: conversation.conversationId, type: 'audio' }));
    const agentCall = answerCall(host, await seenCall(host, call.session.value!.id, 'started'));
    await test({ visitor, call, agentCall });
  } finally {
    vi.useRealTimers();
  }
}

describe('a call whose socket missed a frame', () => {
  it('sends the offer the socket could not take once the socket is ready again', async () => {
    // A call page whose socket is reconnecting when the agent answers. It joined before the
    // conversation existed: it hears of the answer by reading the call.
    await onCallPage({ refuse: (f) => f.type === 'call.signal' }, async ({ visitor, call, agentCall }) => {
      await vi.waitFor(() => expect(agentCall.phase.value).toBe('connecting'), patient);
      vi.advanceTimersByTime(RING_CHECK_MS);
      await vi.waitFor(() => expect(visitor.sent.some(({ frame, ok }) => frame.type === 'call.signal' && !ok)).toBe(true), patient);
      expect(call.phase.value).toBe('connecting');
      expect(peerConnections.find((pc) => pc.localDescription?.type === 'offer')).toBeDefined();

      visitor.refuse = null;
      visitor.ready();

      await vi.waitFor(() => expect([call.phase.value, agentCall.phase.value]).toEqual(['connected', 'connected']), patient);
      await call.hangUp();
    });
  });

  it('sends the offer again when no answer comes, and the agent answers it again', async () => {
    let lost = 0;
    // The agent's answer never reaches the visitor's socket (it was reconnecting).
    const drop = (f: ServerFrame) => f.type === 'call.signal' && f.signal.kind === 'answer' && lost++ === 0;
    await onCallPage({ drop }, async ({ visitor, call, agentCall }) => {
      await vi.waitFor(() => expect(lost).toBe(1), patient);
      expect(call.phase.value).toBe('connecting');

      vi.advanceTimersByTime(OFFER_RESEND_MS);

      await vi.waitFor(() => expect([call.phase.value, agentCall.phase.value]).toEqual(['connected', 'connected']), patient);
      const offers = visitor.sent.filter(({ frame }) => frame.type === 'call.signal' && frame.signal.kind === 'offer');
      expect(offers).toHaveLength(2);
      // Which side's peer connection exists first depends on frame timing (a database round trip
      // after the HTTP answer since frames go through the cluster bus); exactly one offer is made.
      expect(peerConnections.find((pc) => pc.localDescription?.type === 'offer')?.offersCreated).toBe(1);
      expect(peerConnections.reduce((n, pc) => n + pc.offersCreated, 0)).toBe(1);
      await call.hangUp();
    });
  });

  it('notices the answer by reading the call while it rings, and connects', async () => {
    // The page's socket loses every call.updated.
    await onCallPage({ drop: (f) => f.type === 'call.updated' }, async ({ call, agentCall }) => {
      await vi.waitFor(() => expect(agentCall.phase.value).toBe('connecting'), patient);
      expect(call.phase.value).toBe('ringing');

      vi.advanceTimersByTime(RING_CHECK_MS);

      await vi.waitFor(() => expect([call.phase.value, agentCall.phase.value]).toEqual(['connected', 'connected']), patient);
      await agentCall.hangUp();
      // The hang-up frame is lost too: the peer connection closing is what the visitor notices in a browser.
      await call.hangUp();
      expect(await call.done).toMatchObject({ status: 'ended' });
    });
  });
});

describe('the peer connection', () => {
  it('keeps candidates that come before the offer until the remote description is set', async () => {
    const sent: CallSignal[] = [];
    const peer = createPeer({
      RTCPeerConnection: FakeRTC,
      iceServers: [{ urls: 'stun:stun.example.org' }],
      stream: new FakeStream() as unknown as MediaStream,
      video: true,
      send: (s) => sent.push(s),
      onStream: () => {},
      onState: () => {},
      onError: (e) => {
        throw e;
      },
    });
    const pc = peer.pc as unknown as FakePeerConnection;
    const candidate = { candidate: 'candidate:9 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 };

    peer.receive({ kind: 'candidate', candidate });
    peer.receive({ kind: 'offer', sdp: 'fake offer|audio|' });

    await vi.waitFor(() => expect(sent.find((s) => s.kind === 'answer')).toBeDefined(), patient);
    await vi.waitFor(() => expect(pc.remoteCandidates).toEqual([candidate]), patient);
    expect(pc.earlyCandidates).toEqual([]);
    expect(pc.config.iceServers).toEqual([{ urls: 'stun:stun.example.org' }]);
    peer.close();
  });
});
