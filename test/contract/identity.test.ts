import { beforeAll, describe, expect, it } from 'vitest';
import { expectMatchesSchema } from '../helpers/contract-schema.ts';
import { startTestServer } from '../helpers/server.ts';
import { client, useContractServer } from './support.ts';


const { server, api } = useContractServer();
let agent: string;
beforeAll(async () => {
  agent = await api.agentToken();
});

/** A context token from "the customer's backend" (Server API). */
async function contextToken(visitor: Record<string, string>): Promise<string> {
  const res = await api.call('POST', '/server/visitor-context-token', {
    headers: { authorization: `Bearer ${server.serverApiKey}` },
    body: { visitor },
  });
  expect(res.status).toBe(201);
  return res.body.data.token as string;
}

async function verifiedVisitor(visitor: Record<string, string>) {
  const res = await api.call('POST', '/sdk/session', { body: { slug: 'acme', contextToken: await contextToken(visitor) } });
  return { token: res.body.data.sessionToken as string, visitorId: res.body.data.visitorId as string };
}

describe('identity shown to agents', () => {
  it('marks identify()/pre-chat data unverified and context-token data verified', async () => {
    const typed = await api.visitorWithConversation({ name: 'Typed Tim', email: 'tim@example.com' });
    const signed = await verifiedVisitor({ externalId: 'cust-1', name: 'Signed Sue', email: 'sue@example.com' });
    const signedConv = (await api.call('POST', '/chat/visitor/conversations', { token: signed.token, body: {} })).body.data.conversation;
    const read = async (id: string) => (await api.call('GET', `/agent-sdk/conversations/${id}`, { token: agent })).body.data.conversation;
    const a = await read(typed.conversationId);
    const b = await read(signedConv.conversationId);
    expectMatchesSchema('ExtConversation', a);
    expect(a).toMatchObject({ visitorName: 'Typed Tim', visitorEmail: 'tim@example.com', visitorVerified: false });
    expect(b).toMatchObject({ visitorName: 'Signed Sue', visitorEmail: 'sue@example.com', visitorVerified: true });
    // Typed data never overwrites verified data.
    await api.call('POST', '/chat/visitor/sessions', { token: signed.token, body: { visitor: { name: 'Someone Else' } } });
    expect(await read(signedConv.conversationId)).toMatchObject({ visitorName: 'Signed Sue', visitorVerified: true });
  });

  it('mints context tokens only for an external id or an email, with the Server API key', async () => {
    const none = await api.call('POST', '/server/visitor-context-token', { headers: { authorization: `Bearer ${server.serverApiKey}` }, body: { visitor: { name: 'x' } } });
    expect([none.status, none.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const noKey = await api.call('POST', '/server/visitor-context-token', { body: { visitor: { externalId: 'x' } } });
    expect([noKey.status, noKey.body.code]).toEqual([401, 'SERVER_API_KEY_INVALID']);
  });

  it('trims the pre-chat name and refuses an empty name or a bad email', async () => {
    const v = await api.newVisitor();
    const okRes = await api.call('POST', '/chat/visitor/sessions', { token: v.token, body: { visitor: { name: '  Jo  ', email: 'jo@example.com' } } });
    expect(okRes.body.data).toMatchObject({ name: 'Jo', email: 'jo@example.com', verified: false });
    const cases: Array<[object, RegExp]> = [
      [{ name: '   ' }, /^visitor.name: must not be empty/],
      [{ name: 'x'.repeat(101) }, /^visitor.name: must be at most 100/],
      [{ email: 'not an email' }, /^visitor.email: must match format "email"/],
    ];
    for (const [visitor, detail] of cases) {
      const res = await api.call('POST', '/chat/visitor/sessions', { token: v.token, body: { visitor } });
      expect(res.status, JSON.stringify(visitor)).toBe(400);
      expect(res.body.details?.[0]).toMatch(detail);
    }
  });
});

describe('pre-chat form setting', () => {
  it('is announced in bootstrap, and when required a conversation needs a name and an email', async () => {
    const strict = await startTestServer({ tenantSettings: { preChatForm: 'required' } });
    try {
      const s = client(strict);
      expect((await s.call('GET', '/sdk/bootstrap?slug=acme')).body.data.sdk.preChatForm).toBe('required');
      const v = await s.newVisitor({ name: 'Only Name' });
      const refused = await s.call('POST', '/chat/visitor/conversations', { token: v.token, body: {} });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 'PRE_CHAT_FORM_REQUIRED', details: ['visitor.email: is required by the pre-chat form'] });
      expect((await s.call('GET', '/chat/visitor/tickets/open', { token: v.token })).body.data.conversation).toBeNull();
      const accepted = await s.call('POST', '/chat/visitor/conversations', { token: v.token, body: { visitor: { email: 'only@example.com' } } });
      expect(accepted.status).toBe(201);
    } finally {
      await strict.close();
    }
  });
});

describe('past conversations: GET /chat/visitor/conversations', () => {
  it('lists the visitor\'s conversations newest first, paged, and no one else\'s', async () => {
    const v = await api.newVisitor();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const conv = (await api.call('POST', '/chat/visitor/conversations', { token: v.token, body: { subject: `#${i}` } })).body.data.conversation;
      ids.push(conv.conversationId);
      if (i < 2) await api.call('POST', `/agent-sdk/conversations/${conv.conversationId}/close`, { token: agent });
    }
    await api.visitorWithConversation(); // someone else's
    const first = await api.call('GET', '/chat/visitor/conversations?limit=2', { token: v.token });
    expect(first.body.data.conversations.map((c: { conversationId: string }) => c.conversationId)).toEqual([ids[2], ids[1]]);
    expect(first.body.data.conversations.map((c: { status: string }) => c.status)).toEqual(['open', 'closed']);
    const rest = await api.call('GET', `/chat/visitor/conversations?limit=2&cursor=${first.body.data.nextCursor}`, { token: v.token });
    expect(rest.body.data.conversations.map((c: { conversationId: string }) => c.conversationId)).toEqual([ids[0]]);
    expect(rest.body.data.nextCursor).toBeUndefined();
    const bad = await api.call('GET', '/chat/visitor/conversations?cursor=abc', { token: v.token });
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });

  it('shows a verified contact its conversations from another device, read-only, but never links unverified look-alikes', async () => {
    const laptop = await verifiedVisitor({ externalId: 'cust-42', email: 'kai@example.com' });
    const old = (await api.call('POST', '/chat/visitor/conversations', { token: laptop.token, body: {} })).body.data.conversation;
    await api.call('POST', `/chat/visitor/conversations/${old.conversationId}/messages`, { token: laptop.token, body: { body: 'from the laptop' } });

    const phone = await verifiedVisitor({ externalId: 'cust-42', email: 'kai@example.com' });
    expect(phone.visitorId).not.toBe(laptop.visitorId);
    const list = await api.call('GET', '/chat/visitor/conversations', { token: phone.token });
    expect(list.body.data.conversations.map((c: { conversationId: string }) => c.conversationId)).toEqual([old.conversationId]);
    const history = await api.call('GET', `/chat/visitor/conversations/${old.conversationId}/messages`, { token: phone.token });
    expect(history.body.data.messages.map((m: { body: string }) => m.body)).toEqual(['from the laptop']);
    const write = await api.call('POST', `/chat/visitor/conversations/${old.conversationId}/messages`, { token: phone.token, body: { body: 'from the phone' } });
    expect([write.status, write.body.code]).toEqual([404, 'CONVERSATION_NOT_FOUND']);

    const impostor = await api.newVisitor({ email: 'kai@example.com' });
    const none = await api.call('GET', '/chat/visitor/conversations', { token: impostor.token });
    expect(none.body.data.conversations).toEqual([]);
    const peek = await api.call('GET', `/chat/visitor/conversations/${old.conversationId}`, { token: impostor.token });
    expect(peek.body.code).toBe('CONVERSATION_NOT_FOUND');
  });
});

describe('two people on one browser (the stored visitor credential)', () => {
  const sessionWith = async (body: Record<string, unknown>) => {
    const res = await api.call('POST', '/sdk/session', { body: { slug: 'acme', ...body } });
    expect(res.status).toBe(201);
    return res.body.data as { sessionToken: string; visitorId: string; visitorCredential: string };
  };

  it('gives a second signed-in user a new visitor, not the first one\'s conversation, and leaves the first one\'s name alone', async () => {
    const alice = await sessionWith({ contextToken: await contextToken({ externalId: 'shared-alice', name: 'Alice' }) });
    const conv = (await api.call('POST', '/chat/visitor/conversations', { token: alice.sessionToken, body: {} })).body.data.conversation;
    await api.call('POST', `/chat/visitor/conversations/${conv.conversationId}/messages`, { token: alice.sessionToken, body: { body: 'order 123, 1 Main St' } });

    const bob = await sessionWith({
      contextToken: await contextToken({ externalId: 'shared-bob', name: 'Bob' }),
      visitorCredential: alice.visitorCredential,
    });
    expect(bob.visitorId).not.toBe(alice.visitorId);
    expect(bob.visitorCredential).not.toBe(alice.visitorCredential);
    expect((await api.call('GET', '/chat/visitor/tickets/open', { token: bob.sessionToken })).body.data.conversation).toBeNull();
    const peek = await api.call('GET', `/chat/visitor/conversations/${conv.conversationId}/messages`, { token: bob.sessionToken });
    expect([peek.status, peek.body.code]).toEqual([404, 'CONVERSATION_NOT_FOUND']);
    const seen = await api.call('GET', `/agent-sdk/conversations/${conv.conversationId}`, { token: agent });
    expect(seen.body.data.conversation).toMatchObject({ visitorId: alice.visitorId, visitorName: 'Alice', visitorVerified: true });

    // Alice back on her own credential still gets her visitor and conversation.
    const again = await sessionWith({ contextToken: await contextToken({ externalId: 'shared-alice' }), visitorCredential: alice.visitorCredential });
    expect(again.visitorId).toBe(alice.visitorId);
    expect(again.visitorCredential).toBe(alice.visitorCredential);
  });

  it('does not resume a signed-in visitor for a session without a context token', async () => {
    const alice = await sessionWith({ contextToken: await contextToken({ externalId: 'signed-out-alice', name: 'Alice' }) });
    const conv = (await api.call('POST', '/chat/visitor/conversations', { token: alice.sessionToken, body: {} })).body.data.conversation;
    const anonymous = await sessionWith({ visitorCredential: alice.visitorCredential, visitor: { name: 'Mallory' } });
    expect(anonymous.visitorId).not.toBe(alice.visitorId);
    const peek = await api.call('GET', `/chat/visitor/conversations/${conv.conversationId}`, { token: anonymous.sessionToken });
    expect(peek.body.code).toBe('CONVERSATION_NOT_FOUND');
    const seen = await api.call('GET', `/agent-sdk/conversations/${conv.conversationId}`, { token: agent });
    expect(seen.body.data.conversation).toMatchObject({ visitorName: 'Alice', visitorVerified: true });
  });

  it('keeps an anonymous visitor\'s conversation when that visitor signs in', async () => {
    const anon = await api.visitorWithConversation();
    const signed = await sessionWith({ contextToken: await contextToken({ externalId: 'late-signer', name: 'Lee' }), visitorCredential: anon.credential });
    expect(signed.visitorId).toBe(anon.visitorId);
    const open = (await api.call('GET', '/chat/visitor/tickets/open', { token: signed.sessionToken })).body.data.conversation;
    expect(open).toMatchObject({ conversationId: anon.conversationId, visitorName: 'Lee', visitorVerified: true });
  });
});

describe('failed requests leave the visitor\'s identity alone', () => {
  const nameOf = async (conversationId: string) =>
    (await api.call('GET', `/agent-sdk/conversations/${conversationId}`, { token: agent })).body.data.conversation.visitorName as string;

  it('a send into someone else\'s conversation (404) does not rename the sender', async () => {
    const a = await api.visitorWithConversation({ name: 'Ann' });
    const b = await api.visitorWithConversation({ name: 'Ben' });
    const res = await api.call('POST', `/chat/visitor/conversations/${a.conversationId}/messages`, { token: b.token, body: { body: 'hi', visitor: { name: 'Mallory' } } });
    expect([res.status, res.body.code]).toEqual([404, 'CONVERSATION_NOT_FOUND']);
    expect(await nameOf(b.conversationId)).toBe('Ben');
    expect(await nameOf(a.conversationId)).toBe('Ann');
  });

  it('a send into a closed conversation (409) does not rename the sender', async () => {
    const v = await api.visitorWithConversation({ name: 'Cleo' });
    await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/close`, { token: agent });
    const res = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: 'hi', visitor: { name: 'Mallory' } } });
    expect([res.status, res.body.code]).toEqual([409, 'CONVERSATION_CLOSED']);
    expect(await nameOf(v.conversationId)).toBe('Cleo');
  });

  it('a successful send applies the new name, also to the message\'s sender name', async () => {
    const v = await api.visitorWithConversation({ name: 'Dana' });
    const res = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: 'hi', visitor: { name: 'Dana B.' } } });
    expect(res.status).toBe(201);
    expect(res.body.data.message.senderName).toBe('Dana B.');
    expect(await nameOf(v.conversationId)).toBe('Dana B.');
  });

  it('a refused conversation start (pre-chat form) does not store the half-filled form', async () => {
    const strict = await startTestServer({ tenantSettings: { preChatForm: 'required' } });
    try {
      const s = client(strict);
      const v = await s.newVisitor();
      const refused = await s.call('POST', '/chat/visitor/conversations', { token: v.token, body: { visitor: { name: 'Half' } } });
      expect(refused.body.code).toBe('PRE_CHAT_FORM_REQUIRED');
      const profile = await s.call('POST', '/chat/visitor/sessions', { token: v.token, body: {} });
      expect(profile.body.data.name).toBeUndefined();
    } finally {
      await strict.close();
    }
  });
});
