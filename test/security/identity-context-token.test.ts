/**
 * Issue 8 item 3: the customer-backend flow, attacked. A context token minted by
 * `/server/visitor-context-token` is verified by `/sdk/session`; every forged, stale or foreign
 * one is refused with its precise code and creates no visitor.
 */
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../demo/server/db/database.ts';
import { forgeToken, useContractServer } from '../contract/support.ts';

let db: Database;
const { server, api } = useContractServer({
  seed: async (database) => {
    db = database;
    await database.query(`INSERT INTO tenants (id, slug, public_key, name) VALUES ('client_other', 'other', 'pk_other', 'Other Co')`);
  },
});
let agent: string;
beforeAll(async () => {
  agent = await api.agentToken();
});

async function mint(visitor: Record<string, string>, expiresIn?: number): Promise<string> {
  const res = await api.call('POST', '/server/visitor-context-token', {
    headers: { authorization: `Bearer ${server.serverApiKey}` },
    body: { visitor, ...(expiresIn ? { expiresIn } : {}) },
  });
  expect(res.status).toBe(201);
  return res.body.data.token as string;
}

const visitorCount = async () => Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM visitors'))[0]!.n);

/** `/sdk/session` with `contextToken`; asserts no visitor was made when it is refused. */
async function session(contextToken: string, extra: Record<string, unknown> = {}) {
  const before = await visitorCount();
  const res = await api.call('POST', '/sdk/session', { body: { slug: 'acme', contextToken, ...extra } });
  if (res.status !== 201) expect(await visitorCount()).toBe(before);
  return res;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const parts = (token: string) => token.split('.') as [string, string, string];
const claims = (externalId: string, tid = 'client_acme') => ({ typ: 'context', tid, sub: externalId, name: 'Forged' });

describe('context tokens refused at /sdk/session', () => {
  it('refuses a token whose payload was edited (another external id), with SDK_CONTEXT_TOKEN_INVALID', async () => {
    const [header, payload, signature] = parts(await mint({ externalId: 'alice-1', name: 'Alice' }));
    const edited = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'admin-1', name: 'Admin' };
    const res = await session(`${header}.${b64(edited)}.${signature}`);
    expect([res.status, res.body.code]).toEqual([401, 'SDK_CONTEXT_TOKEN_INVALID']);
    expect(res.body.message).toMatch(/not a token this server signed/);
  });

  it('refuses a token signed with another key', async () => {
    const res = await session(await forgeToken(server, claims('bob-1'), 600, 'not-the-server-secret'));
    expect([res.status, res.body.code]).toEqual([401, 'SDK_CONTEXT_TOKEN_INVALID']);
  });

  it('refuses `alg: none` (unsigned) and an HS512 token, whatever the payload says', async () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = { ...claims('carol-1'), iss: 'ringnity-reference-server', iat: now, exp: now + 600 };
    for (const token of [`${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`, `${b64({ alg: 'none' })}.${b64(payload)}`]) {
      const res = await session(token);
      expect([res.status, res.body.code], token).toEqual([401, 'SDK_CONTEXT_TOKEN_INVALID']);
    }
    const hs512 = await new SignJWT(payload).setProtectedHeader({ alg: 'HS512' }).sign(new TextEncoder().encode(server.tokenSecret));
    expect((await session(hs512)).body.code).toBe('SDK_CONTEXT_TOKEN_INVALID');
  });

  it('refuses an expired token with TOKEN_EXPIRED', async () => {
    const res = await session(await forgeToken(server, claims('dan-1'), -3600));
    expect([res.status, res.body.code]).toEqual([401, 'TOKEN_EXPIRED']);
    expect(res.body.message).toMatch(/context token has expired/);
  });

  it('accepts up to 60 s of clock skew on the expiry, not more', async () => {
    const late = await session(await forgeToken(server, claims('skew-late'), -55));
    expect(late.status).toBe(201);
    const tooLate = await session(await forgeToken(server, claims('skew-too-late'), -65));
    expect([tooLate.status, tooLate.body.code]).toEqual([401, 'TOKEN_EXPIRED']);
  });

  it('refuses a token whose expiry is more than 24 h ahead, and takes one of exactly 24 h', async () => {
    const far = await session(await forgeToken(server, claims('far-1'), 86_400 + 120));
    expect([far.status, far.body.code]).toEqual([401, 'SDK_CONTEXT_TOKEN_INVALID']);
    expect(far.body.message).toMatch(/more than 24 h ahead/);
    const day = await session(await mint({ externalId: 'day-1' }, 86_400));
    expect(day.status).toBe(201);
  });

  it("refuses another tenant's token, and a session or agent token passed off as a context token", async () => {
    const foreign = await session(await forgeToken(server, claims('eve-1', 'client_other'), 600));
    expect([foreign.status, foreign.body.code]).toEqual([401, 'SDK_CONTEXT_TOKEN_INVALID']);
    expect(foreign.body.message).toMatch(/another tenant/);
    for (const wrongKind of [(await api.newVisitor()).token, agent]) {
      const res = await session(wrongKind);
      expect([res.status, res.body.code]).toEqual([401, 'SDK_CONTEXT_TOKEN_INVALID']);
      expect(res.body.message).toMatch(/not a visitor context token/);
    }
  });
});

describe('signed identity wins', () => {
  const read = async (id: string) => (await api.call('GET', `/agent-sdk/conversations/${id}`, { token: agent })).body.data.conversation;

  it('a client identify({ name, email, externalId }) after a signed identity changes none of the signed fields', async () => {
    const signed = await session(await mint({ externalId: 'cust-900', name: 'Signed Sam', email: 'sam@example.com' }));
    const token = signed.body.data.sessionToken as string;
    const conv = (await api.call('POST', '/chat/visitor/conversations', { token, body: {} })).body.data.conversation;
    await api.call('POST', '/chat/visitor/sessions', { token, body: { visitor: { name: 'Mallory', email: 'mallory@evil.test', externalId: 'cust-1' } } });
    await api.call('POST', `/chat/visitor/conversations/${conv.conversationId}/messages`, { token, body: { body: 'hi', visitor: { name: 'Mallory' } } });
    expect(await read(conv.conversationId)).toMatchObject({ visitorName: 'Signed Sam', visitorEmail: 'sam@example.com', visitorVerified: true });
    // The verified visitor is still resumed by its own signed identity, so the external id stayed.
    const again = await session(await mint({ externalId: 'cust-900' }), { visitorCredential: signed.body.data.visitorCredential });
    expect(again.body.data.visitorId).toBe(signed.body.data.visitorId);
  });

  it("an unsigned identify with a verified visitor's external id and email gets a separate visitor and none of its history", async () => {
    const signed = await session(await mint({ externalId: 'cust-901', name: 'Vera', email: 'vera@example.com' }));
    const vera = signed.body.data.sessionToken as string;
    const conv = (await api.call('POST', '/chat/visitor/conversations', { token: vera, body: {} })).body.data.conversation;
    await api.call('POST', `/chat/visitor/conversations/${conv.conversationId}/messages`, { token: vera, body: { body: 'my address is 1 Main St' } });

    const copycat = { externalId: 'cust-901', email: 'vera@example.com', name: 'Vera' };
    // An empty context token is no token at all: refused, not read as "unsigned".
    expect((await session('')).body.code).toBe('SDK_CONTEXT_TOKEN_INVALID');
    const mallory = await api.call('POST', '/sdk/session', { body: { slug: 'acme', visitor: copycat } });
    expect(mallory.status).toBe(201);
    expect(mallory.body.data.visitorId).not.toBe(signed.body.data.visitorId);
    const token = mallory.body.data.sessionToken as string;
    await api.call('POST', '/chat/visitor/sessions', { token, body: { visitor: copycat } });
    expect((await api.call('GET', '/chat/visitor/conversations', { token })).body.data.conversations).toEqual([]);
    const peek = await api.call('GET', `/chat/visitor/conversations/${conv.conversationId}/messages`, { token });
    expect([peek.status, peek.body.code]).toEqual([404, 'CONVERSATION_NOT_FOUND']);
    const own = (await api.call('POST', '/chat/visitor/conversations', { token, body: {} })).body.data.conversation;
    expect(own.conversationId).not.toBe(conv.conversationId);
    // The agent sees the copycat as unverified, the real one as verified.
    expect(await read(own.conversationId)).toMatchObject({ visitorVerified: false });
    expect(await read(conv.conversationId)).toMatchObject({ visitorName: 'Vera', visitorVerified: true });
  });

  it("typed details of an anonymous visitor who then signs in are dropped, never promoted to verified", async () => {
    // Vera, verified, on her laptop.
    const vera = await session(await mint({ externalId: 'cust-902', email: 'vera2@example.com', name: 'Vera' }));
    const veraToken = vera.body.data.sessionToken as string;
    const secret = (await api.call('POST', '/chat/visitor/conversations', { token: veraToken, body: {} })).body.data.conversation;
    await api.call('POST', `/chat/visitor/conversations/${secret.conversationId}/messages`, { token: veraToken, body: { body: 'card ends 4242' } });

    // Mallory, anonymous, types Vera's external id and email, then signs in to her own account
    // on the site (an email-only context token: no external id of its own).
    const anon = await api.newVisitor({ externalId: 'cust-902', email: 'vera2@example.com', name: 'Vera' });
    const signed = await session(await mint({ email: 'mallory@example.com' }), { visitorCredential: anon.credential });
    expect(signed.status).toBe(201);
    const token = signed.body.data.sessionToken as string;
    // The typed external id did not become a verified one: no link to Vera's conversations.
    expect((await api.call('GET', '/chat/visitor/conversations', { token })).body.data.conversations).toEqual([]);
    const peek = await api.call('GET', `/chat/visitor/conversations/${secret.conversationId}/messages`, { token });
    expect([peek.status, peek.body.code]).toEqual([404, 'CONVERSATION_NOT_FOUND']);
    // The agent sees only the signed details next to "verified".
    const profile = (await api.call('POST', '/chat/visitor/sessions', { token, body: {} })).body.data;
    expect(profile).toMatchObject({ verified: true, email: 'mallory@example.com' });
    expect(profile.externalId).toBeUndefined();
    expect(profile.name).toBeUndefined();
  });
});
