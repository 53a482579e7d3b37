/**
 * Issue 8 item 9, request bodies: a size limit and a nesting limit, both refused with a precise
 * code before anything is stored; strict validation of what the schema names; and the rule for
 * fields it does not name (extensions.md §5): they are ignored, so an attacker's `senderType`,
 * `visitorId`, `tenantId` or `status` changes nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useContractServer } from '../contract/support.ts';


const { server, api } = useContractServer({ log: false });
let agent: string;
beforeAll(async () => {
  agent = await api.agentToken();
});

/** `{"a":{"a":…1…}}` nested `depth` levels (the outer object counts as 1). */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

async function messageCount(conversationId: string, token: string): Promise<number> {
  const res = await api.call('GET', `/chat/visitor/conversations/${conversationId}/messages`, { token });
  return (res.body.data.messages as unknown[]).length;
}

describe('JSON nesting', () => {
  it('accepts 32 levels and refuses 33 with 400 JSON_TOO_DEEP, storing nothing', async () => {
    const v = await api.visitorWithConversation();
    const path = `/chat/visitor/conversations/${v.conversationId}/messages`;
    // body (1) › metadata (2) › … : metadata nested 31 levels makes the body 32 deep.
    const ok = await api.call('POST', path, { token: v.token, body: { body: 'deep enough', metadata: nested(31) } });
    expect(ok.status).toBe(201);
    const before = await messageCount(v.conversationId, v.token);
    const deep = await api.call('POST', path, { token: v.token, body: { body: 'too deep', metadata: nested(32) } });
    expect([deep.status, deep.body.success, deep.body.code]).toEqual([400, false, 'JSON_TOO_DEEP']);
    expect(deep.body.message).toMatch(/33 levels/);
    expect(deep.body.details).toEqual(['body: nested deeper than 32 levels']);
    expect(await messageCount(v.conversationId, v.token)).toBe(before);
  });

  it('refuses a 60 000-level array bomb on every kind of endpoint without parsing it', async () => {
    const v = await api.visitorWithConversation();
    const bomb = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;
    const targets: Array<[string, string, Record<string, string>]> = [
      ['POST', '/sdk/session', {}],
      ['POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { 'X-Ringnity-SDK-Session': v.token }],
      ['POST', `/agent-sdk/conversations/${v.conversationId}/messages`, { 'X-Ringnity-SDK-Session': agent }],
      ['POST', '/server/visitor-context-token', { authorization: `Bearer ${server.serverApiKey}` }],
    ];
    for (const [method, path, headers] of targets) {
      const res = await api.call(method, path, { body: bomb, headers });
      expect([res.status, res.body.code], path).toEqual([400, 'JSON_TOO_DEEP']);
    }
    expect(await messageCount(v.conversationId, v.token)).toBe(0);
  });

  it('does not count brackets inside strings', async () => {
    const v = await api.visitorWithConversation();
    const res = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: `${'[{'.repeat(100)} \\" ]}` } });
    expect(res.status).toBe(201);
  });
});

describe('body size', () => {
  it('refuses 64 KiB + 1 with 413 PAYLOAD_TOO_LARGE and stores nothing; just under the limit is read', async () => {
    const v = await api.visitorWithConversation();
    const path = `/chat/visitor/conversations/${v.conversationId}/messages`;
    const frame = JSON.stringify({ body: 'x', metadata: { pad: '' } });
    const padTo = (size: number) => JSON.stringify({ body: 'x', metadata: { pad: 'p'.repeat(size - frame.length) } });
    const over = await api.call('POST', path, { token: v.token, body: padTo(64 * 1024 + 1) });
    expect([over.status, over.body.success, over.body.code]).toEqual([413, false, 'PAYLOAD_TOO_LARGE']);
    expect(await messageCount(v.conversationId, v.token)).toBe(0);
    const at = await api.call('POST', path, { token: v.token, body: padTo(64 * 1024) });
    // Read and judged by the message rules (not the body limit).
    expect(at.body.code).not.toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('schema validation', () => {
  it('refuses wrong types with VALIDATION_FAILED naming the field, on several endpoints', async () => {
    const v = await api.visitorWithConversation();
    const cases: Array<[string, string, unknown, string, Record<string, string>]> = [
      ['POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { body: 42 }, 'body', { 'X-Ringnity-SDK-Session': v.token }],
      ['POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { body: 'x', metadata: 'not an object' }, 'metadata', { 'X-Ringnity-SDK-Session': v.token }],
      ['POST', '/sdk/session', { slug: server.slug, visitor: 'me' }, 'visitor', {}],
      ['POST', `/agent-sdk/conversations/${v.conversationId}/messages`, { body: ['x'] }, 'body', { 'X-Ringnity-SDK-Session': agent }],
      ['POST', '/server/visitor-context-token', { visitor: { externalId: 7 } }, 'visitor.externalId', { authorization: `Bearer ${server.serverApiKey}` }],
      ['POST', '/server/sdk-token/agent', { agentId: { $ne: null } }, 'agentId', { authorization: `Bearer ${server.serverApiKey}` }],
    ];
    for (const [method, path, body, field, headers] of cases) {
      const res = await api.call(method, path, { body, headers });
      expect([res.status, res.body.code], path).toEqual([400, 'VALIDATION_FAILED']);
      expect((res.body.details ?? []).some((d) => d.startsWith(`${field}:`)), `${path}: ${JSON.stringify(res.body.details)}`).toBe(true);
    }
    expect(await messageCount(v.conversationId, v.token)).toBe(0);
  });

  it('refuses a body that is not JSON, or not declared as JSON, with the envelope', async () => {
    const v = await api.visitorWithConversation();
    const path = `/chat/visitor/conversations/${v.conversationId}/messages`;
    const broken = await api.call('POST', path, { token: v.token, body: '{"body": "x",' });
    expect([broken.status, broken.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const form = await api.call('POST', path, { token: v.token, body: 'body=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect([form.status, form.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect(await messageCount(v.conversationId, v.token)).toBe(0);
  });
});

describe('unknown fields are ignored (one rule, every endpoint)', () => {
  it('a visitor cannot set senderType, sender, ids, seq or times of a message', async () => {
    const v = await api.visitorWithConversation();
    const res = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, {
      token: v.token,
      body: { body: 'hello', senderType: 'agent', senderAgentId: 'agent-demo', senderName: 'Support', messageId: 'msg_forged', seq: 1, sentAt: '2000-01-01T00:00:00Z', conversationId: 'other', deletedAt: '2000-01-01T00:00:00Z' },
    });
    expect(res.status).toBe(201);
    const m = res.body.data.message;
    expect([m.senderType, m.senderAgentId, m.messageId === 'msg_forged', m.conversationId, m.deletedAt]).toEqual(['visitor', undefined, false, v.conversationId, undefined]);
    expect(m.sentAt).not.toBe('2000-01-01T00:00:00.000Z');
    expect(m.senderName === 'Support').toBe(false);
  });

  it('a session cannot pick its visitor or tenant; a conversation cannot pick its owner or status', async () => {
    const other = await api.visitorWithConversation();
    const session = await api.call('POST', '/sdk/session', { body: { slug: server.slug, visitorId: other.visitorId, tenantId: 'tenant-other', sub: other.visitorId, verified: true } });
    expect(session.status).toBe(201);
    expect(session.body.data.visitorId).not.toBe(other.visitorId);
    const token = session.body.data.sessionToken as string;
    const created = await api.call('POST', '/chat/visitor/conversations', { token, body: { visitorId: other.visitorId, status: 'closed', assignedAgentId: 'agent-demo', conversationId: other.conversationId } });
    expect(created.status).toBe(201);
    const c = created.body.data.conversation;
    expect([c.conversationId === other.conversationId, c.visitorId === other.visitorId, c.status === 'closed']).toEqual([false, false, false]);
    // The other visitor's conversation is untouched.
    const theirs = await api.call('GET', `/chat/visitor/conversations/${other.conversationId}/messages`, { token: other.token });
    expect([theirs.status, theirs.body.data.messages.length]).toEqual([200, 0]);
  });

  it('an agent message cannot pose as the visitor, and a context token request cannot pick the tenant', async () => {
    const v = await api.visitorWithConversation();
    const sent = await api.call('POST', `/agent-sdk/conversations/${v.conversationId}/messages`, { token: agent, body: { body: 'hi', senderType: 'visitor', senderContactId: v.visitorId } });
    expect([sent.status, sent.body.data.message.senderType]).toEqual([201, 'agent']);
    const minted = await api.call('POST', '/server/visitor-context-token', {
      headers: { authorization: `Bearer ${server.serverApiKey}` },
      body: { visitor: { externalId: 'cust-1' }, tid: 'tenant-other', tenantId: 'tenant-other', typ: 'agent' },
    });
    expect(minted.status).toBe(201);
    const claims = JSON.parse(Buffer.from((minted.body.data.token as string).split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect([claims.typ, claims.tid === 'tenant-other']).toEqual(['context', false]);
  });
});
