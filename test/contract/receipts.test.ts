import { beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../src/contract/extensions.ts';
import { expectMatchesSchema } from '../helpers/contract-schema.ts';
import { connect, trackSockets } from './socket.ts';
import { useContractServer } from './support.ts';

const track = trackSockets();

const { server, api } = useContractServer();
let agent: string;
beforeAll(async () => {
  agent = await api.agentToken();
});

const visitorSays = (v: { token: string; conversationId: string }, body: string) =>
  api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body } });
const agentSays = (conversationId: string, body: string) => api.call('POST', `/agent-sdk/conversations/${conversationId}/messages`, { token: agent, body: { body } });
const visitorHistory = async (v: { token: string; conversationId: string }) =>
  (await api.call('GET', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token })).body.data.messages as Array<{
    seq: number;
    senderType: string;
    deliveredAt?: string;
    readAt?: string;
  }>;
const isReceipt = (f: ServerFrame) => f.type === 'receipt';

describe('visitor receipts: POST /chat/conversations/{id}/messages/{id}/delivered|read', () => {
  it('marks every earlier agent message delivered, then read, with one request each, and tells the agents', async () => {
    const v = await api.visitorWithConversation();
    const agentSocket = track(await connect(server.baseUrl, agent));
    await visitorSays(v, 'hello');
    await agentSays(v.conversationId, 'one');
    await agentSays(v.conversationId, 'two');
    const third = (await agentSays(v.conversationId, 'three')).body.data.message;

    const delivered = await api.call('POST', `/chat/conversations/${v.conversationId}/messages/${third.messageId}/delivered`, { token: v.token });
    expect(delivered.status).toBe(200);
    expectMatchesSchema('ExtReceipt', delivered.body.data);
    expect(delivered.body.data).toMatchObject({ conversationId: v.conversationId, kind: 'delivered', upToSeq: 4, by: 'visitor' });
    expect(await agentSocket.next(isReceipt)).toMatchObject({ type: 'receipt', conversationId: v.conversationId, kind: 'delivered', upToSeq: 4, by: 'visitor' });

    let messages = await visitorHistory(v);
    expect(messages.filter((m) => m.senderType === 'agent').every((m) => m.deliveredAt && !m.readAt)).toBe(true);
    // The visitor's own message is not "delivered" by its own receipt.
    expect(messages[0]?.deliveredAt).toBeUndefined();

    await api.call('POST', `/chat/conversations/${v.conversationId}/messages/${third.messageId}/read`, { token: v.token });
    expect(await agentSocket.next(isReceipt)).toMatchObject({ kind: 'read', upToSeq: 4 });
    messages = await visitorHistory(v);
    expect(messages.filter((m) => m.senderType === 'agent').every((m) => m.readAt)).toBe(true);
  });

  it('covers only messages up to the one named, and a repeat changes nothing and sends no frame', async () => {
    const v = await api.visitorWithConversation();
    const agentSocket = track(await connect(server.baseUrl, agent));
    const first = (await agentSays(v.conversationId, 'a')).body.data.message;
    const second = (await agentSays(v.conversationId, 'b')).body.data.message;
    const read = (messageId: string) => api.call('POST', `/chat/conversations/${v.conversationId}/messages/${messageId}/read`, { token: v.token });
    await read(first.messageId);
    await read(first.messageId);
    expect((await visitorHistory(v)).map((m) => Boolean(m.readAt))).toEqual([true, false]);
    await read(second.messageId);
    // Frames arrive in order: the frame after the first one is the second message's, so the repeat sent none.
    expect(await agentSocket.next(isReceipt)).toMatchObject({ upToSeq: 1 });
    expect(await agentSocket.next(isReceipt)).toMatchObject({ upToSeq: 2 });
  });

  it('answers MESSAGE_NOT_FOUND for an unknown message and CONVERSATION_NOT_FOUND for a foreign conversation', async () => {
    const v = await api.visitorWithConversation();
    const m = (await agentSays(v.conversationId, 'hi')).body.data.message;
    const unknown = await api.call('POST', `/chat/conversations/${v.conversationId}/messages/msg_nope/read`, { token: v.token });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'MESSAGE_NOT_FOUND']);
    const stranger = await api.newVisitor();
    const foreign = await api.call('POST', `/chat/conversations/${v.conversationId}/messages/${m.messageId}/read`, { token: stranger.token });
    expect([foreign.status, foreign.body.code]).toEqual([404, 'CONVERSATION_NOT_FOUND']);
    const noToken = await api.call('POST', `/chat/conversations/${v.conversationId}/messages/${m.messageId}/delivered`);
    expect([noToken.status, noToken.body.code]).toEqual([401, 'SDK_SESSION_REQUIRED']);
  });
});

describe('agent receipts', () => {
  it('marks the visitor\'s messages read (contract) and delivered (extension), and tells only the visitor', async () => {
    const v = await api.visitorWithConversation();
    const visitorSocket = track(await connect(server.baseUrl, v.token));
    await visitorSays(v, 'one');
    const two = (await visitorSays(v, 'two')).body.data.message;

    const delivered = await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/messages/${two.messageId}/delivered`, { token: agent });
    expect(delivered.body.data).toMatchObject({ kind: 'delivered', upToSeq: 2, by: 'agent' });
    const read = await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/messages/${two.messageId}/read`, { token: agent });
    expect(read.status).toBe(200);
    expect(await visitorSocket.next(isReceipt)).toMatchObject({ kind: 'delivered', upToSeq: 2, by: 'agent' });
    const frame = await visitorSocket.next(isReceipt);
    expect(frame).toMatchObject({ kind: 'read', upToSeq: 2, by: 'agent', conversationId: v.conversationId });
    expectMatchesSchema('ExtReceipt', { ...frame, type: undefined });

    const messages = await visitorHistory(v);
    expect(messages.every((m) => m.readAt && m.deliveredAt)).toBe(true);
    const unknown = await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/messages/msg_nope/read`, { token: agent });
    expect(unknown.body.code).toBe('MESSAGE_NOT_FOUND');
  });
});
