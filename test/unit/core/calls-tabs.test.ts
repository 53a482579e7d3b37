/**
 * A call from a tab that does not hold the socket: its signaling goes through the leader tab
 * (`shareConnection`, Node's BroadcastChannel) and the frames come back the same way.
 */
import { describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { answerCall } from '../../../src/calls/call.ts';
import { createMemoryStorage, createRuntime, type Runtime } from '../../../src/index.ts';
import { patient, seenCall, useCallHosts } from './calls-hosts.ts';
import { FakeRTC, fakeMedia } from './calls-fakes.ts';
import { useRealServer } from './real-server.ts';

const real = useRealServer();
const openHost = useCallHosts();

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
    const agent = await openHost(real.server);

    const call = await (await follower.calls()).start('video');
    const answered = answerCall(agent, await seenCall(agent, call.session.value!.id, 'started'));

    await vi.waitFor(() => expect([call.phase.value, answered.phase.value]).toEqual(['connected', 'connected']), patient);
    await answered.hangUp();
    expect(await call.done).toMatchObject({ status: 'ended', endReason: 'hangup' });
    expect(media.tracks.filter((t) => t.readyState === 'live')).toEqual([]);
  });
});
