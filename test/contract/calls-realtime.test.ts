/**
 * Calls over the realtime socket (extensions.md §15): `call.updated` to the visitor and the
 * tenant's agents, the call record as a message, signaling relayed only between the parties of
 * an answered call, the ring timeout and the drop grace.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../src/contract/extensions.ts';
import { expectMatchesSchema } from '../helpers/contract-schema.ts';
import { type TestSocket, connect, trackSockets } from './socket.ts';
import { otherTenantAgent, seedSecondAgent } from './calls-support.ts';
import { type Api, useContractServer } from './support.ts';

const { server, api } = useContractServer({ seed: seedSecondAgent });
/** Short timers: a ring that runs out and a dropped party are events to await, not waits. */
const { server: quick, api: quickApi } = useContractServer({ callRingTimeoutMs: 400 });
/** A short drop grace but the usual ring, so answering in time is never a race. */
const GRACE_MS = 600;
const { server: grace, api: graceApi } = useContractServer({ callDropGraceMs: GRACE_MS });
let agent: string;
let secondAgent: string;
let quickAgent: string;
let graceAgent: string;
const track = trackSockets();

beforeAll(async () => {
  agent = await api.agentToken();
  quickAgent = await quickApi.agentToken();
  graceAgent = await graceApi.agentToken();
  secondAgent = await api.agentToken('agent-two');
});

type CallFrame = Extract<ServerFrame, { type: 'call.updated' }>;
const callUpdate = (status: string) => (f: ServerFrame) => f.type === 'call.updated' && f.call.status === status;
const signalOrPong = (f: ServerFrame) => f.type === 'call.signal' || f.type === 'pong';

async function nextCall(socket: TestSocket, status: string) {
  const frame = (await socket.next(callUpdate(status))) as CallFrame;
  expectMatchesSchema('ExtCallSession', frame.call);
  return frame.call;
}

/** A ping answered: every frame `socket` sent before it has been handled. */
async function pinged(socket: TestSocket, t: number) {
  socket.send({ type: 'ping', t });
  expect(await socket.next((f) => f.type === 'pong' && f.t === t)).toEqual({ type: 'pong', t });
}

/**
 * `sender`'s stray signals reached none of `receivers`. The sender's pong first: the server
 * relays a signal while it handles the frame, so once that pong is back any relayed frame is
 * already written to its receiver's socket, ahead of the receiver's own pong.
 */
async function expectNoSignal(sender: TestSocket, receivers: TestSocket[], t: number) {
  await pinged(sender, t);
  for (const [i, socket] of receivers.entries()) {
    socket.send({ type: 'ping', t: t * 100 + i });
    expect(await socket.next(signalOrPong)).toEqual({ type: 'pong', t: t * 100 + i });
  }
}

async function ringingCall(site: Api, baseUrl: string, agentToken: string) {
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
    await expectNoSignal(visitorSocket, [agentSocket], 1);

    await api.call('POST', `/agent-sdk/calls/${callId}/answer`, { token: agent });
    await nextCall(visitorSocket, 'answered');
    visitorSocket.send({ type: 'call.signal', callId, signal: { kind: 'offer', sdp: 'v=0 offer', extra: 'not passed on' } });
    expect(await agentSocket.next(signalOrPong)).toEqual({ type: 'call.signal', callId, from: 'visitor', signal: { kind: 'offer', sdp: 'v=0 offer' } });
    await expectNoSignal(visitorSocket, [other, stranger], 2);

    agentSocket.send({ type: 'call.signal', callId, signal: { kind: 'answer', sdp: 'v=0 answer' } });
    expect(await visitorSocket.next(signalOrPong)).toEqual({ type: 'call.signal', callId, from: 'agent', signal: { kind: 'answer', sdp: 'v=0 answer' } });
    const candidate = { candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'abcd' };
    agentSocket.send({ type: 'call.signal', callId, signal: { kind: 'candidate', candidate } });
    expect(await visitorSocket.next(signalOrPong)).toMatchObject({ from: 'agent', signal: { kind: 'candidate', candidate } });
    visitorSocket.send({ type: 'call.signal', callId, signal: { kind: 'candidate', candidate: null } });
    expect(await agentSocket.next(signalOrPong)).toMatchObject({ from: 'visitor', signal: { kind: 'candidate', candidate: null } });

    // Not a party, not a signal, not this call: dropped.
    other.send({ type: 'call.signal', callId, signal: { kind: 'answer', sdp: 'intruder' } });
    await expectNoSignal(other, [visitorSocket, agentSocket], 3);
    stranger.send({ type: 'call.signal', callId, signal: { kind: 'offer', sdp: 'intruder' } });
    await expectNoSignal(stranger, [visitorSocket, agentSocket], 4);
    visitorSocket.send({ type: 'call.signal', callId, signal: { kind: 'hello' } });
    visitorSocket.send({ type: 'call.signal', callId: 'call_nope', signal: { kind: 'offer', sdp: 'x' } });
    await expectNoSignal(visitorSocket, [agentSocket], 5);
    // Another tenant's agent knowing the call id: dropped too.
    const foreign = track(await connect(server.baseUrl, await otherTenantAgent(server)));
    foreign.send({ type: 'call.signal', callId, signal: { kind: 'answer', sdp: 'cross-tenant' } });
    await expectNoSignal(foreign, [visitorSocket, agentSocket], 6);

    // After the end: dropped.
    await api.call('PATCH', `/calls/sessions/${callId}/end`, { token, body: {} });
    await nextCall(agentSocket, 'ended');
    visitorSocket.send({ type: 'call.signal', callId, signal: { kind: 'offer', sdp: 'too late' } });
    await expectNoSignal(visitorSocket, [agentSocket], 7);
  });

  it('keeps the call with the agent\'s console that answered the offer, not the agent\'s other consoles', async () => {
    const { callId, visitorSocket, agentSocket } = await ringingCall(api, server.baseUrl, agent);
    const otherConsole = track(await connect(server.baseUrl, agent));
    await api.call('POST', `/agent-sdk/calls/${callId}/answer`, { token: agent });
    await nextCall(visitorSocket, 'answered');
    // The offer goes to every console of the agent: the one that takes it answers.
    visitorSocket.send({ type: 'call.signal', callId, signal: { kind: 'offer', sdp: 'v=0 offer' } });
    expect(await agentSocket.next(signalOrPong)).toMatchObject({ type: 'call.signal', from: 'visitor' });
    expect(await otherConsole.next(signalOrPong)).toMatchObject({ type: 'call.signal', from: 'visitor' });
    agentSocket.send({ type: 'call.signal', callId, signal: { kind: 'answer', sdp: 'v=0 answer' } });
    expect(await visitorSocket.next(signalOrPong)).toMatchObject({ from: 'agent', signal: { kind: 'answer', sdp: 'v=0 answer' } });
    // The other console's answer is not heard, and what the visitor sends next goes only to the first.
    otherConsole.send({ type: 'call.signal', callId, signal: { kind: 'answer', sdp: 'second console' } });
    await expectNoSignal(otherConsole, [visitorSocket], 1);
    visitorSocket.send({ type: 'call.signal', callId, signal: { kind: 'candidate', candidate: null } });
    expect(await agentSocket.next(signalOrPong)).toMatchObject({ from: 'visitor', signal: { kind: 'candidate', candidate: null } });
    await expectNoSignal(visitorSocket, [otherConsole], 2);
    await api.call('PATCH', `/calls/sessions/${callId}/end`, { token: agent, body: {} });
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

  it('gives each party its own full grace: an agent who drops later is not cut short by the visitor\'s earlier drop', async () => {
    const call = await ringingCall(graceApi, grace.baseUrl, graceAgent);
    await graceApi.call('POST', `/agent-sdk/calls/${call.callId}/answer`, { token: graceAgent });
    await nextCall(call.visitorSocket, 'answered');
    call.visitorSocket.close();
    await call.visitorSocket.closed;
    // The scenario itself: the agent drops while the visitor's grace runs, then the visitor is back.
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS / 2));
    call.agentSocket.close();
    await call.agentSocket.closed;
    const agentGone = Date.now();
    const back = track(await connect(grace.baseUrl, call.token));
    const lost = await nextCall(back, 'ended');
    expect(lost).toMatchObject({ endReason: 'connection_lost' });
    // A shared timer would have ended it half a grace after the agent left.
    expect(Date.now() - agentGone).toBeGreaterThanOrEqual(GRACE_MS - 50);
  });
});
