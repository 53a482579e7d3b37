import { beforeAll, describe, expect, it } from 'vitest';
import { useContractServer } from './support.ts';


const { api } = useContractServer();

const history = (token: string, id: string, query = '') =>
  api.call('GET', `/chat/visitor/conversations/${id}/messages${query}`, { token });

describe('visitor identity: POST /chat/visitor/sessions', () => {
  it('updates the visitor\'s unverified identity and merges metadata', async () => {
    const v = await api.newVisitor();
    const first = await api.call('POST', '/chat/visitor/sessions', {
      token: v.token,
      body: { visitor: { name: 'Robin', phone: '+44 20 0000 0000' }, metadata: { page: '/pricing' } },
    });
    expect(first.status).toBe(201);
    const second = await api.call('POST', '/chat/visitor/sessions', { token: v.token, body: { metadata: { plan: 'pro' } } });
    expect(second.body.data).toEqual({
      visitorId: v.visitorId,
      name: 'Robin',
      phone: '+44 20 0000 0000',
      verified: false,
      metadata: { page: '/pricing', plan: 'pro' },
    });
  });
});

describe('conversations', () => {
  it('creates one open conversation, and returns the same one while it is open', async () => {
    const v = await api.newVisitor({ name: 'Kim' });
    const none = await api.call('GET', '/chat/visitor/tickets/open', { token: v.token });
    expect(none.body.data).toEqual({ conversation: null });

    const created = await api.call('POST', '/chat/visitor/conversations', { token: v.token, body: { subject: 'Order 66' } });
    expect(created.status).toBe(201);
    const conversation = created.body.data.conversation;
    expect(conversation).toMatchObject({ status: 'open', subject: 'Order 66', visitorId: v.visitorId, lastSeq: 0, visitorName: 'Kim' });

    const again = await api.call('POST', '/chat/visitor/conversations', { token: v.token, body: {} });
    expect(again.status).toBe(200);
    expect(again.body.data.conversation.conversationId).toBe(conversation.conversationId);

    const open = await api.call('GET', '/chat/visitor/tickets/open', { token: v.token });
    expect(open.body.data.conversation.conversationId).toBe(conversation.conversationId);
    const read = await api.call('GET', `/chat/visitor/conversations/${conversation.conversationId}`, { token: v.token });
    expect(read.body.data.conversation.conversationId).toBe(conversation.conversationId);
  });

  it('never creates two open conversations when asked twice at once', async () => {
    const v = await api.newVisitor();
    const results = await Promise.all([1, 2, 3].map(() => api.call('POST', '/chat/visitor/conversations', { token: v.token, body: {} })));
    const ids = new Set(results.map((r) => r.body.data.conversation.conversationId));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
  });

  it('hides another visitor\'s conversation and unknown ids behind CONVERSATION_NOT_FOUND', async () => {
    const owner = await api.visitorWithConversation();
    await api.call('POST', `/chat/visitor/conversations/${owner.conversationId}/messages`, { token: owner.token, body: { body: 'mine' } });
    const stranger = await api.newVisitor();
    const attempts = [
      api.call('GET', `/chat/visitor/conversations/${owner.conversationId}`, { token: stranger.token }),
      api.call('GET', `/chat/visitor/conversations/${owner.conversationId}/messages`, { token: stranger.token }),
      api.call('POST', `/chat/visitor/conversations/${owner.conversationId}/messages`, { token: stranger.token, body: { body: 'hi' } }),
      api.call('GET', '/chat/visitor/conversations/conv_doesnotexist', { token: stranger.token }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('CONVERSATION_NOT_FOUND');
    }
    const mine = await history(owner.token, owner.conversationId);
    expect(mine.body.data.messages.map((m: { body: string }) => m.body)).toEqual(['mine']);
  });
});

describe('availability', () => {
  it('is available while the demo agent is available', async () => {
    const v = await api.newVisitor();
    const res = await api.call('GET', '/chat/visitor/availability', { token: v.token });
    expect(res.body.data).toEqual({ available: true, status: 'available', state: 'online', agentsOnline: 1, expectedReplyMinutes: 5 });
  });
});

describe('sending messages', () => {
  it('trims the body, numbers messages 1, 2, 3 and keeps them in order', async () => {
    const v = await api.visitorWithConversation({ name: 'Lee' });
    for (const text of ['  first  ', 'second', 'third']) {
      const res = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: text } });
      expect(res.status).toBe(201);
    }
    const res = await history(v.token, v.conversationId);
    expect(res.body.data.messages.map((m: { seq: number; body: string }) => [m.seq, m.body])).toEqual([
      [1, 'first'],
      [2, 'second'],
      [3, 'third'],
    ]);
    expect(res.body.data.messages[0]).toMatchObject({ senderType: 'visitor', senderName: 'Lee', conversationId: v.conversationId });
    const conversation = await api.call('GET', `/chat/visitor/conversations/${v.conversationId}`, { token: v.token });
    expect(conversation.body.data.conversation).toMatchObject({ lastSeq: 3, lastMessagePreview: 'third' });
  });

  it('refuses empty, whitespace-only, too long and wrong-typed bodies, storing nothing', async () => {
    const v = await api.visitorWithConversation();
    const cases: Array<[unknown, RegExp]> = [
      [{}, /^body: is required/],
      [{ body: '' }, /^body: must not be empty/],
      [{ body: ' \n\t ' }, /^body: must not be empty/],
      [{ body: 'x'.repeat(5001) }, /^body: must be at most 5000/],
      [{ body: ['hi'] }, /^body: must be string/],
      [{ body: 'hi', clientMessageId: 12 }, /^clientMessageId: must be string/],
      ['{"body": "hi"', /^body: /],
    ];
    for (const [body, detail] of cases) {
      const res = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body });
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details?.some((d) => detail.test(d)), JSON.stringify(res.body.details)).toBe(true);
    }
    const ok = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: 'x'.repeat(5000) } });
    expect(ok.status).toBe(201);
    expect((await history(v.token, v.conversationId)).body.data.messages).toHaveLength(1);
  });

  it('refuses to send into a closed conversation, and the next conversation is a new one', async () => {
    const v = await api.visitorWithConversation();
    const agent = await api.agentToken();
    await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/close`, { token: agent });
    const res = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: 'hello?' } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CONVERSATION_CLOSED');
    expect((await history(v.token, v.conversationId)).body.data.messages).toHaveLength(0);

    expect((await api.call('GET', '/chat/visitor/tickets/open', { token: v.token })).body.data.conversation).toBeNull();
    const next = await api.call('POST', '/chat/visitor/conversations', { token: v.token, body: {} });
    expect(next.status).toBe(201);
    expect(next.body.data.conversation.conversationId).not.toBe(v.conversationId);
  });
});

describe('idempotent sends (clientMessageId)', () => {
  it('stores a repeated clientMessageId once and answers the first message again with 200', async () => {
    const v = await api.visitorWithConversation();
    const send = () =>
      api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: 'once', clientMessageId: 'cm-1' } });
    const first = await send();
    const second = await send();
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.data.message).toEqual(first.body.data.message);
    expect((await history(v.token, v.conversationId)).body.data.messages).toHaveLength(1);
  });

  it('stores one row when the same send races with itself', async () => {
    const v = await api.visitorWithConversation();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: 'race', clientMessageId: 'cm-race' } }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(7);
    expect(new Set(results.map((r) => r.body.data.message.messageId)).size).toBe(1);
    const messages = (await history(v.token, v.conversationId)).body.data.messages;
    expect(messages).toHaveLength(1);
    expect(messages[0].seq).toBe(1);
  });

  it('gives distinct, gap-free seqs to different messages sent at once', async () => {
    const v = await api.visitorWithConversation();
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: `m${i}`, clientMessageId: `p-${i}` } }),
      ),
    );
    const messages = (await history(v.token, v.conversationId)).body.data.messages;
    expect(messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('treats the same clientMessageId in another conversation as a different message', async () => {
    const a = await api.visitorWithConversation();
    const b = await api.visitorWithConversation();
    const ra = await api.call('POST', `/chat/visitor/conversations/${a.conversationId}/messages`, { token: a.token, body: { body: 'a', clientMessageId: 'same' } });
    const rb = await api.call('POST', `/chat/visitor/conversations/${b.conversationId}/messages`, { token: b.token, body: { body: 'b', clientMessageId: 'same' } });
    expect([ra.status, rb.status]).toEqual([201, 201]);
    expect(ra.body.data.message.messageId).not.toBe(rb.body.data.message.messageId);
  });
});

describe('history: GET /chat/visitor/conversations/{id}/messages', () => {
  let v: Awaited<ReturnType<typeof api.visitorWithConversation>>;
  beforeAll(async () => {
    v = await api.visitorWithConversation();
    for (let i = 1; i <= 7; i++) {
      await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: `m${i}` } });
    }
  });
  const seqs = (res: { body: { data?: { messages: Array<{ seq: number }> } } }) => res.body.data?.messages.map((m) => m.seq);

  it('returns the newest `limit` oldest first, and pages back with `before`', async () => {
    const newest = await history(v.token, v.conversationId, '?limit=3');
    expect(seqs(newest)).toEqual([5, 6, 7]);
    expect(newest.body.data.hasMore).toBe(true);
    const older = await history(v.token, v.conversationId, '?limit=3&before=5');
    expect(seqs(older)).toEqual([2, 3, 4]);
    const oldest = await history(v.token, v.conversationId, '?limit=3&before=2');
    expect(seqs(oldest)).toEqual([1]);
    expect(oldest.body.data.hasMore).toBe(false);
  });

  it('resumes after a seq, oldest first, saying whether newer ones remain', async () => {
    const page = await history(v.token, v.conversationId, '?after=2&limit=3');
    expect(seqs(page)).toEqual([3, 4, 5]);
    expect(page.body.data.hasMore).toBe(true);
    const rest = await history(v.token, v.conversationId, '?after=5');
    expect(seqs(rest)).toEqual([6, 7]);
    expect(rest.body.data.hasMore).toBe(false);
    expect(seqs(await history(v.token, v.conversationId, '?after=7'))).toEqual([]);
  });

  it('refuses bad paging parameters with VALIDATION_FAILED', async () => {
    for (const q of ['?limit=0', '?limit=101', '?limit=abc', '?after=-1', '?before=1.5']) {
      const res = await history(v.token, v.conversationId, q);
      expect(res.status, q).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
  });
});
