/**
 * Calls over the realtime socket (extensions.md §15): `call.updated` to the visitor and the
 * tenant's agents, the call record as a message, signaling relayed only between the parties of
 * an answered call, the ring timeout and the drop grace.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../src/contract/extensions.ts';
import type { Database } from '../../demo/server/db/database.ts';
import { expectMatchesSchema } from '../helpers/contract-schema.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { type TestSocket, connect } from './socket.ts';
import { client } from './support.ts';

let server: TestServer;
let api: ReturnType<typeof client>;
let agent: string;
let secondAgent: string;
/** Short timers: a ring that runs out and a dropped party are events to await, not waits. */
let quick: TestServer;
let quickApi: ReturnType<typeof client>;
let quickAgent: string;
/** A short drop grace but the usual ring, so answering in time is never a race. */
let grace: TestServer;
let graceApi: ReturnType<typeof client>;
let graceAgent: string;
const sockets: TestSocket[] = [];
const track = (s: TestSocket) => (sockets.push(s), s);

async function seedSecondAgent(db: Database): Promise<void> {
  await db.query(`INSERT INTO agents (id, tenant_id, username, name, presence) VALUES ('agent-two', 'client_acme', 'two', 'Sam', 'available')`);
}

beforeAll(async () => {
  [server, quick, grace] = await Promise.all([
    startTestServer({ seed: seedSecondAgent }),
    startTestServer({ callRingTimeoutMs: 400 }),
    startTestServer({ callDropGraceMs: 400 }),
  ]);
  api = client(server);
  quickApi = client(quick);
  graceApi = client(grace);
  agent = await api.agentToken();
  quickAgent = await quickApi.agentToken();
  graceAgent = await graceApi.agentToken();
  const res = await api.call('POST', '/server/sdk-token/agent', { headers: { authorization: `Bearer ${server.serverApiKey}` }, body: { agentId: 'agent-two' } });
  secondAgent = res.body.data.token as string;
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});
afterAll(() => Promise.all([server?.close(), quick?.close(), grace?.close()]));

type CallFrame = Extract<ServerFrame, { type: 'call.updated' }>;
const callUpdate = (status: string) => (f: ServerFrame) => f.type === 'call.updated' && f.call.status === status;
const signalOrPong = (f: ServerFrame) => f.type === 'call.signal' || f.type === 'pong';

async function nextCall(socket: TestSocket, status: string) {
  const frame = (await socket.next(callUpdate(status))) as CallFrame;
  expectMatchesSchema('ExtCallSession', frame.call);
  return frame.call;
}

/** Nothing is on its way to `socket` that was sent before this: a ping's pong comes first. */
async function expectNoSignal(socket: TestSocket, t: number) {
  socket.send({ type: 'ping', t });
  expect(await socket.next(signalOrPong)).toEqual({ type: 'pong', t });
}

async function ringingCall(site: ReturnType<typeof client>, baseUrl: string, agentToken: string) {
  const v = await site.visitorWithConversation({ name: 'Robin' });
  const visitorSocket = track(await connect(baseUrl, v.token));
  const agentSocket = track(await connect(baseUrl, agentToken));
  const res = await site.call('POST', '/calls/sessions', { token: v.token, body: { conversationId: v.conversationId, type: 'video' } });
  const callId = res.body.data.callSession.id as string;
  return { ...v, callId, visitorSocket, agentSocket };
}

describe('call.updated and the call record', () => {
  it('tells the visitor and every agent of each change, and delivers the record like a message', async () => {
    const { callId, conversationId, visitorSocket, agentSocket } = await ringingCall(api, server.baseUrl, agent);
    const other = track(await connect(server.baseUrl, secondAgent));
    const stranger = track(await connect(server.baseUrl, (await api.newVisitor()).token));
    expect(await nextCall(visitorSocket, 'started')).toMatchObject({ id: callId, conversationId });
    expect((await nextCall(agentSocket, 'started')).id).toBe(callId);

    await api.call('POST', `/agent-sdk/calls/${callId}/answer`, { token: agent });
    expect(await nextCall(visitorSocket, 'answered')).toMatchObject({ id: callId, metadata: { agentId: 'agent-demo' } });
    expect((await nextCall(other, 'answered')).id).toBe(callId);

    await api.call('PATCH', `/calls/sessions/${callId}/end`, { token: agent, body: {} });
    expect(await nextCall(visitorSocket, 'ended')).toMatchObject({ endReason: 'hangup', metadata: { endedBy: 'agent' } });
    const created = await visitorSocket.next((f) => f.type === 'message.created');
    expect(created).toMatchObject({ conversationId, message: { senderType: 'system', messageType: 'call', metadata: { call: { callSessionId: callId, status: 'ended' } } } });
    expect((created as { message: { body: string } }).message.body).toMatch(/^Video call · 0:0\d$/);
    const updated = await agentSocket.next((f) => f.type === 'conversation.updated' && f.conversation.conversationId === conversationId);
    expect(updated).toMatchObject({ conversation: { lastSeq: (created as { seq: number }).seq } });
    // A visitor of another conversation hears nothing of it.
    stranger.send({ type: 'ping', t: 9 });
    expect(await stranger.next()).toEqual({ type: 'pong', t: 9 });
  });
});

describe('signaling', () => {
  it('relays offer, answer and candidates between the visitor and the agent who answered, and to nobody else', async () => {
    const { token, callId, visitorSocket, agentSocket } = await ringingCall(api, server.baseUrl, agent);
    const other = track(await connect(server.baseUrl, secondAgent));
    const stranger = track(await connect(server.baseUrl, (await api.newVisitor()).token));

    // Before the answer: dropped.
    visitorSocket.send({ type: 'call.signal', callId, signal: { kind: 'offer', sdp: 'too early' } });
    await expectNoSignal(agentSocket, 1);

    await api.call('POST', `/agent-sdk/calls/${callId}/answer`, { token: agent });
    await nextCall(visitorSocket, 'answered');
    visitorSocket.send({ type: 'call.signal', callId, signal: { kind: 'offer', sdp: 'v=0 offer', extra: 'not passed on' } });
    expect(await agentSocket.next(signalOrPong)).toEqual({ type: 'call.signal', callId, from: 'visitor', signal: { kind: 'offer', sdp: 'v=0 offer' } });
    await expectNoSignal(other, 2);
    await expectNoSignal(stranger, 3);

    agentSocket.send({ type: 'call.signal', callId, signal: { kind: 'answer', sdp: 'v=0 answer' } });
    expect(await visitorSocket.next(signalOrPong)).toEqual({ type: 'call.signal', callId, from: 'agent', signal: { kind: 'answer', sdp: 'v=0 answer' } });
    const candidate = { candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'abcd' };
    agentSocket.send({ type: 'call.signal', callId, signal: { kind: 'candidate', candidate } });
    expect(await visitorSocket.next(signalOrPong)).toMatchObject({ from: 'agent', signal: { kind: 'candidate', candidate } });
    visitorSocket.send({ type: 'call.signal', callId, signal: { kind: 'candidate', candidate: null } });
    expect(await agentSocket.next(signalOrPong)).toMatchObject({ from: 'visitor', signal: { kind: 'candidate', candidate: null } });

    // Not a party, not a signal, not this call: dropped.
    other.send({ type: 'call.signal', callId, signal: { kind: 'answer', sdp: 'intruder' } });
    stranger.send({ type: 'call.signal', callId, signal: { kind: 'offer', sdp: 'intruder' } });
    visitorSocket.send({ type: 'call.signal', callId, signal: { kind: 'hello' } });
    visitorSocket.send({ type: 'call.signal', callId: 'call_nope', signal: { kind: 'offer', sdp: 'x' } });
    await expectNoSignal(visitorSocket, 4);
    await expectNoSignal(agentSocket, 5);

    // After the end: dropped.
    await api.call('PATCH', `/calls/sessions/${callId}/end`, { token, body: {} });
    await nextCall(agentSocket, 'ended');
    visitorSocket.send({ type: 'call.signal', callId, signal: { kind: 'offer', sdp: 'too late' } });
    await expectNoSignal(agentSocket, 6);
  });
});

describe('timers', () => {
  it('turns a call nobody answers into a missed call with its record', async () => {
    const { callId, conversationId, token, visitorSocket } = await ringingCall(quickApi, quick.baseUrl, quickAgent);
    const missed = await nextCall(visitorSocket, 'missed');
    expect(missed).toMatchObject({ id: callId, endReason: 'no_answer', durationSeconds: 0, metadata: { endedBy: 'server' } });
    const history = await quickApi.call('GET', `/chat/visitor/conversations/${conversationId}/messages`, { token });
    expect(history.body.data.messages.at(-1)).toMatchObject({ body: 'Missed video call', messageType: 'call', metadata: { call: { status: 'missed', endReason: 'no_answer' } } });
    const late = await quickApi.call('POST', `/agent-sdk/calls/${callId}/answer`, { token: quickAgent });
    expect(late.body.code).toBe('CALL_NOT_RINGING');
  });

  it('ends an answered call whose visitor stays away past the grace, but not one who comes back', async () => {
    const kept = await ringingCall(graceApi, grace.baseUrl, graceAgent);
    await graceApi.call('POST', `/agent-sdk/calls/${kept.callId}/answer`, { token: graceAgent });
    await nextCall(kept.visitorSocket, 'answered');
    // A second socket of the same visitor (the call page) keeps it connected while the first drops.
    const page = track(await connect(grace.baseUrl, kept.token));
    kept.visitorSocket.close();

    const dropped = await ringingCall(graceApi, grace.baseUrl, graceAgent);
    await graceApi.call('POST', `/agent-sdk/calls/${dropped.callId}/answer`, { token: graceAgent });
    await nextCall(dropped.visitorSocket, 'answered');
    dropped.visitorSocket.close();
    const lost = await nextCall(dropped.agentSocket, 'ended');
    expect(lost).toMatchObject({ id: dropped.callId, endReason: 'connection_lost', metadata: { endedBy: 'server' } });

    // The kept call outlived the same grace.
    const still = await graceApi.call('GET', `/calls/sessions/${kept.callId}`, { token: kept.token });
    expect(still.body.data.callSession.status).toBe('answered');
    await graceApi.call('PATCH', `/calls/sessions/${kept.callId}/end`, { token: kept.token, body: {} });
    expect(await nextCall(page, 'ended')).toMatchObject({ endReason: 'hangup' });
  });
});
