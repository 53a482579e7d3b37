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

const rate = (v: { token: string; conversationId: string }, metadata: unknown, extra: object = {}) =>
  api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, {
    token: v.token,
    body: { body: '', messageType: 'rating', metadata, ...extra },
  });
const close = (conversationId: string) => api.call('POST', `/agent-sdk/conversations/${conversationId}/close`, { token: agent });

describe('rating a closed conversation', () => {
  it('takes one rating with a comment after close, shown to the agent live and on the conversation', async () => {
    const v = await api.visitorWithConversation({ name: 'Rae' });
    await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: 'thanks!' } });
    await close(v.conversationId);
    const agentSocket = await connect(server.baseUrl, agent);
    track(agentSocket);

    const res = await rate(v, { rating: 5, comment: '  Quick and kind  ' });
    expect(res.status).toBe(201);
    expect(res.body.data.message).toMatchObject({ messageType: 'rating', body: 'Quick and kind', metadata: { rating: 5, comment: 'Quick and kind' }, seq: 2 });
    const frame = await agentSocket.next((f: ServerFrame) => f.type === 'message.created' && f.conversationId === v.conversationId);
    expect(frame).toMatchObject({ message: { messageType: 'rating', metadata: { rating: 5 } } });
    const update = await agentSocket.next((f: ServerFrame) => f.type === 'conversation.updated' && f.conversation.conversationId === v.conversationId);
    expect(update).toMatchObject({ conversation: { status: 'closed', rating: 5, lastMessagePreview: 'Rated 5/5: Quick and kind' } });
    expectMatchesSchema('ExtConversation', (update as { conversation: unknown }).conversation);

    const second = await rate(v, { rating: 1 });
    expect([second.status, second.body.code]).toEqual([409, 'RATING_NOT_ALLOWED']);
    const text = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: 'one more thing' } });
    expect([text.status, text.body.code]).toEqual([409, 'CONVERSATION_CLOSED']);
  });

  it('refuses a rating while the conversation is open', async () => {
    const v = await api.visitorWithConversation();
    const res = await rate(v, { rating: 4 });
    expect([res.status, res.body.code]).toEqual([409, 'RATING_NOT_ALLOWED']);
  });

  it('answers a repeated rating send (same clientMessageId) with the first one', async () => {
    const v = await api.visitorWithConversation();
    await close(v.conversationId);
    const first = await rate(v, { rating: 3 }, { clientMessageId: 'rate-1' });
    const again = await rate(v, { rating: 3 }, { clientMessageId: 'rate-1' });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.data.message.messageId).toBe(first.body.data.message.messageId);
  });

  it('refuses ratings outside 1–5, odd fields, long comments, and agents rating', async () => {
    const v = await api.visitorWithConversation();
    await close(v.conversationId);
    const cases: Array<[unknown, RegExp]> = [
      [{ rating: 0 }, /^metadata.rating: /],
      [{ rating: 6 }, /^metadata.rating: /],
      [{ rating: 4.5 }, /^metadata.rating: /],
      [{ rating: '5' }, /^metadata.rating: /],
      [{}, /^metadata.rating: /],
      [{ rating: 5, comment: 'x'.repeat(1001) }, /^metadata.comment: /],
      [{ rating: 5, stars: 5 }, /^metadata.stars: /],
    ];
    for (const [metadata, detail] of cases) {
      const res = await rate(v, metadata);
      expect(res.status, JSON.stringify(metadata)).toBe(400);
      expect(res.body.details?.[0], JSON.stringify(metadata)).toMatch(detail);
    }
    const byAgent = await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/messages`, {
      token: agent,
      body: { body: '', messageType: 'rating', metadata: { rating: 5 } },
    });
    expect(byAgent.body.code).toBe('VALIDATION_FAILED');
    // Nothing was stored by the refusals: a valid rating is still the first.
    expect((await rate(v, { rating: 2 })).status).toBe(201);
  });

  it('keeps the open-ticket semantics: after close and rating, the next conversation is a new one', async () => {
    const v = await api.visitorWithConversation();
    await close(v.conversationId);
    await rate(v, { rating: 4 });
    expect((await api.call('GET', '/chat/visitor/tickets/open', { token: v.token })).body.data.conversation).toBeNull();
    const next = await api.call('POST', '/chat/visitor/conversations', { token: v.token, body: {} });
    expect(next.status).toBe(201);
    expect(next.body.data.conversation.conversationId).not.toBe(v.conversationId);
  });
});

describe('other message types', () => {
  it('stores a location with validated coordinates, and refuses unknown visitor message types', async () => {
    const v = await api.visitorWithConversation();
    const path = `/chat/visitor/conversations/${v.conversationId}/messages`;
    const loc = await api.call('POST', path, { token: v.token, body: { body: '', messageType: 'location', metadata: { latitude: 51.5, longitude: -0.12, label: 'Shop' } } });
    expect(loc.body.data.message).toMatchObject({ messageType: 'location', metadata: { latitude: 51.5, longitude: -0.12, label: 'Shop' } });
    const bad = await api.call('POST', path, { token: v.token, body: { body: '', messageType: 'location', metadata: { latitude: 91, longitude: 0 } } });
    expect(bad.body.details).toEqual([expect.stringMatching(/^metadata.latitude: /)]);
    const odd = await api.call('POST', path, { token: v.token, body: { body: 'x', messageType: 'system_notice' } });
    expect(odd.body.details).toEqual([expect.stringMatching(/^messageType: must be one of/)]);
    // A visitor's free-form metadata on a text message is not stored (agents would trust it).
    const text = await api.call('POST', path, { token: v.token, body: { body: 'hi', metadata: { verified: true } } });
    expect(text.body.data.message.metadata).toBeUndefined();
  });
});
