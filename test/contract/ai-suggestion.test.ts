/**
 * The AI's help for agents (extensions.md §14a) on the real server: a suggested reply grounded in
 * the knowledge base for the visitor's pending messages, the agent's view of the tenant's AI mode,
 * and which conversations the AI handed off. Every answer is checked against the schemas in
 * `test/helpers/contract-schema.ts`; every failure is the contract's envelope and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { client } from './support.ts';

type Api = ReturnType<typeof client>;
interface Site {
  server: TestServer;
  api: Api;
  agent: string;
}

async function site(options: Parameters<typeof startTestServer>[0]): Promise<Site> {
  const server = await startTestServer(options);
  const api = client(server);
  return { server, api, agent: await api.agentToken() };
}

let assisted: Site;
let aiFirst: Site;
let humanOnly: Site;

beforeAll(async () => {
  [assisted, aiFirst, humanOnly] = await Promise.all([
    site({ tenantSettings: { aiRouting: 'ai_assisted' } }),
    site({ tenantSettings: { aiRouting: 'ai_first' } }),
    site({ tenantSettings: { aiRouting: 'human_only' } }),
  ]);
});
afterAll(() => Promise.all([assisted, aiFirst, humanOnly].map((s) => s?.server.close())));

const suggest = (s: Site, conversationId: string, token: string | undefined = s.agent) =>
  s.api.call('POST', `/agent-sdk/conversations/${encodeURIComponent(conversationId)}/ai/suggestion`, token ? { token } : {});

/** A visitor who wrote `texts` into a new conversation (the chat with people, `/chat/visitor`). */
async function visitorSaid(s: Site, ...texts: string[]) {
  const v = await s.api.visitorWithConversation();
  const ids: string[] = [];
  for (const body of texts) {
    const res = await s.api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body } });
    ids.push(res.body.data.message.messageId as string);
  }
  return { ...v, messageIds: ids };
}

/** What an agent reads of a conversation: its messages and the conversation itself. */
async function snapshot(s: Site, conversationId: string) {
  const messages = await s.api.call('GET', `/agent-sdk/conversations/${conversationId}/messages`, { token: s.agent });
  const conversation = await s.api.call('GET', `/agent-sdk/conversations/${conversationId}`, { token: s.agent });
  return { messages: messages.body.data.messages, conversation: conversation.body.data.conversation };
}

describe('POST /agent-sdk/conversations/{id}/ai/suggestion', () => {
  it('suggests a reply quoting the shipping article for "how long does delivery take?"', async () => {
    const v = await visitorSaid(assisted, 'how long does delivery take?');
    const res = await suggest(assisted, v.conversationId);
    expect(res.status).toBe(200);
    const { suggestion } = res.body.data;
    expect(suggestion.citations[0]).toEqual(expect.objectContaining({ articleId: 'shipping-times', url: '/help/shipping-times', title: expect.any(String) }));
    expect(suggestion.body).toMatch(/working days/);
    expect(suggestion.confidence).toBeGreaterThan(0);
    expect(suggestion).toMatchObject({ question: 'how long does delivery take?', replyTo: v.messageIds[0], engine: 'embedded' });
  });

  it('answers every visitor message since the last reply, and the newest one is what it replies to', async () => {
    const v = await visitorSaid(assisted, 'Hello there', 'do you ship to Ireland?');
    const res = await suggest(assisted, v.conversationId);
    expect(res.body.data.suggestion.question).toBe('Hello there do you ship to Ireland?');
    expect(res.body.data.suggestion.replyTo).toBe(v.messageIds[1]);
    expect(res.body.data.suggestion.citations.map((c: { articleId: string }) => c.articleId)).toContain('international-shipping');
  });

  it('falls back to the newest message alone when the pending ones together find nothing', async () => {
    const v = await visitorSaid(assisted, 'what is the airspeed velocity of an unladen swallow?', 'how do I reset my password?');
    const res = await suggest(assisted, v.conversationId);
    expect(res.body.data.suggestion).toMatchObject({ question: 'how do I reset my password?', replyTo: v.messageIds[1] });
    expect(res.body.data.suggestion.citations[0].articleId).toBe('password-reset');
  });

  it('suggests nothing once the agent has replied, until the visitor writes again', async () => {
    const v = await visitorSaid(assisted, 'how long does delivery take?');
    await assisted.api.call('POST', `/agent-sdk/conversations/${v.conversationId}/messages`, { token: assisted.agent, body: { body: 'Usually 3–5 days.' } });
    const after = await suggest(assisted, v.conversationId);
    expect(after.status).toBe(200);
    expect(after.body.data).toEqual({ suggestion: null, reason: 'nothing_to_answer' });
    await assisted.api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: 'how do I reset my password?' } });
    const again = await suggest(assisted, v.conversationId);
    expect(again.body.data.suggestion.citations[0].articleId).toBe('password-reset');
    expect(again.body.data.suggestion.question).toBe('how do I reset my password?');
  });

  it('suggests nothing, rather than something wrong, when the knowledge base does not answer', async () => {
    const v = await visitorSaid(assisted, 'what is the airspeed velocity of an unladen swallow?');
    const res = await suggest(assisted, v.conversationId);
    expect(res.body.data).toEqual({ suggestion: null, reason: 'no_match' });
  });

  it('suggests nothing in a conversation with no messages yet', async () => {
    const v = await assisted.api.visitorWithConversation();
    expect((await suggest(assisted, v.conversationId)).body.data).toEqual({ suggestion: null, reason: 'nothing_to_answer' });
  });

  it('stores nothing and tells nobody: the conversation reads the same afterwards', async () => {
    const v = await visitorSaid(assisted, 'how much is standard delivery?');
    const before = await snapshot(assisted, v.conversationId);
    expect((await suggest(assisted, v.conversationId)).status).toBe(200);
    expect(await snapshot(assisted, v.conversationId)).toEqual(before);
  });

  it('works in ai_first too: after a handoff the agent gets a suggestion for the visitor\'s next question', async () => {
    const v = await aiFirst.api.newVisitor();
    const asked = await aiFirst.api.call('POST', '/ai/visitor/chat', { token: v.token, body: { message: 'how long does delivery take?' } });
    const conversationId = asked.body.data.conversationId as string;
    // The AI answered it: nothing waits for the agent.
    expect((await suggest(aiFirst, conversationId)).body.data.reason).toBe('nothing_to_answer');
    await aiFirst.api.call('POST', '/ai/visitor/handoff', { token: v.token, body: { conversationId }, raw: true });
    await aiFirst.api.call('POST', `/chat/visitor/conversations/${conversationId}/messages`, { token: v.token, body: { body: 'what payment methods do you accept?' } });
    const res = await suggest(aiFirst, conversationId);
    expect(res.status).toBe(200);
    expect(res.body.data.suggestion.citations[0].articleId).toBe('payment-methods');
  });
});

describe('suggestion errors: the envelope, and nothing changed', () => {
  it('answers 403 FEATURE_NOT_AVAILABLE for a human_only tenant', async () => {
    const v = await visitorSaid(humanOnly, 'how long does delivery take?');
    const before = await snapshot(humanOnly, v.conversationId);
    const res = await suggest(humanOnly, v.conversationId);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ success: false, code: 'FEATURE_NOT_AVAILABLE', message: expect.stringContaining('in person only') });
    expect(await snapshot(humanOnly, v.conversationId)).toEqual(before);
  });

  it('answers 404 CONVERSATION_NOT_FOUND for an unknown conversation', async () => {
    const res = await suggest(assisted, 'conv_does_not_exist');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ success: false, code: 'CONVERSATION_NOT_FOUND', message: expect.stringContaining('conv_does_not_exist') });
  });

  it('answers 404 for an id that is no conversation id at all', async () => {
    const res = await suggest(assisted, '../../sdk/health');
    expect(res.status).toBe(404);
    expect(res.body.success).toBe(false);
  });

  it('answers 409 CONVERSATION_CLOSED for a closed conversation', async () => {
    const v = await visitorSaid(assisted, 'how long does delivery take?');
    await assisted.api.call('POST', `/agent-sdk/conversations/${v.conversationId}/close`, { token: assisted.agent });
    const before = await snapshot(assisted, v.conversationId);
    const res = await suggest(assisted, v.conversationId);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ success: false, code: 'CONVERSATION_CLOSED' });
    expect(await snapshot(assisted, v.conversationId)).toEqual(before);
  });

  it('answers 401 SDK_SESSION_REQUIRED without a token and 403 SERVER_API_SCOPE_DENIED for a visitor token', async () => {
    const v = await visitorSaid(assisted, 'how long does delivery take?');
    const none = await assisted.api.call('POST', `/agent-sdk/conversations/${v.conversationId}/ai/suggestion`);
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ success: false, code: 'SDK_SESSION_REQUIRED' });
    const visitor = await suggest(assisted, v.conversationId, v.token);
    expect(visitor.status).toBe(403);
    expect(visitor.body).toMatchObject({ success: false, code: 'SERVER_API_SCOPE_DENIED' });
  });

  it('answers 429 RATE_LIMITED with Retry-After past the agent\'s AI limit, once the bucket refills', async () => {
    let now = 1_000_000;
    const limited = await site({ tenantSettings: { aiRouting: 'ai_assisted' }, rateLimits: { ai: { burst: 2, perMinute: 6 } }, rateLimitClock: () => now });
    try {
      const v = await visitorSaid(limited, 'how long does delivery take?');
      expect((await suggest(limited, v.conversationId)).status).toBe(200);
      expect((await suggest(limited, v.conversationId)).status).toBe(200);
      const refused = await suggest(limited, v.conversationId);
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ success: false, code: 'RATE_LIMITED', message: expect.stringContaining('try again in 10 s') });
      expect(refused.headers.get('retry-after')).toBe('10');
      now += 10_000;
      expect((await suggest(limited, v.conversationId)).status).toBe(200);
    } finally {
      await limited.server.close();
    }
  });
});

describe('GET /agent-sdk/ai/routing', () => {
  it.each([
    ['ai_assisted', () => assisted, { canUseAi: false, suggestions: true }],
    ['ai_first', () => aiFirst, { canUseAi: true, suggestions: true }],
    ['human_only', () => humanOnly, { canUseAi: false, suggestions: false }],
  ] as const)('tells the console the %s mode and whether it suggests replies', async (mode, which, expected) => {
    const s = which();
    const res = await s.api.call('GET', '/agent-sdk/ai/routing', { token: s.agent });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ mode, humanFallbackAvailable: true, engine: 'embedded', ...expected });
  });

  it('needs an agent token', async () => {
    const res = await assisted.api.call('GET', '/agent-sdk/ai/routing');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('SDK_SESSION_REQUIRED');
  });
});

describe('GET /agent-sdk/ai/conversations', () => {
  it('says which conversations the AI answers and which it handed off, and why', async () => {
    const answering = await aiFirst.api.newVisitor();
    const a = await aiFirst.api.call('POST', '/ai/visitor/chat', { token: answering.token, body: { message: 'how long is the warranty?' } });
    const handed = await aiFirst.api.newVisitor();
    const h = await aiFirst.api.call('POST', '/ai/visitor/chat', { token: handed.token, body: { message: 'I want to talk to a person' } });
    const people = await aiFirst.api.visitorWithConversation();
    const ids = [a.body.data.conversationId, h.body.data.conversationId, people.conversationId, 'conv_unknown'];
    const res = await aiFirst.api.call('GET', `/agent-sdk/ai/conversations?conversationIds=${ids.join(',')}`, { token: aiFirst.agent });
    expect(res.status).toBe(200);
    const byId = Object.fromEntries((res.body.data.conversations as Array<{ conversationId: string }>).map((c) => [c.conversationId, c]));
    expect(Object.keys(byId).sort()).toEqual([ids[0], ids[1]].sort());
    expect(byId[ids[0]]).toMatchObject({ status: 'ai', aiConversationId: a.body.data.aiConversationId });
    expect(byId[ids[1]]).toMatchObject({ status: 'handed_off', handoffReason: 'visitor_asked' });
  });

  it('does not show another tenant\'s or unknown conversations, and refuses a missing or too long id list', async () => {
    const empty = await aiFirst.api.call('GET', '/agent-sdk/ai/conversations?conversationIds=conv_nope', { token: aiFirst.agent });
    expect(empty.body.data).toEqual({ conversations: [] });
    const missing = await aiFirst.api.call('GET', '/agent-sdk/ai/conversations', { token: aiFirst.agent });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.stringContaining('conversationIds')] });
    const many = Array.from({ length: 101 }, (_, i) => `conv_${i}`).join(',');
    const tooMany = await aiFirst.api.call('GET', `/agent-sdk/ai/conversations?conversationIds=${many}`, { token: aiFirst.agent });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.details).toEqual(['conversationIds: must list at most 100 ids, got 101']);
  });
});
