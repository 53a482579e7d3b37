/**
 * Call links (extensions.md §15): a visitor or an agent gets a link to the call page, the page
 * trades its token for a visitor session and places the call. The token has one purpose: it is
 * no session, and no session is a call link.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { connect, openSocket } from './socket.ts';
import { otherTenantAgent, seedOtherTenant } from './calls-support.ts';
import { forgeToken, useContractServer } from './support.ts';

const ICE = [{ urls: ['turn:turn.example.com:3478'], username: 'u', credential: 'p' }];

const { server, api } = useContractServer({ iceServers: ICE, seed: seedOtherTenant });
let agent: string;
beforeAll(async () => {
  agent = await api.agentToken();
});

/** The token in a link's fragment. */
const tokenOf = (url: string) => url.slice(url.indexOf('#') + 1);

/** The call page's trade: no session needed, the answer checked against §15's schema. */
const linkSession = (token: unknown) => api.call('POST', '/calls/link-session', { body: { token } });

describe('creating a call link', () => {
  it('gives the visitor a 30-minute video link to the call page on this server, token in the fragment', async () => {
    const v = await api.visitorWithConversation();
    const before = Date.now();
    const res = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/call-links`, { token: v.token, body: {} });
    expect(res.status).toBe(201);
    const link = res.body.data.callLink;
    expect(link).toMatchObject({ service: 'video_call', conversationId: v.conversationId });
    expect(link.url).toMatch(new RegExp(`^${server.origin}/call/#[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
    const ttl = Date.parse(link.expiresAt) - before;
    expect(ttl).toBeGreaterThan(29 * 60_000);
    expect(ttl).toBeLessThanOrEqual(30 * 60_000 + 1000);
  });

  it('gives an agent a link for the conversation\'s visitor', async () => {
    const v = await api.visitorWithConversation();
    const res = await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/call-links`, { token: agent, body: { service: 'voice_call' } });
    expect(res.status).toBe(201);
    expect(res.body.data.callLink).toMatchObject({ service: 'voice_call', conversationId: v.conversationId });
    const session = await linkSession(tokenOf(res.body.data.callLink.url));
    expect(session.body.data).toMatchObject({ visitorId: v.visitorId, conversationId: v.conversationId, service: 'voice_call' });
  });

  it('refuses a bad service, someone else\'s conversation and a closed one', async () => {
    const v = await api.visitorWithConversation();
    const bad = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/call-links`, { token: v.token, body: { service: 'ai_voice' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    const stranger = await api.newVisitor();
    const foreign = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/call-links`, { token: stranger.token, body: {} });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('CONVERSATION_NOT_FOUND');
    const unknown = await api.call('POST', '/agent-sdk/conversations/conv_nope/call-links', { token: agent, body: {} });
    expect(unknown.body.code).toBe('CONVERSATION_NOT_FOUND');
    // Another tenant's agent cannot link into this tenant's existing conversation.
    const otherAgent = await otherTenantAgent(server);
    const crossTenant = await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/call-links`, { token: otherAgent, body: {} });
    expect(crossTenant.status).toBe(404);
    expect(crossTenant.body.code).toBe('CONVERSATION_NOT_FOUND');
    await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/close`, { token: agent });
    const closed = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/call-links`, { token: v.token, body: {} });
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe('CONVERSATION_CLOSED');
  });
});

describe('the call page\'s session', () => {
  it('trades the link for a visitor session that places the call and opens the socket', async () => {
    const v = await api.visitorWithConversation();
    const link = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/call-links`, { token: v.token, body: { service: 'voice_call' } });
    const res = await linkSession(tokenOf(link.body.data.callLink.url));
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      visitorId: v.visitorId,
      conversationId: v.conversationId,
      service: 'voice_call',
      tenant: { name: 'Acme Outdoor', slug: 'acme' },
      iceServers: ICE,
    });
    const sessionToken = res.body.data.sessionToken as string;
    expect(Date.parse(res.body.data.expiresAt)).toBeGreaterThan(Date.now());

    const socket = await connect(server.baseUrl, sessionToken, { origin: server.origin });
    try {
      const call = await api.call('POST', '/calls/sessions', { token: sessionToken, headers: { origin: server.origin }, body: { conversationId: v.conversationId, type: 'audio' } });
      expect(call.status).toBe(201);
      const frame = await socket.next((f) => f.type === 'call.updated');
      expect(frame).toMatchObject({ call: { id: call.body.data.callSession.id, status: 'started' } });
    } finally {
      socket.close();
    }
  });

  it('refuses a tampered, expired, wrong-purpose or missing token, and a closed conversation', async () => {
    const v = await api.visitorWithConversation();
    const link = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/call-links`, { token: v.token, body: {} });
    const token = tokenOf(link.body.data.callLink.url);

    const [head, payload, signature] = token.split('.') as [string, string, string];
    const flipped = `${head}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    const claims = { typ: 'call-link', tid: 'client_acme', sub: v.visitorId, conv: v.conversationId, svc: 'video_call' };
    const expired = await forgeToken(server, claims, -60);
    for (const bad of [flipped, v.token, agent, 'not-a-token', await forgeToken(server, { ...claims, svc: 'ai_voice' }, 600)]) {
      const res = await linkSession(bad);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('CALL_LINK_INVALID');
      expect(res.body.details).toBeUndefined();
    }
    const late = await linkSession(expired);
    expect(late.status).toBe(401);
    expect(late.body).toMatchObject({ code: 'CALL_LINK_INVALID', details: ['expired'] });
    const missing = await linkSession(undefined);
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('VALIDATION_FAILED');

    await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/close`, { token: agent });
    const closed = await linkSession(token);
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe('CONVERSATION_CLOSED');
  });

  it('is no session token, agent token or context token', async () => {
    const v = await api.visitorWithConversation();
    const link = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/call-links`, { token: v.token, body: {} });
    const token = tokenOf(link.body.data.callLink.url);

    const asVisitor = await api.call('GET', '/chat/visitor/tickets/open', { token });
    expect(asVisitor.status).toBe(401);
    expect(asVisitor.body.code).toBe('SDK_SESSION_REQUIRED');
    const asCaller = await api.call('POST', '/calls/sessions', { token, body: { conversationId: v.conversationId, type: 'video' } });
    expect(asCaller.status).toBe(401);
    const asAgent = await api.call('GET', '/agent-sdk/me', { token });
    expect(asAgent.status).toBe(403);
    const asContext = await api.call('POST', '/sdk/session', { body: { slug: server.slug, contextToken: token } });
    expect(asContext.status).toBe(401);
    expect(asContext.body.code).toBe('SDK_CONTEXT_TOKEN_INVALID');

    const socket = await openSocket(server.baseUrl);
    socket.send({ type: 'auth', token });
    expect(await socket.next()).toMatchObject({ type: 'error', code: 'SDK_SESSION_REQUIRED' });
    expect((await socket.closed).code).toBe(4001);
  });
});
