import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.ts';
import { client, forgeToken, useContractServer } from './support.ts';


const { server, api } = useContractServer();

/** A token signed with the server's secret but with chosen claims (e.g. an `exp` in the past). */
const forge = (claims: Record<string, unknown>, expSecondsFromNow: number, secret?: string) => forgeToken(server, claims, expSecondsFromNow, secret);

describe('visitor session tokens', () => {
  it('refuses a missing token with SDK_SESSION_REQUIRED', async () => {
    const res = await api.call('GET', '/chat/visitor/tickets/open');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('SDK_SESSION_REQUIRED');
  });

  it('refuses an expired token with TOKEN_EXPIRED and changes nothing', async () => {
    const v = await api.visitorWithConversation();
    const expired = await forge({ typ: 'visitor', tid: 'client_acme', sub: v.visitorId }, -60);
    const res = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: expired, body: { body: 'late' } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('TOKEN_EXPIRED');
    const history = await api.call('GET', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token });
    expect(history.body.data.messages).toHaveLength(0);
  });

  it('refuses a tampered token, a token signed with another secret and garbage with SDK_SESSION_REQUIRED', async () => {
    const v = await api.visitorWithConversation();
    const [header, payload, signature] = v.token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const otherPayload = Buffer.from(JSON.stringify({ ...claims, sub: 'vis_someone_else' })).toString('base64url');
    const tokens = [
      `${header}.${otherPayload}.${signature}`,
      `${header}.${payload}.${signature.slice(0, -4)}AAAA`,
      await forge({ typ: 'visitor', tid: 'client_acme', sub: v.visitorId }, 600, 'not-the-server-secret'),
      'garbage',
    ];
    for (const token of tokens) {
      const res = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token, body: { body: 'x' } });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('SDK_SESSION_REQUIRED');
    }
    const history = await api.call('GET', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token });
    expect(history.body.data.messages).toHaveLength(0);
  });

  it('expires sessions after the configured lifetime', async () => {
    const short = await startTestServer({ sessionTtlSeconds: 1 });
    try {
      const res = await client(short).call('POST', '/sdk/session', { body: { slug: 'acme' } });
      expect(res.body.data.expiresIn).toBe(1);
      expect(Date.parse(res.body.data.expiresAt) - Date.now()).toBeLessThanOrEqual(1000);
    } finally {
      await short.close();
    }
  });

  it('refuses visitor calls from a foreign origin even with a valid token', async () => {
    const v = await api.visitorWithConversation();
    const res = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, {
      token: v.token,
      headers: { origin: 'https://evil.example' },
      body: { body: 'from elsewhere' },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('SDK_ORIGIN_NOT_ALLOWED');
    const history = await api.call('GET', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token });
    expect(history.body.data.messages).toHaveLength(0);
  });
});

describe('agent tokens', () => {
  it('refuses a visitor token on agent endpoints with SERVER_API_SCOPE_DENIED', async () => {
    const v = await api.visitorWithConversation();
    for (const [method, path] of [
      ['GET', '/agent-sdk/me'],
      ['GET', '/agent-sdk/conversations'],
      ['POST', `/agent-sdk/conversations/${v.conversationId}/close`],
    ] as const) {
      const res = await api.call(method, path, { token: v.token });
      expect(res.status, path).toBe(403);
      expect(res.body.code).toBe('SERVER_API_SCOPE_DENIED');
    }
    const read = await api.call('GET', `/chat/visitor/conversations/${v.conversationId}`, { token: v.token });
    expect(read.body.data.conversation.status).toBe('open');
  });

  it('refuses an agent token on visitor endpoints with SERVER_API_SCOPE_DENIED', async () => {
    const res = await api.call('GET', '/chat/visitor/tickets/open', { token: await api.agentToken() });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('SERVER_API_SCOPE_DENIED');
  });

  it('refuses an expired agent token with TOKEN_EXPIRED', async () => {
    const expired = await forge({ typ: 'agent', tid: 'client_acme', sub: 'agent-demo' }, -1);
    const res = await api.call('GET', '/agent-sdk/me', { token: expired });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('TOKEN_EXPIRED');
  });
});

describe('POST /server/sdk-token/agent', () => {
  const mint = (authorization: string | undefined, body: unknown) =>
    api.call('POST', '/server/sdk-token/agent', { headers: authorization ? { authorization } : {}, body });

  it('mints an agent token for an existing agent, by id or username', async () => {
    for (const body of [{ agentId: 'agent-demo' }, { username: 'demo', expiresIn: 120 }]) {
      const res = await mint(`Bearer ${server.serverApiKey}`, body);
      expect(res.status).toBe(201);
      expect(res.body.data).toMatchObject({ token: expect.any(String), tokenType: 'Bearer' });
      const me = await api.call('GET', '/agent-sdk/me', { token: res.body.data.token });
      expect(me.body.data.agent).toMatchObject({ agentId: 'agent-demo', name: 'Alex (demo agent)' });
    }
  });

  it('refuses a missing or wrong Server API key with SERVER_API_KEY_INVALID', async () => {
    for (const auth of [undefined, 'Bearer sk_wrong', `Basic ${server.serverApiKey}`, server.serverApiKey]) {
      const res = await mint(auth, { agentId: 'agent-demo' });
      expect(res.status, String(auth)).toBe(401);
      expect(res.body.code).toBe('SERVER_API_KEY_INVALID');
    }
  });

  it('refuses an unknown agent with AGENT_NOT_FOUND and bad input with VALIDATION_FAILED', async () => {
    const unknown = await mint(`Bearer ${server.serverApiKey}`, { agentId: 'agent-nobody' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('AGENT_NOT_FOUND');
    for (const body of [{}, { agentId: 5 }, { agentId: 'agent-demo', expiresIn: 'soon' }, { agentId: 'agent-demo', expiresIn: 10 }]) {
      const res = await mint(`Bearer ${server.serverApiKey}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('POST /demo/agent-login (demo only, outside /api)', () => {
  const login = (body: unknown) =>
    fetch(`${server.origin}/demo/agent-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('signs the demo agent in with demo/demo', async () => {
    const res = await login({ username: 'demo', password: 'demo' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { data: { token: string } };
    const me = await api.call('GET', '/agent-sdk/me', { token: body.data.token });
    expect(me.body.data.agent.username).toBe('demo');
  });

  it('refuses a wrong password or unknown user with one message', async () => {
    for (const body of [{ username: 'demo', password: 'nope' }, { username: 'ghost', password: 'demo' }]) {
      const res = await login(body);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ success: false, code: 'DEMO_LOGIN_FAILED', message: 'Wrong username or password.' });
    }
  });
});
