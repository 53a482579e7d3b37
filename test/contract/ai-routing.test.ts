/**
 * `/ai/visitor/routing`, the help-centre search (`/ai/visitor/knowledge/search` and the article
 * read of extensions.md §14), the per-tenant modes and the per-session AI rate limit, on the
 * real server. Each mode gets its own server (the demo tenant's setting is written at start).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectMatchesSchema } from '../helpers/contract-schema.ts';
import { useContractServer } from './support.ts';

describe('ai_first (the demo tenant\'s default)', () => {
  let now = 1_700_000_000_000;
  const { api } = useContractServer({ rateLimits: { ai: { burst: 2, perMinute: 6 } }, rateLimitClock: () => now });

  it('routes visitors to the AI first, with a person as fallback', async () => {
    const v = await api.newVisitor();
    const res = await api.call('GET', '/ai/visitor/routing', { token: v.token });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ mode: 'ai_first', canUseAi: true, humanFallbackAvailable: true, engine: 'embedded' });
  });

  it('finds help articles with a snippet and a link, one result per article, best first', async () => {
    const v = await api.newVisitor();
    const res = await api.call('POST', '/ai/visitor/knowledge/search', { token: v.token, body: { query: 'refund', limit: 3 } });
    expect(res.status).toBe(200);
    const results = res.body.data.results as Array<Record<string, any>>;
    expect(results.length).toBeGreaterThan(0);
    expect(results.length).toBeLessThanOrEqual(3);
    expect(results[0]).toMatchObject({ articleId: 'refunds', url: '/help/refunds', title: 'When will I get my refund?', category: expect.any(String) });
    expect(results[0]?.snippet.toLowerCase()).toContain('refund');
    expect(results[0]?.snippet.length).toBeLessThanOrEqual(201);
    expect(new Set(results.map((r) => r.articleId)).size).toBe(results.length);
  });

  it('matches words still being typed and typos', async () => {
    const v = await api.newVisitor();
    const typing = await api.call('POST', '/ai/visitor/knowledge/search', { token: v.token, body: { query: 'gift ca' } });
    expect(typing.body.data.results[0].articleId).toBe('gift-cards');
    const typo = await api.call('POST', '/ai/visitor/knowledge/search', { token: v.token, body: { query: 'pasword reset' } });
    expect(typo.body.data.results[0].articleId).toBe('password-reset');
  });

  it('answers a blank query with no results, and refuses bad ones with VALIDATION_FAILED', async () => {
    const v = await api.newVisitor();
    const blank = await api.call('POST', '/ai/visitor/knowledge/search', { token: v.token, body: { query: '  ' } });
    expect(blank.body.data).toEqual({ results: [] });
    const cases: Array<[unknown, string]> = [
      [{ query: 'x'.repeat(201) }, 'query: must be at most 200 characters, got 201'],
      [{ query: 5 }, 'query: must be string'],
      [{}, 'query: is required'],
      [{ query: 'refund', limit: 0 }, 'limit: must be from 1 to 20, got 0'],
      [{ query: 'refund', limit: 2.5 }, 'limit: must be integer'],
    ];
    for (const [body, detail] of cases) {
      const res = await api.call('POST', '/ai/visitor/knowledge/search', { token: v.token, body });
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(res.body.details).toContain(detail);
    }
  });

  it('opens an article as Markdown, and answers an unknown one with KNOWLEDGE_ARTICLE_NOT_FOUND', async () => {
    const v = await api.newVisitor();
    const res = await api.call('GET', '/ai/visitor/knowledge/articles/refunds', { token: v.token, raw: true });
    expect(res.status).toBe(200);
    expect(res.body.data.article).toMatchObject({ articleId: 'refunds', title: 'When will I get my refund?', url: '/help/refunds' });
    expect(res.body.data.article.body).toContain('5 working days');
    const missing = await api.call('GET', '/ai/visitor/knowledge/articles/nope', { token: v.token, raw: true });
    expectMatchesSchema('ErrorEnvelope', missing.body);
    expect([missing.status, missing.body.code]).toEqual([404, 'KNOWLEDGE_ARTICLE_NOT_FOUND']);
  });

  it('limits questions to the AI per session with RATE_LIMITED and Retry-After, before reading them', async () => {
    const v = await api.newVisitor();
    const ask = (message: string) => api.call('POST', '/ai/visitor/chat', { token: v.token, body: { message } });
    expect((await ask('how do i track my order')).status).toBe(200);
    expect((await ask('how much is postage')).status).toBe(200);
    const refused = await ask('what are your opening hours');
    expect([refused.status, refused.body.code]).toEqual([429, 'RATE_LIMITED']);
    expect(refused.headers.get('retry-after')).toBe('10');
    expect(refused.body.message).toBe('Too many questions to the assistant: try again in 10 s.');
    const open = await api.call('GET', '/chat/visitor/tickets/open', { token: v.token });
    expect(open.body.data.conversation.lastSeq).toBe(4); // two questions, two answers; nothing of the refused one
    // Another visitor has its own bucket; and the bucket refills.
    const other = await api.newVisitor();
    expect((await api.call('POST', '/ai/visitor/chat', { token: other.token, body: { message: 'hi' } })).status).toBe(200);
    now += 10_000;
    expect((await ask('what are your opening hours')).status).toBe(200);
  });
});

describe('human_only', () => {
  const { api } = useContractServer({ tenantSettings: { aiRouting: 'human_only' } });

  it('says the AI is off, and refuses every AI call with FEATURE_NOT_AVAILABLE', async () => {
    const v = await api.newVisitor();
    const routing = await api.call('GET', '/ai/visitor/routing', { token: v.token });
    expect(routing.body.data).toMatchObject({ mode: 'human_only', canUseAi: false, humanFallbackAvailable: true });
    const calls = [
      api.call('POST', '/ai/visitor/conversations', { token: v.token, body: {} }),
      api.call('POST', '/ai/visitor/chat', { token: v.token, body: { message: 'how do i track my order' } }),
      api.call('POST', '/ai/visitor/knowledge/search', { token: v.token, body: { query: 'refund' } }),
      api.call('POST', '/ai/visitor/chat/cancel', { token: v.token, body: { streamId: 'aist_x' }, raw: true }),
    ];
    for (const res of await Promise.all(calls)) {
      expect([res.status, res.body.code]).toEqual([403, 'FEATURE_NOT_AVAILABLE']);
      expect(res.body.message).toMatch(/in person only/);
    }
    expect((await api.call('GET', '/chat/visitor/tickets/open', { token: v.token })).body.data.conversation).toBeNull();
  });

  it('refuses "Talk to a person" on an ordinary conversation, and leaves it untouched', async () => {
    const v = await api.visitorWithConversation();
    await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: 'hello' } });
    const res = await api.call('POST', '/ai/visitor/handoff', { token: v.token, body: { conversationId: v.conversationId }, raw: true });
    expect([res.status, res.body.code]).toEqual([403, 'FEATURE_NOT_AVAILABLE']);
    const history = await api.call('GET', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token });
    expect(history.body.data.messages.map((m: { senderType: string }) => m.senderType)).toEqual(['visitor']);
  });
});

describe('ai_assisted', () => {
  const { api } = useContractServer({ tenantSettings: { aiRouting: 'ai_assisted' } });

  it('sends visitors to people (the AI helps agents), but keeps the help-centre search', async () => {
    const v = await api.newVisitor();
    const routing = await api.call('GET', '/ai/visitor/routing', { token: v.token });
    expect(routing.body.data).toMatchObject({ mode: 'ai_assisted', canUseAi: false });
    const chat = await api.call('POST', '/ai/visitor/chat', { token: v.token, body: { message: 'how do i track my order' } });
    expect([chat.status, chat.body.code]).toEqual([403, 'FEATURE_NOT_AVAILABLE']);
    const search = await api.call('POST', '/ai/visitor/knowledge/search', { token: v.token, body: { query: 'track my order' } });
    expect(search.body.data.results[0].articleId).toBe('order-tracking');
  });
});

describe('without knowledge articles', () => {
  let dir: string;
  beforeAll(async () => {
    // Only a malformed article: it is skipped (and logged), which leaves nothing to answer from.
    dir = await mkdtemp(path.join(os.tmpdir(), 'ringnity-kb-'));
    await writeFile(path.join(dir, 'broken.md'), 'no front matter here\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const { server, api } = useContractServer(() => ({ knowledgeDir: dir, log: false }));

  it('answers AI calls with 503 AI_NOT_READY and says so in routing', async () => {
    const v = await api.newVisitor();
    const routing = await api.call('GET', '/ai/visitor/routing', { token: v.token });
    expect(routing.body.data).toMatchObject({ mode: 'ai_first', canUseAi: false, humanFallbackAvailable: true });
    const calls = await Promise.all([
      api.call('POST', '/ai/visitor/chat', { token: v.token, body: { message: 'how do i track my order' } }),
      api.call('POST', '/ai/visitor/conversations', { token: v.token, body: {} }),
      api.call('POST', '/ai/visitor/knowledge/search', { token: v.token, body: { query: 'refund' } }),
    ]);
    for (const res of calls) expect([res.status, res.body.code]).toEqual([503, 'AI_NOT_READY']);
  });

  // Needs demo/server/routes/sdk.ts to pass the server's AI: `serviceCapabilities(tenant, deps.ai)`.
  it('says ai_not_ready in bootstrap, like the AI routes', async () => {
    const res = await api.call('GET', `/sdk/bootstrap?slug=${server.slug}`, { headers: { origin: server.origin } });
    const aiChat = (res.body.data.services as Array<{ key: string; status: string }>).find((s) => s.key === 'ai_chat');
    expect(aiChat).toMatchObject({ status: 'ai_not_ready', allowed: false });
  });
});
