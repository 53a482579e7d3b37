/**
 * Calls under a tenant's settings and the server's configuration (extensions.md §15): services
 * gating, the ring timeout, `ICE_SERVERS`, call links, and a runtime that goes away mid-call.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { answerCall } from '../../../src/calls/call.ts';
import type { CallSession } from '../../../src/contract/extensions.ts';
import type { Runtime } from '../../../src/index.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { callHost, type TestCallHost } from './calls-hosts.ts';
import { FakeRTC, fakeMedia, peerConnections, type FakeMedia } from './calls-fakes.ts';
import { startVisitor } from './visitor.ts';

// The machine's cores are shared: wait longer than vi.waitFor's 1 s default.
const patient = { timeout: 5_000 };
const ICE = [{ urls: 'stun:stun.example.org:3478' }];
let server: TestServer;
const runtimes: Runtime[] = [];
const hosts: TestCallHost[] = [];
beforeAll(async () => {
  server = await startTestServer({ log: false, tenantSettings: { calls: { voice: true, video: false } }, callRingTimeoutMs: 2_000, iceServers: ICE });
});
afterEach(() => {
  for (const r of runtimes.splice(0)) r.destroy();
  for (const h of hosts.splice(0)) h.close();
  peerConnections.splice(0);
});
afterAll(() => server.close());

async function visitor(media: FakeMedia) {
  const { runtime, id } = await startVisitor(server, 'Hello', { mediaDevices: media.devices, RTCPeerConnection: FakeRTC });
  runtimes.push(runtime);
  return { runtime, id, calls: await runtime.calls() };
}

describe('calls under the tenant’s settings', () => {
  it('offers only what the tenant allows, and asks for no camera for a call it does not offer', async () => {
    const media = fakeMedia();
    const { calls } = await visitor(media);

    expect(calls.available.value).toEqual({ audio: true, video: false });
    await expect(calls.start('video')).rejects.toMatchObject({ code: 'FEATURE_NOT_AVAILABLE' });
    expect(media.asked).toEqual([]);
  });

  it('an unanswered call becomes missed, ends by itself and lets go of the microphone', async () => {
    const media = fakeMedia();
    const { calls } = await visitor(media);

    const call = await calls.start('audio');

    expect(await call.done).toMatchObject({ status: 'missed', endReason: 'no_answer', durationSeconds: 0 });
    expect(call.phase.value).toBe('ended');
    expect(call.error.value).toBeNull();
    expect(media.tracks.every((t) => t.readyState === 'ended')).toBe(true);
    expect(calls.current.value).toBeNull();
  });

  it('hands the configured ICE servers to both peer connections', async () => {
    const { calls } = await visitor(fakeMedia());
    const agent = await callHost(server, { mediaDevices: fakeMedia().devices, RTCPeerConnection: FakeRTC });
    hosts.push(agent);
    const call = await calls.start('audio');
    let ringing: CallSession | undefined;
    await vi.waitFor(() => {
      ringing = agent.frames.flatMap((f) => (f.type === 'call.updated' && f.call.id === call.session.value?.id ? [f.call] : [])).at(0);
      expect(ringing).toBeDefined();
    }, patient);

    const answered = answerCall(agent, ringing!);

    await vi.waitFor(() => expect([call.phase.value, answered.phase.value]).toEqual(['connected', 'connected']), patient);
    expect(peerConnections.map((pc) => pc.config.iceServers)).toEqual([ICE, ICE]);
    await call.hangUp();
    expect(await answered.done).toMatchObject({ status: 'ended', metadata: { endedBy: 'visitor' } });
  });

  it('destroying the runtime hangs up its call', async () => {
    const media = fakeMedia();
    const { runtime, calls } = await visitor(media);
    const call = await calls.start('audio');

    runtime.destroy();

    expect(call.phase.value).toBe('ended');
    expect(media.tracks.every((t) => t.readyState === 'ended')).toBe(true);
    // Told the server, so nobody is left ringing.
    expect(await call.done).toMatchObject({ status: 'missed', endReason: 'cancelled' });
  });

  it('makes a call link for the conversation', async () => {
    const { calls, id } = await visitor(fakeMedia());

    const link = await calls.createLink('voice_call');

    expect(link).toMatchObject({ service: 'voice_call', conversationId: id });
    expect(link.url).toMatch(/\/call\/#.+/);
    expect(Date.parse(link.expiresAt)).toBeGreaterThan(Date.now());
  });
});
