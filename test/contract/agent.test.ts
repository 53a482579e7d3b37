import { beforeAll, describe, expect, it } from 'vitest';
import { useContractServer } from './support.ts';


const { api } = useContractServer();
let agent: string;
beforeAll(async () => {
  agent = await api.agentToken();
});

describe('profile and presence', () => {
  it('tells the agent who it is and for which tenant', async () => {
    const res = await api.call('GET', '/agent-sdk/me', { token: agent });
    expect(res.body.data.agent).toMatchObject({ agentId: 'agent-demo', username: 'demo', name: 'Alex (demo agent)' });
    expect(res.body.data.tenant).toMatchObject({ clientId: 'client_acme', slug: 'acme' });
  });

  it('changes presence, and visitors see availability follow it', async () => {
    const v = await api.newVisitor();
    const busy = await api.call('PATCH', '/agent-sdk/presence', { token: agent, body: { status: 'busy' } });
    expect(busy.body.data).toMatchObject({ agentId: 'agent-demo', status: 'busy', online: true });
    expect((await api.call('GET', '/agent-sdk/presence', { token: agent })).body.data.status).toBe('busy');
    const unavailable = await api.call('GET', '/chat/visitor/availability', { token: v.token });
    expect(unavailable.body.data).toMatchObject({ available: false, agentsOnline: 0 });
    expect(unavailable.body.data.reason).toEqual(expect.any(String));

    await api.call('PATCH', '/agent-sdk/presence', { token: agent, body: { status: 'online' } });
    expect((await api.call('GET', '/chat/visitor/availability', { token: v.token })).body.data.available).toBe(true);
  });

  it('refuses an unknown presence status, keeping the current one', async () => {
    const res = await api.call('PATCH', '/agent-sdk/presence', { token: agent, body: { status: 'napping' } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details?.[0]).toMatch(/^status: must be equal to one of the allowed values/);
    expect((await api.call('GET', '/agent-sdk/presence', { token: agent })).body.data.status).toBe('available');
  });
});

describe('inbox', () => {
  it('lists conversations newest activity first with visitor name, preview and lastSeq', async () => {
    const a = await api.visitorWithConversation({ name: 'Ann' });
    const b = await api.visitorWithConversation({ name: 'Ben' });
    await api.call('POST', `/chat/visitor/conversations/${b.conversationId}/messages`, { token: b.token, body: { body: 'from Ben' } });
    await api.call('POST', `/chat/visitor/conversations/${a.conversationId}/messages`, { token: a.token, body: { body: 'from Ann' } });
    const res = await api.call('GET', '/agent-sdk/conversations?status=open', { token: agent });
    const [first, second] = res.body.data.conversations;
    expect(first).toMatchObject({ conversationId: a.conversationId, visitorName: 'Ann', lastMessagePreview: 'from Ann', lastSeq: 1 });
    expect(second).toMatchObject({ conversationId: b.conversationId, visitorName: 'Ben', lastMessagePreview: 'from Ben' });
  });

  it('pages with nextCursor without repeating or skipping', async () => {
    for (let i = 0; i < 4; i++) await api.visitorWithConversation();
    const all = (await api.call('GET', '/agent-sdk/conversations?limit=100', { token: agent })).body.data.conversations.map(
      (c: { conversationId: string }) => c.conversationId,
    );
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await api.call('GET', `/agent-sdk/conversations?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: agent });
      paged.push(...res.body.data.conversations.map((c: { conversationId: string }) => c.conversationId));
      cursor = res.body.data.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
  });

  it('filters by status and refuses unknown filters and cursors', async () => {
    const closedOnes = (await api.call('GET', '/agent-sdk/conversations?status=closed', { token: agent })).body.data.conversations;
    for (const c of closedOnes) expect(c.status).toBe('closed');
    for (const q of ['?status=pending', '?cursor=abc', '?limit=0']) {
      const res = await api.call('GET', `/agent-sdk/conversations${q}`, { token: agent });
      expect(res.status, q).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
  });

  it("shows the page the visitor is on when the conversation is read, not only in the live update", async () => {
    const v = await api.visitorWithConversation();
    const read = async () => (await api.call('GET', `/agent-sdk/conversations/${v.conversationId}`, { token: agent })).body.data.conversation;
    expect(await read()).not.toHaveProperty('visitorMetadata');
    const page = { pageUrl: 'https://shop.acme.example/boots?size=42', pageTitle: 'Boots', plan: 'pro' };
    expect((await api.call('POST', '/chat/visitor/sessions', { token: v.token, body: { visitor: {}, metadata: page } })).status).toBe(201);
    expect((await read()).visitorMetadata).toEqual(page);
    const listed = (await api.call('GET', '/agent-sdk/conversations', { token: agent })).body.data.conversations;
    expect(listed.find((c: { conversationId: string }) => c.conversationId === v.conversationId).visitorMetadata).toEqual(page);
  });

  it('answers CONVERSATION_NOT_FOUND for an unknown id', async () => {
    for (const [method, path] of [
      ['GET', '/agent-sdk/conversations/conv_nope'],
      ['GET', '/agent-sdk/conversations/conv_nope/messages'],
      ['POST', '/agent-sdk/conversations/conv_nope/close'],
      ['POST', '/agent-sdk/conversations/conv_nope/assign'],
    ] as const) {
      const res = await api.call(method, path, { token: agent });
      expect(res.status, path).toBe(404);
      expect(res.body.code).toBe('CONVERSATION_NOT_FOUND');
    }
    const send = await api.call('POST', '/agent-sdk/conversations/conv_nope/messages', { token: agent, body: { body: 'hi' } });
    expect(send.body.code).toBe('CONVERSATION_NOT_FOUND');
  });
});

describe('replying', () => {
  it('sends as the agent, claims an unassigned conversation and is idempotent on clientMessageId', async () => {
    const v = await api.visitorWithConversation();
    const send = () =>
      api.call('POST', `/agent-sdk/conversations/${v.conversationId}/messages`, {
        token: agent,
        body: { body: 'How can I help?', clientMessageId: 'agent-1' },
      });
    const [first, second] = [await send(), await send()];
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(first.body.data.message).toMatchObject({ senderType: 'agent', senderAgentId: 'agent-demo', senderName: 'Alex (demo agent)', seq: 1 });
    const conversation = await api.call('GET', `/agent-sdk/conversations/${v.conversationId}`, { token: agent });
    expect(conversation.body.data.conversation).toMatchObject({ assignedAgentId: 'agent-demo', assignedAgentName: 'Alex (demo agent)', lastSeq: 1 });
    const seen = await api.call('GET', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token });
    expect(seen.body.data.messages.map((m: { body: string }) => m.body)).toEqual(['How can I help?']);
  });

  it('pages the agent history back with nextCursor', async () => {
    const v = await api.visitorWithConversation();
    for (let i = 1; i <= 5; i++) {
      await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: `q${i}` } });
    }
    const page1 = await api.call('GET', `/agent-sdk/conversations/${v.conversationId}/messages?limit=2`, { token: agent });
    expect(page1.body.data.messages.map((m: { seq: number }) => m.seq)).toEqual([4, 5]);
    const page2 = await api.call('GET', `/agent-sdk/conversations/${v.conversationId}/messages?limit=2&before=${page1.body.data.nextCursor}`, { token: agent });
    expect(page2.body.data.messages.map((m: { seq: number }) => m.seq)).toEqual([2, 3]);
    const page3 = await api.call('GET', `/agent-sdk/conversations/${v.conversationId}/messages?limit=2&before=${page2.body.data.nextCursor}`, { token: agent });
    expect(page3.body.data.messages.map((m: { seq: number }) => m.seq)).toEqual([1]);
    expect(page3.body.data.nextCursor).toBeUndefined();
    const resumed = await api.call('GET', `/agent-sdk/conversations/${v.conversationId}/messages?after=3`, { token: agent });
    expect(resumed.body.data.messages.map((m: { seq: number }) => m.seq)).toEqual([4, 5]);
  });
});

describe('assign and close', () => {
  it('assigns to the calling agent by default, unassigns with null, and refuses unknown agents', async () => {
    const v = await api.visitorWithConversation();
    const take = await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/assign`, { token: agent, body: { reason: 'mine' } });
    expect(take.status).toBe(200);
    expect(take.body.data.assignment).toMatchObject({ conversationId: v.conversationId, assignedAgentId: 'agent-demo', assignedByAgentId: 'agent-demo', reason: 'mine' });
    expect(take.body.data.conversation.assignedAgentId).toBe('agent-demo');

    const release = await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/assign`, { token: agent, body: { assignedAgentId: null } });
    expect(release.body.data.assignment.assignedAgentId).toBeNull();
    expect(release.body.data.conversation.assignedAgentId).toBeUndefined();

    const unknown = await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/assign`, { token: agent, body: { assignedAgentId: 'agent-ghost' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('AGENT_NOT_FOUND');
    const after = await api.call('GET', `/agent-sdk/conversations/${v.conversationId}`, { token: agent });
    expect(after.body.data.conversation.assignedAgentId).toBeUndefined();

    const tooLong = await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/assign`, { token: agent, body: { reason: 'x'.repeat(501) } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.code).toBe('VALIDATION_FAILED');
  });

  it('closes a conversation, and closing again keeps it closed', async () => {
    const v = await api.visitorWithConversation();
    const closed = await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/close`, { token: agent });
    expect(closed.body.data.conversation.status).toBe('closed');
    const again = await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/close`, { token: agent });
    expect(again.body.data.conversation.status).toBe('closed');
    const reply = await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/messages`, { token: agent, body: { body: 'too late' } });
    expect(reply.status).toBe(409);
    expect(reply.body.code).toBe('CONVERSATION_CLOSED');
  });
});
