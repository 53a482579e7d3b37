/**
 * Rate limits (extensions.md §13) on the real server with low limits and a clock the test
 * moves, so `Retry-After` values are exact and nothing waits. Each test speaks from its own IP
 * (`X-Forwarded-For`, trusted here) so the per-IP buckets of one test do not touch another's.
 */
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService } from '../../demo/server/auth/tokens.ts';
import { DEMO_TENANT_ID } from '../../demo/server/seed.ts';
import { expectMatchesContract } from '../helpers/contract-schema.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { PNG } from './fixtures/files.ts';
import { type CallOptions, client, useContractServer } from './support.ts';

let now = 1_700_000_000_000;
const { server, api } = useContractServer({
  trustProxy: true,
  rateLimitClock: () => now,
  rateLimits: {
    messages: { burst: 3, perMinute: 20 }, // then one every 3 s
    uploads: { burst: 1, perMinute: 6 }, // then one every 10 s
    sessions: { burst: 2, perMinute: 2 }, // then one every 30 s
    requests: { burst: 40, perMinute: 60 }, // then one a second
  },
});
let agent: string;
beforeAll(async () => {
  agent = await api.agentToken(); // `/server/*` is not limited, so this costs no bucket
});

let nextIp = 1;
/** A caller at a fresh address, with the visitor helpers of `client` from that address. */
function fromNewIp() {
  const ip = `203.0.113.${nextIp++}`;
  const call = (method: string, path: string, options: CallOptions = {}) =>
    api.call(method, path, { ...options, headers: { ...options.headers, 'x-forwarded-for': ip } });
  const newVisitor = async () => {
    const res = await call('POST', '/sdk/session', { body: { slug: 'acme' } });
    expect(res.status).toBe(201);
    const data = res.body.data as { sessionToken: string; visitorCredential: string; visitorId: string };
    return { token: data.sessionToken, credential: data.visitorCredential, visitorId: data.visitorId };
  };
  const visitorWithConversation = async () => {
    const v = await newVisitor();
    const res = await call('POST', '/chat/visitor/conversations', { token: v.token, body: {} });
    return { ...v, conversationId: res.body.data.conversation.conversationId as string };
  };
  return { ip, call, newVisitor, visitorWithConversation };
}

function expectRateLimited(res: { status: number; headers: Headers; body: { code?: string; message?: string } }, seconds: number, what: string) {
  expect([res.status, res.body.code]).toEqual([429, 'RATE_LIMITED']);
  expect(res.headers.get('retry-after')).toBe(String(seconds));
  expect(res.body.message).toBe(`Too many ${what}: try again in ${seconds} s.`);
}

describe('messages per session', () => {
  it('refuses the message after the burst with Retry-After, stores nothing, and takes it once a token is back', async () => {
    const caller = fromNewIp();
    const v = await caller.visitorWithConversation();
    const path = `/chat/visitor/conversations/${v.conversationId}/messages`;
    for (const body of ['one', 'two', 'three']) {
      expect((await caller.call('POST', path, { token: v.token, body: { body, clientMessageId: body } })).status).toBe(201);
    }
    const refused = await caller.call('POST', path, { token: v.token, body: { body: 'four', clientMessageId: 'four' } });
    expectRateLimited(refused, 3, 'messages');
    expect(refused.body.details).toEqual(['limit: 3 at once, then 20 per minute per session']);

    // Retry-After counts down in whole seconds, rounded up.
    now += 2500;
    expectRateLimited(await caller.call('POST', path, { token: v.token, body: { body: 'four', clientMessageId: 'four' } }), 1, 'messages');
    const history = await caller.call('GET', path, { token: v.token });
    expect(history.body.data.messages.map((m: { body: string }) => m.body)).toEqual(['one', 'two', 'three']);

    now += 500;
    const retried = await caller.call('POST', path, { token: v.token, body: { body: 'four', clientMessageId: 'four' } });
    expect(retried.status).toBe(201);
    expect(retried.body.data.message.seq).toBe(4);
  });

  it('counts edits and deletes in the same bucket and leaves a refused edit unapplied', async () => {
    const caller = fromNewIp();
    const v = await caller.visitorWithConversation();
    const path = `/chat/visitor/conversations/${v.conversationId}/messages`;
    const sent = await caller.call('POST', path, { token: v.token, body: { body: 'helo' } });
    const messageId = sent.body.data.message.messageId as string;
    expect((await caller.call('PATCH', `${path}/${messageId}`, { token: v.token, body: { body: 'hello' } })).status).toBe(200);
    expect((await caller.call('PATCH', `${path}/${messageId}`, { token: v.token, body: { body: 'hello!' } })).status).toBe(200);
    expectRateLimited(await caller.call('PATCH', `${path}/${messageId}`, { token: v.token, body: { body: 'HELLO' } }), 3, 'messages');
    expectRateLimited(await caller.call('DELETE', `${path}/${messageId}`, { token: v.token }), 3, 'messages');
    const history = await caller.call('GET', path, { token: v.token });
    expect(history.body.data.messages).toEqual([expect.objectContaining({ messageId, body: 'hello!' })]);
    expect(history.body.data.messages[0].deletedAt).toBeUndefined();
    now += 3000;
  });

  it('keys on the session subject: a renewed token keeps the bucket, another visitor on the same IP has its own', async () => {
    const caller = fromNewIp();
    const v = await caller.visitorWithConversation();
    const path = `/chat/visitor/conversations/${v.conversationId}/messages`;
    for (let i = 0; i < 3; i++) await caller.call('POST', path, { token: v.token, body: { body: `m${i}` } });
    expectRateLimited(await caller.call('POST', path, { token: v.token, body: { body: 'again' } }), 3, 'messages');

    const renewed = await caller.call('POST', '/sdk/session', { body: { slug: 'acme', visitorCredential: v.credential } });
    expect(renewed.status).toBe(201);
    expectRateLimited(await caller.call('POST', path, { token: renewed.body.data.sessionToken as string, body: { body: 'again' } }), 3, 'messages');
    // Within the same second /sdk/session may mint the very same string: a token of another
    // lifetime for the same visitor is surely a different one, and still shares the bucket.
    const other = await createTokenService(server.tokenSecret).sign({ typ: 'visitor', tid: DEMO_TENANT_ID, sub: v.visitorId }, 60);
    expect(other.token).not.toBe(v.token);
    expectRateLimited(await caller.call('POST', path, { token: other.token, body: { body: 'again' } }), 3, 'messages');

    const neighbour = fromNewIp(); // its own IP only so that the sessions bucket (2) is not the one hit
    const w = await neighbour.visitorWithConversation();
    expect((await neighbour.call('POST', `/chat/visitor/conversations/${w.conversationId}/messages`, { token: w.token, body: { body: 'hi' } })).status).toBe(201);
    now += 3000;
  });

  it('limits each agent the same way, apart from the visitors', async () => {
    const caller = fromNewIp();
    const v = await caller.visitorWithConversation();
    const agentPath = `/agent-sdk/conversations/${v.conversationId}/messages`;
    for (let i = 0; i < 3; i++) {
      expect((await caller.call('POST', agentPath, { token: agent, body: { body: `reply ${i}` } })).status).toBe(201);
    }
    expectRateLimited(await caller.call('POST', agentPath, { token: agent, body: { body: 'reply 3' } }), 3, 'messages');
    // The visitor's bucket is untouched by the agent's replies.
    const path = `/chat/visitor/conversations/${v.conversationId}/messages`;
    expect((await caller.call('POST', path, { token: v.token, body: { body: 'thanks' } })).status).toBe(201);
    const history = await caller.call('GET', agentPath, { token: agent });
    expect(history.body.data.messages.map((m: { body: string }) => m.body)).toEqual(['reply 0', 'reply 1', 'reply 2', 'thanks']);
    now += 3000;
  });
});

describe('uploads per session', () => {
  it('refuses an upload over the limit before reading it, so no file is saved', async () => {
    const caller = fromNewIp();
    const v = await caller.visitorWithConversation();
    const path = `/chat/visitor/conversations/${v.conversationId}/attachments/upload`;
    const upload = async () => {
      const form = new FormData();
      form.append('file', new File([PNG], 'dot.png', { type: 'image/png' }));
      const res = await fetch(`${server.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'X-Ringnity-SDK-Session': v.token, 'x-forwarded-for': caller.ip },
        body: form,
      });
      const body = (await res.json()) as { code?: string; message?: string };
      expectMatchesContract('POST', path, res.status, body);
      return { status: res.status, headers: res.headers, body };
    };
    expect((await upload()).status).toBe(201);
    const saved = await readdir(server.uploadDir, { recursive: true });
    expectRateLimited(await upload(), 10, 'uploads');
    expect(await readdir(server.uploadDir, { recursive: true })).toEqual(saved);
    now += 10_000;
    expect((await upload()).status).toBe(201);
  });
});

describe('per client IP', () => {
  it('limits new sessions per address before reading the body, other addresses unaffected', async () => {
    const caller = fromNewIp();
    await caller.newVisitor();
    await caller.newVisitor();
    const refused = await caller.call('POST', '/sdk/session', { body: { slug: 'acme' } });
    expectRateLimited(refused, 30, 'new sessions from this address');
    expect(refused.body.data).toBeUndefined();
    // Not even looked at: a malformed body gets the same 429, not a 400.
    expectRateLimited(await caller.call('POST', '/sdk/session', { body: '{not json' }), 30, 'new sessions from this address');
    // The console sign-in shares the bucket (it also slows password guessing).
    const login = await fetch(`${server.origin}/demo/agent-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': caller.ip },
      body: JSON.stringify({ username: 'demo', password: 'demo' }),
    });
    expect([login.status, login.headers.get('retry-after')]).toEqual([429, '30']);
    await fromNewIp().newVisitor();
    now += 30_000;
    await caller.newVisitor();
  });

  it('limits every widget and console request per address before authentication; the Server API is not limited', async () => {
    const caller = fromNewIp();
    for (let i = 0; i < 40; i++) expect((await caller.call('GET', '/sdk/health')).status).toBe(200);
    // 429 rather than 401: the address is refused before the token is checked.
    expectRateLimited(await caller.call('GET', '/chat/visitor/tickets/open'), 1, 'requests from this address');
    expectRateLimited(await caller.call('GET', '/agent-sdk/conversations', { token: agent }), 1, 'requests from this address');
    const mint = await caller.call('POST', '/server/sdk-token/agent', {
      headers: { authorization: `Bearer ${server.serverApiKey}` },
      body: { agentId: 'agent-demo' },
    });
    expect(mint.status).toBe(201);
    now += 1000;
    expect((await caller.call('GET', '/sdk/health')).status).toBe(200);
  });

  it('lets a page on an allowed origin read the 429 and its Retry-After (CORS)', async () => {
    const caller = fromNewIp();
    await caller.newVisitor();
    await caller.newVisitor();
    const res = await caller.call('POST', '/sdk/session', { headers: { origin: server.origin }, body: { slug: 'acme' } });
    expectRateLimited(res, 30, 'new sessions from this address');
    expect(res.headers.get('access-control-allow-origin')).toBe(server.origin);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/retry-after/i);
    now += 30_000;
  });
});

describe('the client address without a trusted proxy', () => {
  let direct: TestServer;
  beforeAll(async () => {
    direct = await startTestServer({ rateLimits: { sessions: { burst: 1, perMinute: 1 } } });
  });
  afterAll(() => direct?.close());

  it('is the peer address: X-Forwarded-For cannot dodge the limit, and loopback is not exempt', async () => {
    const call = (ip: string) =>
      client(direct).call('POST', '/sdk/session', { headers: { 'x-forwarded-for': ip }, body: { slug: 'acme' } });
    expect((await call('198.51.100.1')).status).toBe(201);
    const refused = await call('198.51.100.2');
    expect([refused.status, refused.body.code]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
  });
});
