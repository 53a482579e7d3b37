/**
 * An attacker's page on a look-alike origin (extensions.md §4): every spelling that is not on the
 * tenant's allowlist answers 403 `SDK_ORIGIN_NOT_ALLOWED` on bootstrap, session, every visitor
 * route and the realtime socket, and changes nothing. Exact spellings of an allowed origin
 * (upper case, the default port written out) pass; wildcard entries match subdomains only.
 */
import { describe, expect, it } from 'vitest';
import { cspSourceOf, isOriginAllowed, parseOriginRule } from '../../demo/server/auth/origin.ts';
import { openSocket, trackSockets } from '../contract/socket.ts';
import { useContractServer } from '../contract/support.ts';
import { keepDatabase, seedTenant, snapshot } from './idor-support.ts';

const ALLOWED = ['https://example.com', 'https://shop.example.com:8443', 'http://plain.example.org'];
const WILD = ['https://*.wild.example'];

/** Origins an attacker can serve a page from (or send from a script), none of them allowed. */
const LOOK_ALIKES = [
  'https://example.com.evil.test',
  'https://evil-example.com',
  'https://evilexample.com',
  'https://sub.example.com', // subdomain of an exact entry
  'http://example.com', // http when only https is listed
  'https://example.com:444', // wrong port
  'https://example.com:8443',
  'https://shop.example.com', // the default port when only :8443 is listed
  'https://plain.example.org', // https when only http is listed
  'null', // sandboxed iframe, file://, data: URL
  'https://example.com.', // trailing dot: another origin to a browser
  'https://xn--exmple-cua.com', // punycode look-alike (exämple.com)
  'https://example.com@evil.test', // userinfo trick: the host is evil.test
  'https://example.com/path',
  'https://example.com?x',
  'https://*.example.com',
  'file://',
  'javascript:alert(1)',
  '',
  ' ',
  'https://example.com, https://evil.test',
];

const kept = keepDatabase(seedTenant('client_wild', 'wild', WILD));

const { server, api } = useContractServer({ allowedOrigins: ALLOWED, seed: kept.seed });
const track = trackSockets('suite');

function expectRefused(res: { status: number; body: Record<string, unknown> }, label: string): void {
  expect(res.status, label).toBe(403);
  expect(res.body, label).toMatchObject({ success: false, code: 'SDK_ORIGIN_NOT_ALLOWED' });
  expect(String(res.body.message), label).toMatch(/allowed domains|cannot be used/);
}

describe('the allowlist refuses look-alike origins', () => {
  it('answers every look-alike on bootstrap and session with SDK_ORIGIN_NOT_ALLOWED, creating no visitor', async () => {
    const before = await snapshot(kept.db());
    for (const origin of LOOK_ALIKES) {
      expectRefused(await api.call('GET', '/sdk/bootstrap?slug=acme', { headers: { origin } }), `bootstrap ${origin}`);
      expectRefused(await api.call('POST', '/sdk/session', { headers: { origin }, body: { slug: 'acme' } }), `session ${origin}`);
    }
    expect(await snapshot(kept.db())).toEqual(before);
  });

  it('refuses a Unicode IDN Origin that the URL parser turns into punycode', async () => {
    // A script can send raw Latin-1 bytes; `exämple.com` becomes xn--exmple-cua.com, not example.com.
    const res = await api.call('GET', '/sdk/bootstrap?slug=acme', { headers: { origin: 'https://ex\u00e4mple.com' } });
    expectRefused(res, 'idn');
    expect(isOriginAllowed('https://ex\u00e4mple.com', ['https://example.com'])).toBe(false);
    expect(isOriginAllowed('https://xn--exmple-cua.com', ['https://example.com'])).toBe(false);
    // An IDN entry matches its own punycode, which is what browsers send.
    expect(isOriginAllowed('https://xn--exmple-cua.com', ['https://ex\u00e4mple.com'])).toBe(true);
  });

  it('accepts the allowed origins however a client spells them: case and the default port', async () => {
    for (const origin of ['https://example.com', 'https://EXAMPLE.com', 'HTTPS://Example.Com', 'https://example.com:443', 'https://shop.example.com:8443', 'http://plain.example.org:80']) {
      const res = await api.call('GET', '/sdk/bootstrap?slug=acme', { headers: { origin } });
      expect(res.status, origin).toBe(200);
    }
  });
});

describe('wildcard entries', () => {
  it('match subdomains at any depth over the listed scheme and port, never the apex', async () => {
    for (const origin of ['https://a.wild.example', 'https://a.b.wild.example', 'https://A.WILD.EXAMPLE:443']) {
      expect((await api.call('GET', '/sdk/bootstrap?slug=wild', { headers: { origin } })).status, origin).toBe(200);
    }
    for (const origin of ['https://wild.example', 'http://a.wild.example', 'https://a.wild.example:8443', 'https://evilwild.example', 'https://a.wild.example.evil.test', 'https://a.wild.example.', 'https://wild.example.evil.test']) {
      expectRefused(await api.call('GET', '/sdk/bootstrap?slug=wild', { headers: { origin } }), origin);
      expectRefused(await api.call('POST', '/sdk/session', { headers: { origin }, body: { slug: 'wild' } }), origin);
    }
  });

  it('never let a wildcard swallow a whole TLD, an address range or a malformed entry', () => {
    for (const entry of ['https://*.com', 'https://*.127.0.0.1', 'https://*', 'https://*.', '*.example.com', 'https://a.*.example.com', 'https://*example.com', 'ftp://*.example.com']) {
      expect(parseOriginRule(entry), entry).toBeUndefined();
    }
    expect(isOriginAllowed('https://evil.com', ['https://*.com'])).toBe(false);
    expect(isOriginAllowed('https://x.example.com', ['https://a.*.example.com'])).toBe(false);
  });
});

describe('every browser-facing route and the socket', () => {
  it('refuses a valid token sent from a foreign origin, changing nothing', async () => {
    // Minted without Origin (a native app), so only the allowlist decides.
    const v = await api.visitorWithConversation();
    const sent = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/messages`, { token: v.token, body: { body: 'hello' } });
    const messageId = sent.body.data.message.messageId as string;
    const conv = `/chat/visitor/conversations/${v.conversationId}`;
    const routes: Array<[string, string, unknown?]> = [
      ['POST', '/chat/visitor/sessions', { visitor: { name: 'Mallory' } }],
      ['POST', '/chat/visitor/conversations', {}],
      ['GET', '/chat/visitor/conversations'],
      ['GET', conv],
      ['GET', `${conv}/messages`],
      ['POST', `${conv}/messages`, { body: 'from evil' }],
      ['PATCH', `${conv}/messages/${messageId}`, { body: 'edited by evil' }],
      ['DELETE', `${conv}/messages/${messageId}`],
      ['POST', `${conv}/call-links`, { service: 'video_call' }],
      ['GET', '/chat/visitor/availability'],
      ['GET', '/chat/visitor/tickets/open'],
      ['POST', `/chat/conversations/${v.conversationId}/messages/${messageId}/read`, {}],
      ['POST', `/chat/conversations/${v.conversationId}/messages/${messageId}/delivered`, {}],
      ['GET', '/ai/visitor/routing'],
      ['POST', '/ai/visitor/conversations', {}],
      ['POST', '/calls/sessions', { conversationId: v.conversationId, type: 'video' }],
      ['GET', '/calls/sessions/call_unknown'],
      ['PATCH', '/calls/sessions/call_unknown/end', { reason: 'hangup' }],
      ['POST', '/sdk/devices/push-token', { token: 'f'.repeat(40), provider: 'fcm' }],
      ['DELETE', '/sdk/devices/push-token', { token: 'f'.repeat(40) }],
    ];
    const before = await snapshot(kept.db());
    for (const origin of ['https://example.com.evil.test', 'null', 'http://example.com']) {
      for (const [method, path, body] of routes) {
        const res = await api.call(method, path, { token: v.token, headers: { origin }, ...(body !== undefined ? { body } : {}), raw: true });
        expectRefused(res, `${method} ${path} from ${origin}`);
      }
      const upload = new FormData();
      upload.append('file', new File([new Uint8Array([1, 2, 3])], 'a.txt', { type: 'text/plain' }));
      const up = await fetch(`${server.baseUrl}${conv}/attachments`, { method: 'POST', headers: { origin, 'X-Ringnity-SDK-Session': v.token }, body: upload });
      expectRefused({ status: up.status, body: (await up.json()) as Record<string, unknown> }, `upload from ${origin}`);
      const socket = await openSocket(server.baseUrl, { origin });
      track(socket);
      socket.send({ type: 'auth', token: v.token });
      expect(await socket.next(), `socket from ${origin}`).toMatchObject({ type: 'error', code: 'SDK_ORIGIN_NOT_ALLOWED' });
      expect((await socket.closed).code).toBe(4001);
    }
    expect(await snapshot(kept.db())).toEqual(before);
  });

  it('refuses a call link traded for a session from a foreign page', async () => {
    const v = await api.visitorWithConversation();
    const link = await api.call('POST', `/chat/visitor/conversations/${v.conversationId}/call-links`, { token: v.token, body: { service: 'video_call' } });
    expect(link.status).toBe(201);
    const url = String(link.body.data.callLink.url);
    const token = url.slice(url.indexOf('#') + 1);
    const foreign = await api.call('POST', '/calls/link-session', { headers: { origin: 'https://example.com.evil.test' }, body: { token }, raw: true });
    expectRefused(foreign, 'link-session');
    const own = await api.call('POST', '/calls/link-session', { headers: { origin: server.origin }, body: { token } });
    expect(own.status).toBe(201);
  });
});

describe('entries as CSP sources (the hosted chat page\'s frame-ancestors)', () => {
  it('keep wildcards as CSP wildcards and drop entries that match nothing', () => {
    expect(cspSourceOf('https://*.Example.com')).toBe('https://*.example.com');
    expect(cspSourceOf('https://example.com:443')).toBe('https://example.com');
    expect(cspSourceOf('https://shop.example.com:8443')).toBe('https://shop.example.com:8443');
    expect(cspSourceOf('https://ex\u00e4mple.com')).toBe('https://xn--exmple-cua.com');
    for (const entry of ["https://example.com; script-src 'unsafe-inline'", 'https://*.com', 'null', 'https://example.com/path']) {
      expect(cspSourceOf(entry), entry).toBeUndefined();
    }
  });
});
