import { SignJWT } from 'jose';
import { createTokenService } from '../../demo/server/auth/tokens.ts';
import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../src/contract/extensions.ts';
import { expectMatchesSchema } from '../helpers/contract-schema.ts';
import { startTestServer } from '../helpers/server.ts';
import { connect, openSocket, trackSockets } from './socket.ts';
import { client, useContractServer } from './support.ts';

const track = trackSockets();

const { server, api } = useContractServer({ realtimeAuthTimeoutMs: 300 });

const isMessage = (conversationId: string) => (f: ServerFrame) => f.type === 'message.created' && f.conversationId === conversationId;

describe('auth', () => {
  it('answers a valid visitor token with ready naming the visitor', async () => {
    const v = await api.newVisitor();
    const socket = track(await openSocket(server.baseUrl, { origin: server.origin }));
    socket.send({ type: 'auth', token: v.token });
    const ready = await socket.next();
    expect(ready).toMatchObject({ type: 'ready', role: 'visitor', subject: v.visitorId });
    expect(Date.parse((ready as { serverTime: string }).serverTime)).not.toBeNaN();
  });

  it('answers a valid agent token with ready for the agent', async () => {
    const socket = track(await openSocket(server.baseUrl));
    socket.send({ type: 'auth', token: await api.agentToken() });
    expect(await socket.next()).toMatchObject({ type: 'ready', role: 'agent', subject: 'agent-demo' });
  });

  it('closes with 4000 when no auth frame arrives in time', async () => {
    const socket = track(await openSocket(server.baseUrl));
    const error = await socket.next();
    expect(error).toMatchObject({ type: 'error', code: 'SDK_SESSION_REQUIRED' });
    expect((await socket.closed).code).toBe(4000);
  });

  it('closes with 4000 on a malformed frame or a first frame that is not auth', async () => {
    // The last one: a frame nested deeper than the 32 levels a body may have (frames are relayed).
    const deep = `{"type":"auth","token":"x","d":${'['.repeat(40)}${']'.repeat(40)}}`;
    for (const frame of ['not json', '{"no":"type"}', { type: 'ping', t: 1 }, { type: 'auth' }, deep]) {
      const socket = track(await openSocket(server.baseUrl));
      socket.send(frame);
      expect((await socket.closed).code, JSON.stringify(frame)).toBe(4000);
    }
  });

  it('closes with 4001 on a bad token and 4002 on an expired one', async () => {
    const bad = track(await openSocket(server.baseUrl));
    bad.send({ type: 'auth', token: 'garbage' });
    expect(await bad.next()).toMatchObject({ type: 'error', code: 'SDK_SESSION_REQUIRED' });
    expect((await bad.closed).code).toBe(4001);

    const v = await api.newVisitor();
    const now = Math.floor(Date.now() / 1000);
    const expiredToken = await new SignJWT({ typ: 'visitor', tid: 'client_acme' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('ringnity-reference-server')
      .setSubject(v.visitorId)
      .setIssuedAt(now - 1000)
      .setExpirationTime(now - 10)
      .sign(new TextEncoder().encode(server.tokenSecret));
    const expired = track(await openSocket(server.baseUrl));
    expired.send({ type: 'auth', token: expiredToken });
    expect(await expired.next()).toMatchObject({ type: 'error', code: 'TOKEN_EXPIRED' });
    expect((await expired.closed).code).toBe(4002);
  });

  it('refuses a visitor socket opened from a foreign origin', async () => {
    const v = await api.newVisitor();
    const socket = track(await openSocket(server.baseUrl, { origin: 'https://evil.example' }));
    socket.send({ type: 'auth', token: v.token });
    expect(await socket.next()).toMatchObject({ type: 'error', code: 'SDK_ORIGIN_NOT_ALLOWED' });
    expect((await socket.closed).code).toBe(4001);
  });
});

describe('in-band re-auth (a renewed token on an open socket)', () => {
  const shortLived = (visitorId: string) =>
    createTokenService(server.tokenSecret).sign({ typ: 'visitor', tid: 'client_acme', sub: visitorId }, 2).then((t) => t.token);

  it('keeps the socket open past the first token\'s expiry when the renewed token arrives in time', async () => {
    const v = await api.newVisitor();
    const token = await shortLived(v.visitorId);
    const renewed = track(await connect(server.baseUrl, token));
    const control = track(await connect(server.baseUrl, token));
    renewed.send({ type: 'auth', token: v.token });
    const ack = await renewed.next();
    expect(ack).toMatchObject({ type: 'auth.renewed', expiresAt: expect.any(String) });
    expect(Date.parse((ack as { expiresAt: string }).expiresAt)).toBeGreaterThan(Date.now() + 60_000);

    // The control socket kept the short token and is closed when it expires; the renewed one is not.
    expect((await control.closed).code).toBe(4002);
    renewed.send({ type: 'ping', t: 7 });
    expect(await renewed.next()).toEqual({ type: 'pong', t: 7 });
    expect(renewed.ws.readyState).toBe(renewed.ws.OPEN);
  });

  it('closes with 4001 when the re-sent token is for someone else', async () => {
    const v = await api.newVisitor();
    const other = await api.newVisitor();
    for (const token of [other.token, await api.agentToken()]) {
      const socket = track(await connect(server.baseUrl, v.token));
      socket.send({ type: 'auth', token });
      expect(await socket.next()).toMatchObject({ type: 'error', code: 'SDK_SESSION_REQUIRED' });
      expect((await socket.closed).code).toBe(4001);
    }
  });

  it('closes with 4001 on a re-sent garbage token', async () => {
    const v = await api.newVisitor();
    const socket = track(await connect(server.baseUrl, v.token));
    socket.send({ type: 'auth', token: 'garbage' });
    expect(await socket.next()).toMatchObject({ type: 'error', code: 'SDK_SESSION_REQUIRED' });
    expect((await socket.closed).code).toBe(4001);
  });
});

describe('frames', () => {
  it('answers ping with pong carrying the same t', async () => {
    const v = await api.newVisitor();
    const socket = track(await connect(server.baseUrl, v.token));
    socket.send({ type: 'ping', t: 12345 });
    expect(await socket.next()).toEqual({ type: 'pong', t: 12345 });
  });

  it('delivers a visitor\'s message to agents, and the agent\'s reply to the visitor, with seq', async () => {
    const v = await api.visitorWithConversation({ name: 'Ivy' });
    const agentToken = await api.agentToken();
    const visitorSocket = track(await connect(server.baseUrl, v.token));
    const agentSocket = track(await connect(server.baseUrl, agentToken));

    await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: 'Is the tent waterproof?' } });
    const atAgent = await agentSocket.next(isMessage(v.conversationId));
    expect(atAgent).toMatchObject({ seq: 1, message: { seq: 1, body: 'Is the tent waterproof?', senderType: 'visitor', senderName: 'Ivy' } });
    expectMatchesSchema('ExtMessage', (atAgent as { message: unknown }).message);
    const update = await agentSocket.next((f) => f.type === 'conversation.updated' && f.conversation.conversationId === v.conversationId);
    expect(update).toMatchObject({ conversation: { conversationId: v.conversationId, lastSeq: 1, lastMessagePreview: 'Is the tent waterproof?' } });
    expectMatchesSchema('Conversation', (update as { conversation: unknown }).conversation);

    // The visitor also gets its own message (for its other tabs), then the reply, in seq order.
    await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/messages`, { token: agentToken, body: { body: 'Yes, 3000 mm.' } });
    expect(await visitorSocket.next(isMessage(v.conversationId))).toMatchObject({ seq: 1 });
    const atVisitor = await visitorSocket.next(isMessage(v.conversationId));
    expect(atVisitor).toMatchObject({ seq: 2, message: { body: 'Yes, 3000 mm.', senderType: 'agent' } });
  });

  it('sends a visitor no frames about another visitor\'s conversation', async () => {
    const alice = await api.visitorWithConversation();
    const bob = await api.visitorWithConversation();
    const bobSocket = track(await connect(server.baseUrl, bob.token));
    await api.call('POST', `/chat/visitor/conversations/${alice.conversationId}/messages`, { token: alice.token, body: { body: 'private' } });
    await api.call('POST', `/chat/visitor/conversations/${bob.conversationId}/messages`, { token: bob.token, body: { body: 'mine' } });
    // Frames arrive in publish order, so Bob's first frame being his own proves Alice's never came.
    const first = await bobSocket.next();
    expect(first).toMatchObject({ type: 'message.created', conversationId: bob.conversationId, message: { body: 'mine' } });
  });

  it('announces new, assigned and closed conversations to agents as conversation.updated', async () => {
    const agentToken = await api.agentToken();
    const agentSocket = track(await connect(server.baseUrl, agentToken));
    const v = await api.visitorWithConversation();
    const isFor = (status: string) => (f: ServerFrame) =>
      f.type === 'conversation.updated' && f.conversation.conversationId === v.conversationId && f.conversation.status === status;
    expect(await agentSocket.next(isFor('open'))).toBeTruthy();
    await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/assign`, { token: agentToken, body: {} });
    const assigned = await agentSocket.next((f) => isFor('open')(f) && f.type === 'conversation.updated' && f.conversation.assignedAgentId === 'agent-demo');
    expect(assigned).toBeTruthy();
    const visitorSocket = track(await connect(server.baseUrl, v.token));
    await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/close`, { token: agentToken });
    expect(await agentSocket.next(isFor('closed'))).toBeTruthy();
    expect(await visitorSocket.next(isFor('closed'))).toBeTruthy();
  });

  it('closes sockets with 1012 when the server shuts down', async () => {
    const other = await startTestServer({ log: false });
    const v = await client(other).newVisitor();
    const socket = await connect(other.baseUrl, v.token);
    await other.close();
    expect((await socket.closed).code).toBe(1012);
  });
});
