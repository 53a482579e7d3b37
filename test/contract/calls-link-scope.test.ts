/**
 * A call link's session is for one call (extensions.md §15): it places and ends calls in the
 * link's conversation and opens the socket, where it hears only that conversation's `call.*`
 * frames and may only signal; everything else is 403 `SERVER_API_SCOPE_DENIED`. It places calls
 * only while the link lives, but lives on past it so a call placed late is not cut off, and it
 * works from the server's own origin (the call page is served there) even for a tenant whose
 * allowlist does not name it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../demo/server/db/database.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { connect, openSocket, trackSockets } from './socket.ts';
import { client, useContractServer } from './support.ts';


/** A second tenant whose allowlist names only its own site, not this server. */
async function seedOther(db: Database): Promise<void> {
  await db.query(
    `INSERT INTO tenants (id, slug, public_key, name, allowed_origins) VALUES ('client_other', 'other', 'pk_other', 'Other Co', '["https://other.example"]')`,
  );
}

// Links shorter than sessions: the link's session is bound to the link, not to `sessionTtlSeconds`.
const { server, api } = useContractServer({ seed: seedOther, callLinkTtlMs: 120_000, sessionTtlSeconds: 900 });
const track = trackSockets('suite');
let agent: string;
beforeAll(async () => {
  agent = await api.agentToken();
});

const tokenOf = (url: string) => url.slice(url.indexOf('#') + 1);

/**
 * A visitor with a call-link session for its open conversation, and an earlier conversation
 * (closed while a call in it still rings: a visitor has one open conversation at a time).
 */
async function linkSession(service: 'voice_call' | 'video_call' = 'video_call') {
  const v = await api.visitorWithConversation();
  const otherConversationId = v.conversationId;
  const earlier = await api.call('POST', '/calls/sessions', { token: v.token, body: { conversationId: otherConversationId, type: 'audio' } });
  expect(earlier.status).toBe(201);
  const closed = await api.call('POST', `/agent-sdk/conversations/${otherConversationId}/close`, { token: agent });
  expect(closed.status).toBe(200);
  const open = await api.call('POST', '/chat/visitor/conversations', { token: v.token, body: {} });
  const conversationId = open.body.data.conversation.conversationId as string;
  expect(conversationId).not.toBe(otherConversationId);
  return { ...(await trade(v.token, conversationId, service)), otherConversationId, otherCallId: earlier.body.data.callSession.id as string };
}

/** The visitor's call link for `conversationId`, traded at `/calls/link-session` as the call page does. */
async function trade(visitorToken: string, conversationId: string, service: 'voice_call' | 'video_call') {
  const v = { token: visitorToken };
  const link = await api.call('POST', `/chat/visitor/conversations/${conversationId}/call-links`, { token: v.token, body: { service } });
  expect(link.status).toBe(201);
  const session = await api.call('POST', '/calls/link-session', { body: { token: tokenOf(link.body.data.callLink.url) } });
  expect(session.status).toBe(201);
  return {
    visitorToken: v.token,
    conversationId,
    linkExpiresAt: link.body.data.callLink.expiresAt as string,
    token: session.body.data.sessionToken as string,
    expiresAt: session.body.data.expiresAt as string,
  };
}

describe('a call link session', () => {
  it('lives 4 hours past its link, so a call placed just before the link expires is not cut off', async () => {
    const s = await linkSession();
    expect(Date.parse(s.expiresAt) - Date.parse(s.linkExpiresAt)).toBe(4 * 60 * 60 * 1000);
  });

  it('is refused everywhere but the calls of its conversation', async () => {
    const s = await linkSession();
    const denied = [
      ['GET', '/chat/visitor/conversations', undefined],
      ['GET', '/chat/visitor/tickets/open', undefined],
      ['GET', `/chat/visitor/conversations/${s.conversationId}/messages`, undefined],
      ['POST', `/chat/visitor/conversations/${s.conversationId}/messages`, { body: 'as the visitor' }],
      ['POST', `/chat/visitor/conversations/${s.conversationId}/call-links`, {}],
      ['POST', '/chat/visitor/conversations', {}],
    ] as const;
    for (const [method, path, body] of denied) {
      const res = await api.call(method, path, { token: s.token, raw: true, ...(body !== undefined ? { body } : {}) });
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 403, code: 'SERVER_API_SCOPE_DENIED' });
    }
    // Nothing was written as the visitor.
    const history = await api.call('GET', `/chat/visitor/conversations/${s.conversationId}/messages`, { token: s.visitorToken });
    expect(history.body.data.messages).toEqual([]);

    // Another conversation of the same visitor: no call placed there, none of its calls seen.
    const elsewhere = await api.call('POST', '/calls/sessions', { token: s.token, raw: true, body: { conversationId: s.otherConversationId, type: 'video' } });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.code).toBe('SERVER_API_SCOPE_DENIED');
    const theirId = s.otherCallId;
    expect((await api.call('GET', `/calls/sessions/${theirId}`, { token: s.token })).body.code).toBe('CALL_SESSION_NOT_FOUND');
    expect((await api.call('PATCH', `/calls/sessions/${theirId}/end`, { token: s.token, body: {} })).body.code).toBe('CALL_SESSION_NOT_FOUND');
    expect((await api.call('GET', `/calls/sessions/${theirId}`, { token: s.visitorToken })).body.data.callSession.status).toBe('started');

    // Its own conversation: placed, read and ended.
    const own = await api.call('POST', '/calls/sessions', { token: s.token, body: { conversationId: s.conversationId, type: 'video' } });
    expect(own.status).toBe(201);
    const ownId = own.body.data.callSession.id as string;
    expect((await api.call('GET', `/calls/sessions/${ownId}`, { token: s.token })).status).toBe(200);
    const ended = await api.call('PATCH', `/calls/sessions/${ownId}/end`, { token: s.token, body: {} });
    expect(ended.body.data.callSession).toMatchObject({ status: 'missed', endReason: 'cancelled', metadata: { endedBy: 'visitor' } });
  });

  it('places only the kind of call its link is for', async () => {
    const s = await linkSession('voice_call');
    const video = await api.call('POST', '/calls/sessions', { token: s.token, raw: true, body: { conversationId: s.conversationId, type: 'video' } });
    expect(video.status).toBe(403);
    expect(video.body.code).toBe('SERVER_API_SCOPE_DENIED');
    expect((await api.call('POST', '/calls/sessions', { token: s.token, body: { conversationId: s.conversationId, type: 'audio' } })).status).toBe(201);
  });

  it('hears only its conversation\'s call frames on the socket, and sends nothing but signals', async () => {
    const s = await linkSession();
    const page = track(await connect(server.baseUrl, s.token, { origin: server.origin }));
    const agentSocket = track(await connect(server.baseUrl, agent));

    // A message in its conversation and the end of a call in the other one: not for the page.
    await api.call('POST', `/chat/visitor/conversations/${s.conversationId}/messages`, { token: s.visitorToken, body: { body: 'hello' } });
    const other = await api.call('PATCH', `/calls/sessions/${s.otherCallId}/end`, { token: s.visitorToken, body: {} });
    expect(other.body.data.callSession.status).toBe('missed');
    // Frames go out before the HTTP answer: the pong comes first unless one was queued.
    page.send({ type: 'ping', t: 1 });
    expect(await page.next()).toEqual({ type: 'pong', t: 1 });

    // Typing from the page is dropped: the agent (pinged after the page) hears none of it.
    page.send({ type: 'typing', conversationId: s.conversationId, typing: true });
    page.send({ type: 'ping', t: 2 });
    expect(await page.next()).toEqual({ type: 'pong', t: 2 });
    agentSocket.send({ type: 'ping', t: 3 });
    expect(await agentSocket.next((f) => f.type === 'typing' || f.type === 'pong')).toEqual({ type: 'pong', t: 3 });

    // Its own call: the page hears every change and signals with the agent.
    const call = await api.call('POST', '/calls/sessions', { token: s.token, body: { conversationId: s.conversationId, type: 'video' } });
    const callId = call.body.data.callSession.id as string;
    expect(await page.next()).toMatchObject({ type: 'call.updated', call: { id: callId, status: 'started' } });
    await api.call('POST', `/agent-sdk/calls/${callId}/answer`, { token: agent });
    expect(await page.next()).toMatchObject({ type: 'call.updated', call: { id: callId, status: 'answered' } });
    page.send({ type: 'call.signal', callId, signal: { kind: 'offer', sdp: 'v=0 offer' } });
    expect(await agentSocket.next((f) => f.type === 'call.signal')).toMatchObject({ from: 'visitor', signal: { kind: 'offer' } });
    agentSocket.send({ type: 'call.signal', callId, signal: { kind: 'answer', sdp: 'v=0 answer' } });
    expect(await page.next()).toMatchObject({ type: 'call.signal', callId, from: 'agent', signal: { kind: 'answer' } });
    await api.call('PATCH', `/calls/sessions/${callId}/end`, { token: s.token, body: {} });
    expect(await page.next()).toMatchObject({ type: 'call.updated', call: { id: callId, status: 'ended' } });
    // The call's record is a message: the page does not hear it either.
    page.send({ type: 'ping', t: 4 });
    expect(await page.next()).toEqual({ type: 'pong', t: 4 });
  });
});

describe('the server\'s own origin', () => {
  it('lets the call page call for a tenant whose allowlist does not name this server', async () => {
    const v = await client({ ...server, slug: 'other' as 'acme' }).visitorWithConversation();
    const s = await trade(v.token, v.conversationId, 'video_call');
    const own = { origin: server.origin };
    const call = await api.call('POST', '/calls/sessions', { token: s.token, headers: own, body: { conversationId: s.conversationId, type: 'video' } });
    expect(call.status).toBe(201);
    const page = track(await connect(server.baseUrl, s.token, own));
    page.send({ type: 'ping', t: 1 });
    expect(await page.next()).toEqual({ type: 'pong', t: 1 });

    // Only for the call-scoped session, and only from this server: the allowlist holds otherwise.
    const full = await api.call('GET', '/chat/visitor/conversations', { token: s.visitorToken, headers: own, raw: true });
    expect(full.body.code).toBe('SDK_ORIGIN_NOT_ALLOWED');
    const foreign = await api.call('GET', `/calls/sessions/${call.body.data.callSession.id}`, { token: s.token, headers: { origin: 'https://evil.example' }, raw: true });
    expect(foreign.body.code).toBe('SDK_ORIGIN_NOT_ALLOWED');
    const socket = track(await openSocket(server.baseUrl, { origin: 'https://evil.example' }));
    socket.send({ type: 'auth', token: s.token });
    expect(await socket.next()).toMatchObject({ type: 'error', code: 'SDK_ORIGIN_NOT_ALLOWED' });
  });
});

describe('after its link expires', () => {
  // Links of 3 s (the server signs whole seconds: the link lives 2–3 s), so the test waits for a
  // real expiry instead of faking a clock the server does not take.
  let short: TestServer;
  let shortApi: ReturnType<typeof client>;
  let shortAgent: string;
  beforeAll(async () => {
    short = await startTestServer({ callLinkTtlMs: 3000 });
    shortApi = client(short);
    shortAgent = await shortApi.agentToken();
  });
  afterAll(() => short?.close());

  it('keeps the call it placed (read, signaled, ended) but places no new one', async () => {
    const v = await shortApi.visitorWithConversation();
    const link = await shortApi.call('POST', `/chat/visitor/conversations/${v.conversationId}/call-links`, { token: v.token, body: {} });
    const linkToken = tokenOf(link.body.data.callLink.url);
    const session = await shortApi.call('POST', '/calls/link-session', { body: { token: linkToken } });
    expect(session.status).toBe(201);
    const token = session.body.data.sessionToken as string;
    const own = { origin: short.origin };
    const placed = await shortApi.call('POST', '/calls/sessions', { token, headers: own, body: { conversationId: v.conversationId, type: 'video' } });
    expect(placed.status).toBe(201);
    const callId = placed.body.data.callSession.id as string;
    const page = track(await connect(short.baseUrl, token, own));
    const agentSocket = track(await connect(short.baseUrl, shortAgent));

    // The link expires: it no longer trades, and its session places no new call.
    await vi.waitFor(
      async () => expect((await shortApi.call('POST', '/calls/link-session', { body: { token: linkToken } })).body.details).toEqual(['expired']),
      { timeout: 10_000, interval: 200 },
    );
    const late = await shortApi.call('POST', '/calls/sessions', { token, headers: own, body: { conversationId: v.conversationId, type: 'video' } });
    expect({ status: late.status, code: late.body.code, details: late.body.details }).toEqual({ status: 401, code: 'CALL_LINK_INVALID', details: ['expired'] });

    // The call placed before goes on: answered, signaled both ways on the page's socket, read.
    await shortApi.call('POST', `/agent-sdk/calls/${callId}/answer`, { token: shortAgent });
    expect(await page.next((f) => f.type === 'call.updated' && f.call.status === 'answered')).toMatchObject({ call: { id: callId } });
    page.send({ type: 'call.signal', callId, signal: { kind: 'offer', sdp: 'v=0 offer' } });
    expect(await agentSocket.next((f) => f.type === 'call.signal')).toMatchObject({ callId, from: 'visitor', signal: { kind: 'offer' } });
    agentSocket.send({ type: 'call.signal', callId, signal: { kind: 'answer', sdp: 'v=0 answer' } });
    expect(await page.next((f) => f.type === 'call.signal')).toMatchObject({ callId, from: 'agent', signal: { kind: 'answer' } });
    const read = await shortApi.call('GET', `/calls/sessions/${callId}`, { token, headers: own });
    expect(read.body.data.callSession).toMatchObject({ id: callId, status: 'answered' });

    // A page that reconnects after the link expired (a network blip) gets its socket back.
    const again = track(await connect(short.baseUrl, token, own));
    again.send({ type: 'call.signal', callId, signal: { kind: 'candidate', candidate: { candidate: 'candidate:1', sdpMid: '0' } } });
    expect(await agentSocket.next((f) => f.type === 'call.signal')).toMatchObject({ callId, from: 'visitor', signal: { kind: 'candidate' } });

    const ended = await shortApi.call('PATCH', `/calls/sessions/${callId}/end`, { token, headers: own, body: {} });
    expect(ended.body.data.callSession).toMatchObject({ status: 'ended', metadata: { endedBy: 'visitor' } });
    expect(await page.next((f) => f.type === 'call.updated' && f.call.status === 'ended')).toMatchObject({ call: { id: callId } });
  });
});
