/**
 * IDOR across tenants (issue 8 item 7): an agent of tenant Y, holding tenant X's ids, tries to
 * read, answer, assign, close, receipt, edit and delete X's conversations and messages, remove
 * X's files, answer or end X's calls, mint call links and listen to X on the socket. Every
 * attempt answers what an unknown id answers and changes nothing.
 */
import { describe, expect, it } from 'vitest';
import type { Database } from '../../demo/server/db/database.ts';
import type { ServerFrame } from '../../src/contract/extensions.ts';
import { connect, trackSockets } from '../contract/socket.ts';
import { forgeToken, useContractServer } from '../contract/support.ts';
import { PNG } from '../contract/fixtures/files.ts';
import { expectSame404, keepDatabase, seedTenant, snapshot } from './idor-support.ts';

/** Tenant Y and its agent, next to the demo tenant X (`acme`). */
const kept = keepDatabase(async (db: Database) => {
  await seedTenant('client_other', 'other', ['https://other.example'])(db);
  await db.query(`INSERT INTO agents (id, tenant_id, username, name, presence) VALUES ('agent-other', 'client_other', 'mallory', 'Mallory', 'available')`);
});

// Calls neither ring out nor drop while a test compares database snapshots.
const { server, api } = useContractServer({ seed: kept.seed, callRingTimeoutMs: 600_000, callDropGraceMs: 600_000 });
const track = trackSockets('suite');

describe('an agent of tenant Y against tenant X', () => {
  it('reaches none of X\'s conversations, messages, files or calls: each answer equals an unknown id\'s', async () => {
    // X's world: a visitor's conversation with messages both ways, an image and a ringing call.
    const x = await api.visitorWithConversation({ name: 'Alice' });
    const xAgent = await api.agentToken();
    const conv = `/chat/visitor/conversations/${x.conversationId}`;
    const visitorMessage = await api.call('POST', `${conv}/messages`, { token: x.token, body: { body: 'hello' } });
    const agentMessage = await api.call('POST', `/agent-sdk/conversations/${x.conversationId}/messages`, { token: xAgent, body: { body: 'hi Alice' } });
    const up = await api.upload(`${conv}/attachments/upload`, x.token, { name: 'a.png', type: 'image/png', bytes: PNG });
    const image = await api.call('POST', `${conv}/messages`, { token: x.token, body: { body: '', messageType: 'image', metadata: { attachmentId: up.body.data.attachment.attachmentId } } });
    const call = await api.call('POST', '/calls/sessions', { token: x.token, body: { conversationId: x.conversationId, type: 'audio' } });
    for (const res of [visitorMessage, agentMessage, up, image, call]) expect(res.status, JSON.stringify(res.body)).toBe(201);
    const messageId = visitorMessage.body.data.message.messageId as string;
    const ownMessageId = agentMessage.body.data.message.messageId as string;
    const imageId = image.body.data.message.messageId as string;
    const callId = call.body.data.callSession.id as string;

    const mallory = await forgeToken(server, { typ: 'agent', tid: 'client_other', sub: 'agent-other', scopes: ['conversations:read', 'conversations:write'] }, 900);
    expect((await api.call('GET', '/agent-sdk/me', { token: mallory })).status).toBe(200);
    const as = (method: string, path: string, body?: unknown) => api.call(method, path, { token: mallory, raw: true, ...(body !== undefined ? { body } : {}) });
    const before = await snapshot(kept.db());

    const c = (id: string) => `/agent-sdk/conversations/${id}`;
    await expectSame404('read conversation', x.conversationId, (id) => as('GET', c(id)));
    await expectSame404('read messages', x.conversationId, (id) => as('GET', `${c(id)}/messages`));
    await expectSame404('answer', x.conversationId, (id) => as('POST', `${c(id)}/messages`, { body: 'phishing link' }));
    await expectSame404('take', x.conversationId, (id) => as('POST', `${c(id)}/assign`, {}));
    await expectSame404('close', x.conversationId, (id) => as('POST', `${c(id)}/close`, {}));
    await expectSame404('read receipt', x.conversationId, (id) => as('POST', `${c(id)}/messages/${messageId}/read`, {}));
    await expectSame404('delivered receipt', x.conversationId, (id) => as('POST', `${c(id)}/messages/${messageId}/delivered`, {}));
    await expectSame404('edit', x.conversationId, (id) => as('PATCH', `${c(id)}/messages/${ownMessageId}`, { body: 'edited' }));
    await expectSame404('delete', x.conversationId, (id) => as('DELETE', `${c(id)}/messages/${ownMessageId}`));
    await expectSame404('remove file', x.conversationId, (id) => as('DELETE', `${c(id)}/messages/${imageId}/attachment`, {}));
    await expectSame404('upload into', x.conversationId, (id) => api.upload(`${c(id)}/attachments/upload`, mallory, { name: 'x.png', type: 'image/png', bytes: PNG }));
    await expectSame404('call link for', x.conversationId, (id) => as('POST', `${c(id)}/call-links`, { service: 'video_call' }));
    await expectSame404('AI suggestion in', x.conversationId, (id) => as('POST', `${c(id)}/ai/suggestion`, {}));
    await expectSame404('read call', callId, (id) => as('GET', `/calls/sessions/${id}`));
    await expectSame404('answer call', callId, (id) => as('POST', `/agent-sdk/calls/${id}/answer`, {}));
    await expectSame404('end call', callId, (id) => as('PATCH', `/calls/sessions/${id}/end`, { reason: 'hangup' }));

    // Lists show only Y's own.
    for (const path of ['/agent-sdk/conversations', '/agent-sdk/calls', `/agent-sdk/ai/conversations?conversationIds=${x.conversationId}`]) {
      const list = await as('GET', path);
      expect(list.status, path).toBe(200);
      expect(JSON.stringify(list.body), path).not.toContain(x.conversationId);
      expect(JSON.stringify(list.body), path).not.toContain(callId);
    }
    expect(await snapshot(kept.db())).toEqual(before);
  });

  it('hears nothing of tenant X on its socket, and its typing never reaches X\'s visitor', async () => {
    const x = await api.visitorWithConversation({ name: 'Alice' });
    const mallory = await forgeToken(server, { typ: 'agent', tid: 'client_other', sub: 'agent-other' }, 900);
    const malSocket = await connect(server.baseUrl, mallory);
    track(malSocket);
    const seen: ServerFrame[] = [];
    malSocket.ws.on('message', (data) => seen.push(JSON.parse(data.toString()) as ServerFrame));
    const visitorSocket = await connect(server.baseUrl, x.token);
    track(visitorSocket);
    const visitorSeen: ServerFrame[] = [];
    visitorSocket.ws.on('message', (data) => visitorSeen.push(JSON.parse(data.toString()) as ServerFrame));

    // An answered call of X's, so a stray signal would have a party to reach.
    const xAgent = await api.agentToken();
    const call = await api.call('POST', '/calls/sessions', { token: x.token, body: { conversationId: x.conversationId, type: 'audio' } });
    const callId = call.body.data.callSession.id as string;
    expect((await api.call('POST', `/agent-sdk/calls/${callId}/answer`, { token: xAgent, body: {} })).status).toBe(200);

    malSocket.send({ type: 'subscribe', conversationId: x.conversationId });
    malSocket.send({ type: 'call.signal', callId, signal: { kind: 'offer', sdp: 'v=0' } });
    malSocket.send({ type: 'typing', conversationId: x.conversationId, typing: true });
    malSocket.send({ type: 'ping', t: 1 });
    await malSocket.next((f) => f.type === 'pong');
    // X's visitor writes; X's own agent answers: the visitor's socket sees the reply, Mallory nothing.
    await api.call('POST', `/chat/visitor/conversations/${x.conversationId}/messages`, { token: x.token, body: { body: 'secret order 42' } });
    await api.call('POST', `/agent-sdk/conversations/${x.conversationId}/messages`, { token: xAgent, body: { body: 'on it' } });
    await visitorSocket.next((f) => f.type === 'message.created' && f.message.body === 'on it');
    // Mallory's tenant gets its own events (a visitor of Y opening a conversation) after X's would have.
    const y = await api.call('POST', '/sdk/session', { body: { slug: 'other' } });
    await api.call('POST', '/chat/visitor/conversations', { token: y.body.data.sessionToken, body: {} });
    await malSocket.next((f) => f.type === 'conversation.updated');

    expect(JSON.stringify(seen)).not.toContain(x.conversationId);
    expect(JSON.stringify(seen)).not.toContain('secret order 42');
    expect(visitorSeen.filter((f) => f.type === 'typing' || f.type === 'call.signal')).toEqual([]);
  });
});
