/**
 * A runtime token is bound to the origin it was started from (extensions.md §4): a token leaked
 * from a page on origin A is refused on origin B (another allowed site of the same tenant), and a
 * request without an `Origin` header is refused too (a browser always sends one cross-origin; a
 * non-browser client can send `Origin: A` itself, so the binding is no defence against one, and
 * a forged `Host: a.example` is refused in origins-host.test.ts). A token minted without `Origin`
 * (a native app) keeps working without one. Refusals are the error envelope and change nothing.
 */
import { describe, expect, it } from 'vitest';
import { connect, openSocket, trackSockets } from '../contract/socket.ts';
import { useContractServer } from '../contract/support.ts';
import { keepDatabase, snapshot } from './idor-support.ts';

const A = 'https://a.example';
const B = 'https://b.example';

const kept = keepDatabase();

const { server, api } = useContractServer({ allowedOrigins: [A, B], seed: kept.seed });
const track = trackSockets('suite');

/** A visitor whose session was started by a browser page on `origin`, with a conversation and a message. */
async function browserVisitor(origin: string) {
  const session = await api.call('POST', '/sdk/session', { headers: { origin }, body: { slug: 'acme' } });
  expect(session.status).toBe(201);
  const token = session.body.data.sessionToken as string;
  const conv = await api.call('POST', '/chat/visitor/conversations', { token, headers: { origin }, body: {} });
  const conversationId = conv.body.data.conversation.conversationId as string;
  await api.call('POST', `/chat/visitor/conversations/${conversationId}/messages`, { token, headers: { origin }, body: { body: 'mine' } });
  return { token, conversationId };
}

function expectBound(res: { status: number; body: Record<string, unknown> }, label: string): void {
  expect(res.status, label).toBe(403);
  expect(res.body, label).toEqual({ success: false, code: 'SDK_ORIGIN_NOT_ALLOWED', message: expect.stringMatching(/^This session was started on https:\/\/a\.example and cannot be used/) });
}

describe('a token started on origin A', () => {
  it('works from A, case and default port aside', async () => {
    const v = await browserVisitor(A);
    for (const origin of [A, 'https://A.EXAMPLE', 'https://a.example:443']) {
      const res = await api.call('GET', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, headers: { origin } });
      expect(res.status, origin).toBe(200);
    }
  });

  it('is refused from B (also allowed) and from a script without Origin, changing nothing', async () => {
    const v = await browserVisitor(A);
    const conv = `/chat/visitor/conversations/${v.conversationId}`;
    const before = await snapshot(kept.db());
    for (const headers of [{ origin: B }, {}, { 'sec-fetch-site': 'same-origin' }] as Record<string, string>[]) {
      const label = JSON.stringify(headers);
      expectBound(await api.call('GET', `${conv}/messages`, { token: v.token, headers, raw: true }), `read ${label}`);
      expectBound(await api.call('POST', `${conv}/messages`, { token: v.token, headers, body: { body: 'replayed' }, raw: true }), `send ${label}`);
      expectBound(await api.call('POST', '/chat/visitor/sessions', { token: v.token, headers, body: { visitor: { name: 'Replayed' } }, raw: true }), `identify ${label}`);
      expectBound(await api.call('POST', '/calls/sessions', { token: v.token, headers, body: { conversationId: v.conversationId, type: 'video' }, raw: true }), `call ${label}`);
      expectBound(await api.call('POST', '/sdk/devices/push-token', { token: v.token, headers, body: { token: 'f'.repeat(40) }, raw: true }), `push ${label}`);
      expectBound(await api.call('GET', '/ai/visitor/routing', { token: v.token, headers, raw: true }), `ai ${label}`);
    }
    expect(await snapshot(kept.db())).toEqual(before);
  });

  it('opens the socket from A only: B and no Origin get SDK_ORIGIN_NOT_ALLOWED and close 4001', async () => {
    const v = await browserVisitor(A);
    track(await connect(server.baseUrl, v.token, { origin: A }));
    for (const headers of [{ origin: B }, {}] as Record<string, string>[]) {
      const socket = track(await openSocket(server.baseUrl, headers));
      socket.send({ type: 'auth', token: v.token });
      expect(await socket.next(), JSON.stringify(headers)).toMatchObject({ type: 'error', code: 'SDK_ORIGIN_NOT_ALLOWED' });
      expect((await socket.closed).code).toBe(4001);
    }
  });

  it('cannot be swapped in on an open socket from B by in-band re-auth', async () => {
    const onA = await browserVisitor(A);
    const onB = await browserVisitor(B);
    const socket = track(await connect(server.baseUrl, onB.token, { origin: B }));
    socket.send({ type: 'auth', token: onA.token });
    expect(await socket.next((f) => f.type === 'error')).toMatchObject({ code: 'SDK_ORIGIN_NOT_ALLOWED' });
    expect((await socket.closed).code).toBe(4001);
  });
});

describe('a token started without Origin (a native app)', () => {
  it('keeps working without Origin, and from an allowed browser origin only', async () => {
    const v = await api.visitorWithConversation();
    expect((await api.call('GET', '/chat/visitor/conversations', { token: v.token })).status).toBe(200);
    expect((await api.call('GET', '/chat/visitor/conversations', { token: v.token, headers: { origin: A } })).status).toBe(200);
    const foreign = await api.call('GET', '/chat/visitor/conversations', { token: v.token, headers: { origin: 'https://evil.example' }, raw: true });
    expect(foreign.body.code).toBe('SDK_ORIGIN_NOT_ALLOWED');
    track(await connect(server.baseUrl, v.token));
  });
});

describe('a token started on this server\'s own pages (the hosted chat page)', () => {
  it('works on same-origin GETs, which browsers send without Origin (with Sec-Fetch-Site only in secure contexts)', async () => {
    const v = await browserVisitor(server.origin);
    const path = `/chat/visitor/conversations/${v.conversationId}/messages`;
    for (const headers of [{ 'sec-fetch-site': 'same-origin' }, { origin: server.origin }, {}] as Record<string, string>[]) {
      expect((await api.call('GET', path, { token: v.token, headers })).status, JSON.stringify(headers)).toBe(200);
    }
    // Fetch metadata saying the request came from another site is refused.
    for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { 'sec-fetch-site': 'none' }]) {
      const res = await api.call('GET', path, { token: v.token, headers, raw: true });
      expect(res.body.code, JSON.stringify(headers)).toBe('SDK_ORIGIN_NOT_ALLOWED');
    }
  });

  it('does not let a token from A pass as same-origin', async () => {
    const v = await browserVisitor(A);
    const res = await api.call('GET', '/chat/visitor/conversations', { token: v.token, headers: { 'sec-fetch-site': 'same-origin' }, raw: true });
    expectBound(res, 'same-origin claim');
  });
});
