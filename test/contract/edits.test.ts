import { readdir } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../src/contract/extensions.ts';
import { expectMatchesSchema } from '../helpers/contract-schema.ts';
import { startTestServer } from '../helpers/server.ts';
import { PNG } from './fixtures/files.ts';
import { connect, trackSockets } from './socket.ts';
import { client, useContractServer } from './support.ts';

const track = trackSockets();

const { server, api } = useContractServer();
let agent: string;
beforeAll(async () => {
  agent = await api.agentToken();
});

const messagePath = (conversationId: string, messageId: string) => `/chat/visitor/conversations/${conversationId}/messages/${messageId}`;
const send = async (v: { token: string; conversationId: string }, body: string) =>
  (await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body } })).body.data.message;

describe('visitor edits and deletes its own messages', () => {
  it('edits a message: the answer and the agents\' frame carry the new body and editedAt', async () => {
    const v = await api.visitorWithConversation();
    const agentSocket = track(await connect(server.baseUrl, agent));
    const m = await send(v, 'teh tent');
    const res = await api.call('PATCH', messagePath(v.conversationId, m.messageId), { token: v.token, body: { body: '  the tent ' } });
    expect(res.status).toBe(200);
    expect(res.body.data.message).toMatchObject({ messageId: m.messageId, seq: 1, body: 'the tent', editedAt: expect.any(String) });
    const frame = await agentSocket.next((f: ServerFrame) => f.type === 'message.updated');
    expect(frame).toMatchObject({ conversationId: v.conversationId, seq: 1, message: { body: 'the tent' } });
    expectMatchesSchema('ExtMessage', (frame as { message: unknown }).message);
    const conversation = await api.call('GET', `/chat/visitor/conversations/${v.conversationId}`, { token: v.token });
    expect(conversation.body.data.conversation.lastMessagePreview).toBe('the tent');
  });

  it('deletes a message: it keeps its seq, shows no body anywhere, and a second delete is harmless', async () => {
    const v = await api.visitorWithConversation();
    const agentSocket = track(await connect(server.baseUrl, agent));
    const m = await send(v, 'my card number is 4111…');
    await send(v, 'after');
    const res = await api.call('DELETE', messagePath(v.conversationId, m.messageId), { token: v.token });
    expect(res.status).toBe(200);
    expect(res.body.data.message).toMatchObject({ messageId: m.messageId, seq: 1, body: '', deletedAt: expect.any(String) });
    const frame = await agentSocket.next((f: ServerFrame) => f.type === 'message.deleted');
    expect(frame).toMatchObject({ seq: 1, message: { body: '', deletedAt: expect.any(String) } });
    const history = await api.call('GET', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token });
    expect(history.body.data.messages.map((x: { seq: number; body: string }) => [x.seq, x.body])).toEqual([
      [1, ''],
      [2, 'after'],
    ]);
    const inbox = await api.call('GET', `/agent-sdk/conversations/${v.conversationId}/messages`, { token: agent });
    expect(JSON.stringify(inbox.body)).not.toContain('4111');

    expect((await api.call('DELETE', messagePath(v.conversationId, m.messageId), { token: v.token })).status).toBe(200);
    const edit = await api.call('PATCH', messagePath(v.conversationId, m.messageId), { token: v.token, body: { body: 'back' } });
    expect([edit.status, edit.body.code]).toEqual([404, 'MESSAGE_NOT_FOUND']);
  });

  it('removes an attachment\'s file with its message, and refuses to edit a non-text message', async () => {
    const v = await api.visitorWithConversation();
    const up = await api.upload(`/chat/visitor/conversations/${v.conversationId}/attachments/upload`, v.token, { name: 'a.png', type: 'image/png', bytes: PNG });
    const m = (
      await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, {
        token: v.token,
        body: { body: '', messageType: 'image', metadata: { attachmentId: up.body.data.attachment.attachmentId } },
      })
    ).body.data.message;
    const edit = await api.call('PATCH', messagePath(v.conversationId, m.messageId), { token: v.token, body: { body: 'caption' } });
    expect([edit.status, edit.body.code]).toEqual([409, 'MESSAGE_NOT_EDITABLE']);
    expect(await readdir(server.uploadDir)).toHaveLength(1);
    const del = await api.call('DELETE', messagePath(v.conversationId, m.messageId), { token: v.token });
    expect(del.body.data.message.metadata).toBeUndefined();
    expect(await readdir(server.uploadDir)).toHaveLength(0);
    expect((await fetch(up.body.data.attachment.url)).status).toBe(404);
  });

  it('answers MESSAGE_NOT_FOUND for someone else\'s message and CONVERSATION_NOT_FOUND for a foreign conversation', async () => {
    const v = await api.visitorWithConversation();
    const reply = (await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/messages`, { token: agent, body: { body: 'agent text' } })).body.data.message;
    for (const method of ['PATCH', 'DELETE']) {
      const res = await api.call(method, messagePath(v.conversationId, reply.messageId), { token: v.token, body: { body: 'hijack' } });
      expect([res.status, res.body.code], method).toEqual([404, 'MESSAGE_NOT_FOUND']);
    }
    const mine = await send(v, 'mine');
    const stranger = await api.newVisitor();
    const res = await api.call('PATCH', messagePath(v.conversationId, mine.messageId), { token: stranger.token, body: { body: 'x' } });
    expect([res.status, res.body.code]).toEqual([404, 'CONVERSATION_NOT_FOUND']);
  });

  it('refuses an empty or missing body with VALIDATION_FAILED', async () => {
    const v = await api.visitorWithConversation();
    const m = await send(v, 'text');
    for (const body of [{}, { body: '  ' }, { body: 7 }]) {
      const res = await api.call('PATCH', messagePath(v.conversationId, m.messageId), { token: v.token, body });
      expect([res.status, res.body.code], JSON.stringify(body)).toEqual([400, 'VALIDATION_FAILED']);
    }
  });
});

describe('edit window', () => {
  it('refuses edits and deletes once the tenant\'s window has passed (window 0: at once)', async () => {
    const strict = await startTestServer({ tenantSettings: { editWindowSeconds: 0 } });
    try {
      const strictApi = client(strict);
      const v = await strictApi.visitorWithConversation();
      const m = (await strictApi.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: 'final' } })).body
        .data.message;
      for (const method of ['PATCH', 'DELETE']) {
        const res = await strictApi.call(method, messagePath(v.conversationId, m.messageId), { token: v.token, body: { body: 'changed' } });
        expect([res.status, res.body.code], method).toEqual([409, 'MESSAGE_EDIT_WINDOW_PASSED']);
      }
      const boot = await strictApi.call('GET', '/sdk/bootstrap?slug=acme');
      expect(boot.body.data.sdk.editWindowSeconds).toBe(0);
      const history = await strictApi.call('GET', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token });
      expect(history.body.data.messages[0]).toMatchObject({ body: 'final' });
      expect(history.body.data.messages[0].editedAt).toBeUndefined();
    } finally {
      await strict.close();
    }
  });
});

describe('agents edit and delete their own messages (extension routes)', () => {
  it('edits and deletes an agent message live for the visitor, and cannot touch the visitor\'s', async () => {
    const v = await api.visitorWithConversation();
    const visitorSocket = track(await connect(server.baseUrl, v.token));
    const path = (id: string) => `/agent-sdk/conversations/${v.conversationId}/messages/${id}`;
    const m = (await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/messages`, { token: agent, body: { body: 'Wrong price' } })).body.data.message;
    const edited = await api.call('PATCH', path(m.messageId), { token: agent, body: { body: 'Right price' } });
    expect(edited.body.data.message).toMatchObject({ body: 'Right price', editedAt: expect.any(String) });
    expect(await visitorSocket.next((f) => f.type === 'message.updated')).toMatchObject({ message: { body: 'Right price' } });
    const deleted = await api.call('DELETE', path(m.messageId), { token: agent });
    expect(deleted.body.data).toMatchObject({ deleted: true, message: { body: '', deletedAt: expect.any(String) } });
    expect(await visitorSocket.next((f) => f.type === 'message.deleted')).toMatchObject({ seq: m.seq, message: { body: '' } });

    const visitorMessage = await send(v, 'mine');
    const res = await api.call('PATCH', path(visitorMessage.messageId), { token: agent, body: { body: 'x' } });
    expect([res.status, res.body.code]).toEqual([404, 'MESSAGE_NOT_FOUND']);
  });
});
