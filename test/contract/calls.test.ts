/**
 * Calls over REST (extensions.md §15): placing, reading, answering and ending a call, every
 * error the section names, the services bootstrap reports, and the AI call that is not here.
 * Every body is checked against the contract, and the extension endpoints and fields against
 * the schemas `test/helpers/contract-schema.ts` writes for §15 over the contract's `CallSession`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.ts';
import { otherTenantAgent, seedSecondAgent } from './calls-support.ts';
import { client, useContractServer } from './support.ts';

let secondAgent: string;
const ICE = [{ urls: 'stun:stun.example.com:3478' }];

const { server, api } = useContractServer({ iceServers: ICE, seed: seedSecondAgent });
let agent: string;
beforeAll(async () => {
  agent = await api.agentToken();
  secondAgent = await api.agentToken('agent-two');
});

/** An agent-side call endpoint, validated against its schema like every other call. */
const ext = (method: string, path: string, token?: string, body?: unknown) =>
  api.call(method, path, { ...(token ? { token } : {}), ...(body !== undefined ? { body } : {}) });

async function placeCall(type: 'audio' | 'video' = 'video') {
  const v = await api.visitorWithConversation({ name: 'Casey' });
  const res = await api.call('POST', '/calls/sessions', { token: v.token, body: { conversationId: v.conversationId, type } });
  expect(res.status).toBe(201);
  return { ...v, callId: res.body.data.callSession.id as string, created: res.body };
}

describe('placing a call', () => {
  it('starts a ringing inbound call in the visitor\'s conversation, with the ICE servers', async () => {
    const v = await api.visitorWithConversation();
    const res = await api.call('POST', '/calls/sessions', { token: v.token, body: { conversationId: v.conversationId, type: 'audio', metadata: { page: '/pricing' } } });
    expect(res.status).toBe(201);
    expect(res.body.data.iceServers).toEqual(ICE);
    const call = res.body.data.callSession;
    expect(call).toMatchObject({ conversationId: v.conversationId, type: 'audio', direction: 'inbound', status: 'started', durationSeconds: null, endReason: null });
    expect(call.metadata).toEqual({ page: '/pricing' });
    // 128 random bits after the prefix: a call id cannot be guessed.
    expect(Buffer.from(String(call.id).replace(/^call_/, ''), 'base64url')).toHaveLength(16);

    const read = await api.call('GET', `/calls/sessions/${call.id}`, { token: v.token });
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual(res.body.data);
    const byAgent = await api.call('GET', `/calls/sessions/${call.id}`, { token: agent });
    expect(byAgent.body.data.callSession).toEqual(call);
  });

  it('drops the metadata keys the server owns (agentId, agentName, endedBy) from what the visitor sends', async () => {
    const v = await api.visitorWithConversation();
    const spoof = { agentId: 'agent-boss', agentName: 'CEO', endedBy: 'agent', page: '/pricing' };
    const res = await api.call('POST', '/calls/sessions', { token: v.token, body: { conversationId: v.conversationId, type: 'audio', metadata: spoof } });
    expect(res.status).toBe(201);
    const callId = res.body.data.callSession.id as string;
    expect(res.body.data.callSession.metadata).toEqual({ page: '/pricing' });
    const listed = (await ext('GET', '/agent-sdk/calls', agent)).body.data.callSessions.find((c: { id: string }) => c.id === callId);
    expect(listed.metadata).toEqual({ page: '/pricing' });
    // Cancelled, the missed call names no agent: nobody answered.
    const cancelled = await api.call('PATCH', `/calls/sessions/${callId}/end`, { token: v.token, body: {} });
    expect(cancelled.body.data.callSession).toMatchObject({ status: 'missed', endReason: 'cancelled' });
    expect(cancelled.body.data.callSession.metadata).toEqual({ page: '/pricing', endedBy: 'visitor' });
  });

  it('names a missing conversation, a bad type, and another direction or status', async () => {
    const v = await api.visitorWithConversation();
    const missing = await api.call('POST', '/calls/sessions', { token: v.token, body: { type: 'video' } });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('CALL_SESSION_CONVERSATION_REQUIRED');
    const empty = await api.call('POST', '/calls/sessions', { token: v.token, body: { conversationId: ' ', type: 'video' } });
    expect(empty.body.code).toBe('CALL_SESSION_CONVERSATION_REQUIRED');
    for (const type of ['phone', undefined, 3]) {
      const bad = await api.call('POST', '/calls/sessions', { token: v.token, body: { conversationId: v.conversationId, type } });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('CALL_SESSION_TYPE_INVALID');
    }
    const outbound = await api.call('POST', '/calls/sessions', { token: v.token, body: { conversationId: v.conversationId, type: 'video', direction: 'outbound' } });
    expect(outbound.status).toBe(400);
    expect(outbound.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.stringContaining('direction')] });
    const answered = await api.call('POST', '/calls/sessions', { token: v.token, body: { conversationId: v.conversationId, type: 'video', status: 'answered' } });
    expect(answered.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.stringContaining('status')] });
    // Nothing was created by the refused attempts.
    const live = await ext('GET', '/agent-sdk/calls', agent);
    expect(live.body.data.callSessions.filter((c: { conversationId: string }) => c.conversationId === v.conversationId)).toEqual([]);
  });

  it('refuses another visitor\'s conversation, another tenant\'s visitor, a closed one and an agent token', async () => {
    const owner = await api.visitorWithConversation();
    const stranger = await api.newVisitor();
    const foreign = await api.call('POST', '/calls/sessions', { token: stranger.token, body: { conversationId: owner.conversationId, type: 'video' } });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('CONVERSATION_NOT_FOUND');

    const other = await api.call('POST', '/sdk/session', { body: { slug: 'other' } });
    const otherToken = other.body.data.sessionToken as string;
    const crossTenant = await api.call('POST', '/calls/sessions', { token: otherToken, body: { conversationId: owner.conversationId, type: 'video' } });
    expect(crossTenant.status).toBe(404);
    expect(crossTenant.body.code).toBe('CONVERSATION_NOT_FOUND');

    const byAgent = await api.call('POST', '/calls/sessions', { token: agent, body: { conversationId: owner.conversationId, type: 'video' } });
    expect(byAgent.status).toBe(403);
    expect(byAgent.body.code).toBe('SERVER_API_SCOPE_DENIED');

    await api.call('POST', `/agent-sdk/conversations/${owner.conversationId}/close`, { token: agent });
    const closed = await api.call('POST', '/calls/sessions', { token: owner.token, body: { conversationId: owner.conversationId, type: 'video' } });
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe('CONVERSATION_CLOSED');
  });

  it('allows one live call per conversation, also when two start at once', async () => {
    const v = await api.visitorWithConversation();
    const body = { conversationId: v.conversationId, type: 'video' };
    const both = await Promise.all([api.call('POST', '/calls/sessions', { token: v.token, body }), api.call('POST', '/calls/sessions', { token: v.token, body })]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(both.find((r) => r.status === 409)?.body.code).toBe('CALL_IN_PROGRESS');
  });

  it('does not show a call to another visitor or another tenant\'s visitor or agent, nor an unknown id', async () => {
    const { callId } = await placeCall();
    const stranger = await api.newVisitor();
    for (const token of [stranger.token, (await api.call('POST', '/sdk/session', { body: { slug: 'other' } })).body.data.sessionToken as string]) {
      const res = await api.call('GET', `/calls/sessions/${callId}`, { token });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('CALL_SESSION_NOT_FOUND');
      const end = await api.call('PATCH', `/calls/sessions/${callId}/end`, { token, body: {} });
      expect(end.body.code).toBe('CALL_SESSION_NOT_FOUND');
    }
    const unknown = await api.call('GET', '/calls/sessions/call_nope', { token: agent });
    expect(unknown.body.code).toBe('CALL_SESSION_NOT_FOUND');
    // Another tenant's agent can neither see, answer nor end it.
    const otherAgent = await otherTenantAgent(server);
    expect((await api.call('GET', `/calls/sessions/${callId}`, { token: otherAgent })).body.code).toBe('CALL_SESSION_NOT_FOUND');
    expect((await ext('POST', `/agent-sdk/calls/${callId}/answer`, otherAgent)).body.code).toBe('CALL_SESSION_NOT_FOUND');
    expect((await api.call('PATCH', `/calls/sessions/${callId}/end`, { token: otherAgent, body: { reason: 'declined' } })).body.code).toBe('CALL_SESSION_NOT_FOUND');
    expect((await ext('GET', '/agent-sdk/calls', otherAgent)).body.data.callSessions).toEqual([]);
    expect((await api.call('GET', `/calls/sessions/${callId}`, { token: agent })).body.data.callSession.status).toBe('started');
    const unauthenticated = await api.call('GET', `/calls/sessions/${callId}`);
    expect(unauthenticated.status).toBe(401);
  });
});

describe('answering and ending', () => {
  it('answers, lists the live call, hangs up with a duration, and leaves a final call unchanged', async () => {
    const { token, callId } = await placeCall();
    const ringing = await ext('GET', '/agent-sdk/calls?status=started', agent);
    expect(ringing.body.data.callSessions.map((c: { id: string }) => c.id)).toContain(callId);

    const answered = await ext('POST', `/agent-sdk/calls/${callId}/answer`, agent);
    expect(answered.status).toBe(200);
    expect(answered.body.data.iceServers).toEqual(ICE);
    expect(answered.body.data.callSession).toMatchObject({ status: 'answered', metadata: { agentId: 'agent-demo', agentName: 'Alex (demo agent)' } });
    expect(answered.body.data.callSession.answeredAt).toEqual(expect.any(String));

    const ended = await api.call('PATCH', `/calls/sessions/${callId}/end`, { token, body: { reason: 'bye' } });
    expect(ended.status).toBe(200);
    expect(ended.body.data.callSession).toMatchObject({ status: 'ended', endReason: 'hangup', metadata: { endedBy: 'visitor', agentId: 'agent-demo' } });
    // Whole seconds from answer to end: two requests apart, which may straddle a second on a busy machine.
    expect(ended.body.data.callSession.durationSeconds).toBeGreaterThanOrEqual(0);
    expect(ended.body.data.callSession.durationSeconds).toBeLessThanOrEqual(1);
    const again = await api.call('PATCH', `/calls/sessions/${callId}/end`, { token: agent, body: { reason: 'media_failed' } });
    expect(again.status).toBe(200);
    expect(again.body.data.callSession).toEqual(ended.body.data.callSession);

    const done = await ext('GET', '/agent-sdk/calls', agent);
    expect(done.body.data.callSessions.map((c: { id: string }) => c.id)).not.toContain(callId);
    const history = await ext('GET', '/agent-sdk/calls?status=ended', agent);
    expect(history.body.data.callSessions.map((c: { id: string }) => c.id)).toContain(callId);
    const badFilter = await ext('GET', '/agent-sdk/calls?status=ringing', agent);
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.code).toBe('VALIDATION_FAILED');
  });

  it('gives one of two racing answers the call and the other 409 CALL_NOT_RINGING', async () => {
    const { callId } = await placeCall();
    const both = await Promise.all([ext('POST', `/agent-sdk/calls/${callId}/answer`, agent), ext('POST', `/agent-sdk/calls/${callId}/answer`, secondAgent)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(both.find((r) => r.status === 409)?.body.code).toBe('CALL_NOT_RINGING');
    const winner = both.find((r) => r.status === 200)?.body.data.callSession.metadata.agentId;
    // The same agent answering again is refused too.
    const twice = await ext('POST', `/agent-sdk/calls/${callId}/answer`, winner === 'agent-demo' ? agent : secondAgent);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('CALL_NOT_RINGING');
    // Only the agent who answered may end it; another gets 409 and the call goes on.
    const loser = winner === 'agent-demo' ? secondAgent : agent;
    const refused = await api.call('PATCH', `/calls/sessions/${callId}/end`, { token: loser, body: { reason: 'declined' } });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('CALL_NOT_RINGING');
    const still = await api.call('GET', `/calls/sessions/${callId}`, { token: agent });
    expect(still.body.data.callSession.status).toBe('answered');
  });

  it('records a decline, a cancel and a failure with their reasons', async () => {
    const declined = await placeCall('audio');
    const d = await api.call('PATCH', `/calls/sessions/${declined.callId}/end`, { token: secondAgent, body: { reason: 'declined' } });
    expect(d.body.data.callSession).toMatchObject({ status: 'ended', endReason: 'declined', durationSeconds: 0, metadata: { endedBy: 'agent' } });
    const late = await ext('POST', `/agent-sdk/calls/${declined.callId}/answer`, agent);
    expect(late.body.code).toBe('CALL_NOT_RINGING');

    const cancelled = await placeCall();
    const c = await api.call('PATCH', `/calls/sessions/${cancelled.callId}/end`, { token: cancelled.token });
    expect(c.body.data.callSession).toMatchObject({ status: 'missed', endReason: 'cancelled', metadata: { endedBy: 'visitor' } });

    const failed = await placeCall();
    await ext('POST', `/agent-sdk/calls/${failed.callId}/answer`, agent);
    const f = await api.call('PATCH', `/calls/sessions/${failed.callId}/end`, { token: agent, body: { reason: 'connection_failed' } });
    expect(f.body.data.callSession).toMatchObject({ status: 'failed', endReason: 'connection_failed', metadata: { endedBy: 'agent' } });

    const tooLong = await api.call('PATCH', `/calls/sessions/${failed.callId}/end`, { token: agent, body: { reason: 'x'.repeat(256) } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.code).toBe('VALIDATION_FAILED');
    const unknown = await ext('POST', '/agent-sdk/calls/call_nope/answer', agent);
    expect(unknown.body.code).toBe('CALL_SESSION_NOT_FOUND');
    const visitorAnswers = await ext('POST', `/agent-sdk/calls/${failed.callId}/answer`, failed.token);
    expect(visitorAnswers.status).toBe(403);
  });

  it('leaves the call in the conversation\'s history when it ends', async () => {
    const { token, conversationId, callId } = await placeCall('video');
    await api.call('PATCH', `/calls/sessions/${callId}/end`, { token: agent, body: { reason: 'declined' } });
    const history = await api.call('GET', `/chat/visitor/conversations/${conversationId}/messages`, { token });
    const record = history.body.data.messages.at(-1);
    expect(record).toMatchObject({
      senderType: 'system',
      messageType: 'call',
      body: 'Declined video call',
      metadata: { call: { callSessionId: callId, type: 'video', status: 'ended', durationSeconds: 0, endReason: 'declined' } },
    });
    const conversation = await api.call('GET', `/agent-sdk/conversations/${conversationId}`, { token: agent });
    expect(conversation.body.data.conversation.lastSeq).toBe(record.seq);
  });
});

describe('services', () => {
  it('offers voice and video calls and says why AI calls are not here', async () => {
    const res = await api.call('GET', `/sdk/bootstrap?slug=${server.slug}`);
    const byKey = Object.fromEntries((res.body.data.services as { key: string }[]).map((s) => [s.key, s]));
    expect(byKey.voice_call).toMatchObject({ status: 'available', allowed: true });
    expect(byKey.video_call).toMatchObject({ status: 'available', allowed: true });
    for (const key of ['ai_voice', 'ai_video']) {
      expect(byKey[key]).toMatchObject({ status: 'not_configured', allowed: false, reason: 'No real-time voice model in this deployment.' });
    }
    const v = await api.newVisitor();
    const ai = await api.call('POST', '/ai/visitor/realtime/call', { token: v.token, body: 'v=0', headers: { 'content-type': 'application/sdp' } });
    expect(ai.status).toBe(501);
    expect(ai.body).toMatchObject({ success: false, code: 'FEATURE_NOT_AVAILABLE' });
  });

  it('refuses a call the tenant turned off, and bootstrap says so', async () => {
    const voiceOnly = await startTestServer({ tenantSettings: { calls: { voice: true, video: false } } });
    try {
      const site = client(voiceOnly);
      const boot = await site.call('GET', `/sdk/bootstrap?slug=${voiceOnly.slug}`);
      const byKey = Object.fromEntries((boot.body.data.services as { key: string }[]).map((s) => [s.key, s]));
      expect(byKey.video_call).toMatchObject({ status: 'disabled_by_admin', allowed: false });
      expect(byKey.voice_call).toMatchObject({ status: 'available' });
      const v = await site.visitorWithConversation();
      const video = await site.call('POST', '/calls/sessions', { token: v.token, body: { conversationId: v.conversationId, type: 'video' } });
      expect(video.status).toBe(403);
      expect(video.body.code).toBe('FEATURE_NOT_AVAILABLE');
      const link = await site.call('POST', `/chat/visitor/conversations/${v.conversationId}/call-links`, { token: v.token, body: {} });
      expect(link.status).toBe(403);
      expect(link.body.code).toBe('FEATURE_NOT_AVAILABLE');
      const voice = await site.call('POST', '/calls/sessions', { token: v.token, body: { conversationId: v.conversationId, type: 'audio' } });
      expect(voice.status).toBe(201);
      expect(voice.body.data.iceServers).toEqual([]);
    } finally {
      await voiceOnly.close();
    }
  });
});
