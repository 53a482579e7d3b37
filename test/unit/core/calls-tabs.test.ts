/**
 * A call from a tab that does not hold the socket: its signaling goes through the leader tab
 * (`shareConnection`, Node's BroadcastChannel) and the frames come back the same way.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { answerCall } from '../../../src/calls/call.ts';
import type { CallSession } from '../../../src/contract/extensions.ts';
import { createMemoryStorage, createRuntime, type Runtime } from '../../../src/index.ts';
import { callHost, type TestCallHost } from './calls-hosts.ts';
import { FakeRTC, fakeMedia, peerConnections } from './calls-fakes.ts';
import { useRealServer } from './real-server.ts';

const real = useRealServer();
// Relays add hops, and the machine's cores are shared: wait longer than vi.waitFor's 1 s default.
const patient = { timeout: 5_000 };
const hosts: TestCallHost[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.close();
  peerConnections.splice(0);
});

describe('a call from a tab that shares the leader’s socket', () => {
  it('rings, connects and hangs up like one from the leader', async () => {
    const storage = createMemoryStorage();
    const media = fakeMedia();
    const tab = () => {
      const { baseUrl, slug } = real.server;
      const runtime = createRuntime({ baseUrl, slug, WebSocket, storage, shareConnection: true, mediaDevices: media.devices, RTCPeerConnection: FakeRTC });
      real.runtimes.push(runtime);
      return runtime;
    };
    const leader = tab();
    await leader.start();
    await vi.waitFor(() => expect(leader.status.value).toBe('connected'), patient);
    await leader.conversation.send('Hello');
    await vi.waitFor(() => expect(leader.conversation.messages.value[0]?.state).toBe('sent'), patient);
    const follower: Runtime = tab();
    await follower.start();
    await vi.waitFor(() => expect(follower.status.value).toBe('connected'), patient);
    expect(follower.leader.value).toBe(false);
    const agent = await callHost(real.server, { mediaDevices: fakeMedia().devices, RTCPeerConnection: FakeRTC });
    hosts.push(agent);

    const call = await (await follower.calls()).start('video');
    let ringing: CallSession | undefined;
    await vi.waitFor(() => {
      ringing = agent.frames.flatMap((f) => (f.type === 'call.updated' && f.call.id === call.session.value?.id ? [f.call] : [])).at(0);
      expect(ringing).toBeDefined();
    }, patient);
    const answered = answerCall(agent, ringing!);

    await vi.waitFor(() => expect([call.phase.value, answered.phase.value]).toEqual(['connected', 'connected']), patient);
    await answered.hangUp();
    expect(await call.done).toMatchObject({ status: 'ended', endReason: 'hangup' });
    expect(media.tracks.filter((t) => t.readyState === 'live')).toEqual([]);
  });
});
