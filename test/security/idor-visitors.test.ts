/**
 * IDOR (issue 8 item 7): visitor B, holding A's ids, tries to read, edit, delete and receipt A's
 * conversations and messages, reach A's attachments, call links, calls and push tokens, and
 * listen in on A's realtime events. Every attempt answers exactly what an unknown id answers
 * (same status, code and message, the id aside) and changes nothing in the database.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../src/contract/extensions.ts';
import { type TestSocket, connect, trackSockets } from '../contract/socket.ts';
import { useContractServer } from '../contract/support.ts';
import { PNG } from '../contract/fixtures/files.ts';
import { expectSame404, keepDatabase, snapshot, unknownLike } from './idor-support.ts';

const kept = keepDatabase();

// Calls neither ring out nor drop while a test compares database snapshots.
const { server, api } = useContractServer({ seed: kept.seed, callRingTimeoutMs: 600_000, callDropGraceMs: 600_000 });
const track = trackSockets('suite');

/** Every frame a socket receives, in order (the queue in socket.ts hides what was skipped). */
function recorder(socket: TestSocket): ServerFrame[] {
  const seen: ServerFrame[] = [];
  socket.ws.on('message', (data) => seen.push(JSON.parse(data.toString()) as ServerFrame));
  return seen;
}

/** A's world: a conversation with a message, an agent reply, an image, a call link, a call and a push token. */
async function victim() {
  const a = await api.visitorWithConversation({ name: 'Alice' });
  const conv = `/chat/visitor/conversations/${a.conversationId}`;
  const own = await api.call('POST', `${conv}/messages`, { token: a.token, body: { body: 'my address is 1 Main St' } });
  const agent = await api.agentToken();
  const reply = await api.call('POST', `/agent-sdk/conversations/${a.conversationId}/messages`, { token: agent, body: { body: 'thanks' } });
  const up = await api.upload(`${conv}/attachments/upload`, a.token, { name: 'id-card.png', type: 'image/png', bytes: PNG });
  const attachmentId = up.body.data.attachment.attachmentId as string;
  const image = await api.call('POST', `${conv}/messages`, { token: a.token, body: { body: '', messageType: 'image', metadata: { attachmentId } } });
  const link = await api.call('POST', `${conv}/call-links`, { token: a.token, body: { service: 'video_call' } });
  const call = await api.call('POST', '/calls/sessions', { token: a.token, body: { conversationId: a.conversationId, type: 'video' } });
  // Answered: signals now flow between A and the agent, so a stray one would have somewhere to go.
  const answered = await api.call('POST', `/agent-sdk/calls/${call.body.data.callSession.id}/answer`, { token: agent, body: {} });
  expect(answered.status, JSON.stringify(answered.body)).toBe(200);
  const deviceId = `install-${randomBytes(8).toString('hex')}`;
  const push = 'a'.repeat(20) + randomBytes(16).toString('hex');
  const device = await api.call('POST', '/sdk/devices/push-token', { token: a.token, body: { token: push, deviceId, platform: 'android' } });
  const ai = await api.call('POST', '/ai/visitor/conversations', { token: a.token, body: {} });
  expect(ai.status, JSON.stringify(ai.body)).toBeLessThan(300);
  for (const res of [own, reply, up, image, link, call, device]) expect(res.status, JSON.stringify(res.body)).toBe(201);
  return {
    ...a,
    agent,
    messageId: own.body.data.message.messageId as string,
    agentMessageId: reply.body.data.message.messageId as string,
    imageMessageId: image.body.data.message.messageId as string,
    attachmentId,
    fileUrl: image.body.data.message.metadata.attachment.url as string,
    linkUrl: link.body.data.callLink.url as string,
    callId: call.body.data.callSession.id as string,
    aiConversationId: ai.body.data.aiConversationId as string,
    deviceId,
    push,
  };
}

describe('visitor B against visitor A', () => {
  it('reads, edits, deletes and receipts nothing of A: each answer equals an unknown id\'s', async () => {
    const a = await victim();
    const b = await api.visitorWithConversation({ name: 'Bob' });
    const bMessage = await api.call('POST', `/chat/visitor/conversations/${b.conversationId}/messages`, { token: b.token, body: { body: 'hi' } });
    expect(bMessage.status).toBe(201);
    const as = (method: string, path: string, body?: unknown) => api.call(method, path, { token: b.token, raw: true, ...(body !== undefined ? { body } : {}) });
    const before = await snapshot(kept.db());

    // A's conversation, by id.
    const conv = (id: string) => `/chat/visitor/conversations/${id}`;
    await expectSame404('read conversation', a.conversationId, (id) => as('GET', conv(id)));
    await expectSame404('read messages', a.conversationId, (id) => as('GET', `${conv(id)}/messages`));
    await expectSame404('read messages after a seq', a.conversationId, (id) => as('GET', `${conv(id)}/messages?afterSeq=0`));
    await expectSame404('post into', a.conversationId, (id) => as('POST', `${conv(id)}/messages`, { body: 'injected' }));
    await expectSame404('edit in', a.conversationId, (id) => as('PATCH', `${conv(id)}/messages/${a.messageId}`, { body: 'edited' }));
    await expectSame404('delete in', a.conversationId, (id) => as('DELETE', `${conv(id)}/messages/${a.messageId}`));
    await expectSame404('call link for', a.conversationId, (id) => as('POST', `${conv(id)}/call-links`, { service: 'video_call' }));
    await expectSame404('call in', a.conversationId, (id) => as('POST', '/calls/sessions', { conversationId: id, type: 'video' }));
    await expectSame404('hand off', a.conversationId, (id) => as('POST', '/ai/visitor/handoff', { conversationId: id }));
    await expectSame404('ask the AI in', a.conversationId, (id) => as('POST', '/ai/visitor/chat', { conversationId: id, message: 'what did they say?' }));
    await expectSame404('hand off A\'s AI conversation', a.aiConversationId, (id) => as('POST', '/ai/visitor/handoff', { aiConversationId: id }));
    await expectSame404('ask the AI in A\'s AI conversation', a.aiConversationId, (id) => as('POST', '/ai/visitor/chat', { aiConversationId: id, message: 'and?' }));
    for (const kind of ['read', 'delivered']) {
      await expectSame404(`${kind} receipt in`, a.conversationId, (id) => as('POST', `/chat/conversations/${id}/messages/${a.agentMessageId}/${kind}`, {}));
      // A's message id through B's own conversation.
      await expectSame404(`${kind} receipt of A's message via B's conversation`, a.agentMessageId, (id) => as('POST', `/chat/conversations/${b.conversationId}/messages/${id}/${kind}`, {}));
    }
    // A's messages through B's own conversation.
    await expectSame404('edit A\'s message via B\'s conversation', a.messageId, (id) => as('PATCH', `${conv(b.conversationId)}/messages/${id}`, { body: 'edited' }));
    await expectSame404('delete A\'s message via B\'s conversation', a.messageId, (id) => as('DELETE', `${conv(b.conversationId)}/messages/${id}`));
    // A's attachment: sent in B's conversation, or uploaded into A's.
    await expectSame404('send A\'s attachment', a.attachmentId, (id) => as('POST', `${conv(b.conversationId)}/messages`, { body: '', messageType: 'image', metadata: { attachmentId: id } }));
    await expectSame404('ask to upload into', a.conversationId, (id) => as('POST', `${conv(id)}/attachments`, { filename: 'x.png', contentType: 'image/png', size: 10 }));
    await expectSame404('upload into', a.conversationId, (id) => api.upload(`${conv(id)}/attachments/upload`, b.token, { name: 'x.png', type: 'image/png', bytes: PNG }));
    // A's calls.
    await expectSame404('read call', a.callId, (id) => as('GET', `/calls/sessions/${id}`));
    await expectSame404('end call', a.callId, (id) => as('PATCH', `/calls/sessions/${id}/end`, { reason: 'hangup' }));
    // A's push registration, by device id or token.
    await expectSame404('unregister device', a.deviceId, (id) => as('DELETE', '/sdk/devices/push-token', { deviceId: id }));
    await expectSame404('unregister token', a.push, (id) => as('DELETE', '/sdk/devices/push-token', { token: id }));

    // Listing shows only B's own.
    const list = await as('GET', '/chat/visitor/conversations');
    expect(JSON.stringify(list.body)).not.toContain(a.conversationId);
    const open = await as('GET', '/chat/visitor/tickets/open');
    expect(JSON.stringify(open.body)).not.toContain(a.conversationId);

    expect(await snapshot(kept.db())).toEqual(before);
  });

  it('cannot take over or sign out A\'s push registration with A\'s deviceId', async () => {
    const a = await victim();
    const b = await api.visitorWithConversation({ name: 'Bob' });
    const before = await snapshot(kept.db());
    // A deviceId is a claim, not a proof: with any token but one A's install registered, B is refused.
    for (const provider of ['fcm', 'apns', 'apns_voip'] as const) {
      const token = provider === 'fcm' ? `b${'x'.repeat(40)}${randomBytes(8).toString('hex')}` : randomBytes(32).toString('hex');
      const res = await api.call('POST', '/sdk/devices/push-token', { token: b.token, raw: true, body: { token, deviceId: a.deviceId, platform: 'android', provider } });
      // Any provider: the whole install is A's (a shared iPad keeps no stranger's VoIP token either).
      expect([res.status, res.body.success, res.body.code], `${provider}: ${JSON.stringify(res.body)}`).toEqual([409, false, 'SDK_DEVICE_TOKEN_REGISTER_FAILED']);
    }
    // A's registration, and everything else, is exactly as it was.
    expect(await snapshot(kept.db())).toEqual(before);
    // A still holds an enabled token (DELETE answers how many were enabled).
    const mine = await api.call('DELETE', '/sdk/devices/push-token', { token: a.token, body: { deviceId: a.deviceId } });
    expect(mine.body.data).toEqual({ disabled: 1 });
  });

  it('cannot open A\'s file without A\'s signed link, nor trade A\'s call id for a session', async () => {
    const a = await victim();
    const before = await snapshot(kept.db());
    // The file link is signed for one attachment: without its signature, or with a forged one,
    // A's id gets what an unknown id gets.
    const exp = new URL(a.fileUrl).searchParams.get('exp') ?? '';
    const attempts = {
      unsigned: (id: string) => fetch(`${server.baseUrl}/attachments/${id}`),
      forged: (id: string) => fetch(`${server.baseUrl}/attachments/${id}?exp=${exp}&sig=${randomBytes(32).toString('base64url')}`),
      'unsigned on the files origin': (id: string) => fetch(`${server.filesOrigin}/attachments/${id}`),
    };
    for (const [label, attempt] of Object.entries(attempts)) {
      const unknownId = unknownLike(a.attachmentId);
      const foreign = await attempt(a.attachmentId);
      const unknown = await attempt(unknownId);
      expect(foreign.status, label).toBeGreaterThanOrEqual(400);
      expect(foreign.status, label).toBe(unknown.status);
      expect((await foreign.text()).replaceAll(a.attachmentId, '<id>'), label).toBe((await unknown.text()).replaceAll(unknownId, '<id>'));
    }
    // A's signed link works (the attempts above were refused for the signature, not a broken route).
    expect((await fetch(a.fileUrl)).status).toBe(200);
    // A call session id is not a call link.
    const trade = await api.call('POST', '/calls/link-session', { body: { token: a.callId }, raw: true });
    expect(trade.status).toBe(401);
    expect(trade.body.code).toBe('CALL_LINK_INVALID');
    expect(await snapshot(kept.db())).toEqual(before);
  });

  it('hears nothing of A on the socket: subscribe/resume with A\'s id, typing into A\'s conversation, signalling A\'s call', async () => {
    const a = await victim();
    const b = await api.visitorWithConversation();
    const agentSocket = track(await connect(server.baseUrl, a.agent));
    const agentSeen = recorder(agentSocket);
    const aSocket = track(await connect(server.baseUrl, a.token));
    const aSeen = recorder(aSocket);
    const bSocket = track(await connect(server.baseUrl, b.token));
    const bSeen = recorder(bSocket);

    bSocket.send({ type: 'subscribe', conversationId: a.conversationId });
    bSocket.send({ type: 'resume', conversationId: a.conversationId, afterSeq: 0 });
    bSocket.send({ type: 'typing', conversationId: a.conversationId, typing: true });
    bSocket.send({ type: 'call.signal', callId: a.callId, signal: { kind: 'offer', sdp: 'v=0' } });
    // The socket handles frames in order: its pong means all of the above were handled.
    bSocket.send({ type: 'ping', t: 1 });
    await bSocket.next((f) => f.type === 'pong');

    // Activity in A's conversation, then in B's: B sees its own, and nothing of A's before or after.
    await api.call('POST', `/agent-sdk/conversations/${a.conversationId}/messages`, { token: a.agent, body: { body: 'private to A' } });
    await api.call('POST', `/agent-sdk/conversations/${b.conversationId}/messages`, { token: a.agent, body: { body: 'for B' } });
    await bSocket.next((f) => f.type === 'message.created' && f.conversationId === b.conversationId);
    await aSocket.next((f) => f.type === 'message.created' && f.conversationId === a.conversationId);
    // B's own typing reaches the agent after B's attempt at A's conversation would have.
    bSocket.send({ type: 'typing', conversationId: b.conversationId, typing: true });
    await agentSocket.next((f) => f.type === 'typing' && f.conversationId === b.conversationId);

    expect(JSON.stringify(bSeen)).not.toContain(a.conversationId);
    expect(JSON.stringify(bSeen)).not.toContain(a.callId);
    expect(agentSeen.filter((f) => f.type === 'typing' && f.conversationId === a.conversationId)).toEqual([]);
    expect(agentSeen.filter((f) => f.type === 'call.signal')).toEqual([]);
    expect(aSeen.filter((f) => f.type === 'call.signal' || f.type === 'typing')).toEqual([]);
  });
});
