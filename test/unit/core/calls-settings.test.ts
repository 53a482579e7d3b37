/**
 * Calls under a tenant's settings and the server's configuration (extensions.md §15): services
 * gating, the ring timeout, `ICE_SERVERS`, call links, and a runtime that goes away mid-call.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { answerCall } from '../../../src/calls/call.ts';
import type { Runtime } from '../../../src/index.ts';
import { useTestServer } from '../../helpers/server.ts';
import { callingVisitor, patient, seenCall, useCallHosts } from './calls-hosts.ts';
import { peerConnections } from './calls-fakes.ts';

const ICE = [{ urls: 'stun:stun.example.org:3478' }];
const server = useTestServer({ log: false, tenantSettings: { calls: { voice: true, video: false } }, callRingTimeoutMs: 2_000, iceServers: ICE });
const runtimes: Runtime[] = [];
const openHost = useCallHosts();
afterEach(() => {
  for (const r of runtimes.splice(0)) r.destroy();
});

const visitor = () => callingVisitor(server, runtimes);

describe('calls under the tenant’s settings', () => {
  it('offers only what the tenant allows, and asks for no camera for a call it does not offer', async () => {
    const { calls, media } = await visitor();

    expect(calls.available.value).toEqual({ audio: true, video: false });
    await expect(calls.start('video')).rejects.toMatchObject({ code: 'FEATURE_NOT_AVAILABLE' });
    expect(media.asked).toEqual([]);
  });

  it('an unanswered call becomes missed, ends by itself and lets go of the microphone', async () => {
    const { calls, media } = await visitor();

    const call = await calls.start('audio');

    expect(await call.done).toMatchObject({ status: 'missed', endReason: 'no_answer', durationSeconds: 0 });
    expect(call.phase.value).toBe('ended');
    expect(call.error.value).toBeNull();
    expect(media.tracks.every((t) => t.readyState === 'ended')).toBe(true);
    expect(calls.current.value).toBeNull();
  });

  it('hands the configured ICE servers to both peer connections', async () => {
    const { calls } = await visitor();
    const agent = await openHost(server);
    const call = await calls.start('audio');
    const ringing = await seenCall(agent, call.session.value!.id, 'started');

    const answered = answerCall(agent, ringing);

    await vi.waitFor(() => expect([call.phase.value, answered.phase.value]).toEqual(['connected', 'connected']), patient);
    expect(peerConnections.map((pc) => pc.config.iceServers)).toEqual([ICE, ICE]);
    await call.hangUp();
    expect(await answered.done).toMatchObject({ status: 'ended', metadata: { endedBy: 'visitor' } });
  });

  it('destroying the runtime hangs up its call', async () => {
    const { runtime, calls, media } = await visitor();
    const call = await calls.start('audio');

    runtime.destroy();

    expect(call.phase.value).toBe('ended');
    expect(media.tracks.every((t) => t.readyState === 'ended')).toBe(true);
    // Told the server, so nobody is left ringing.
    expect(await call.done).toMatchObject({ status: 'missed', endReason: 'cancelled' });
  });

  it('makes a call link for the conversation', async () => {
    const { calls, conversationId } = await visitor();

    const link = await calls.createLink('voice_call');

    expect(link).toMatchObject({ service: 'voice_call', conversationId });
    expect(link.url).toMatch(/\/call\/#.+/);
    expect(Date.parse(link.expiresAt)).toBeGreaterThan(Date.now());
  });
});
