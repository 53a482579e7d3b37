/**
 * Review findings L1 and L2: links, redirects and the own-origin exemption are built from the
 * request's `Host`, so the server answers only to hosts it knows (`PUBLIC_ORIGIN`, loopback, its
 * bind address). A forged `Host` gets 421 with the error envelope, before any route runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type RunningServer } from '../../demo/server/app.ts';
import { useContractServer } from '../contract/support.ts';
import { PNG } from '../contract/fixtures/files.ts';
import { keepDatabase, snapshot } from './idor-support.ts';
import { rawRequest } from './origins-support.ts';

const A = 'https://a.example';
const kept = keepDatabase();

const { server, api } = useContractServer({ allowedOrigins: [A], seed: kept.seed });

const port = () => new URL(server.baseUrl).port;
const apiPath = (path: string) => `${new URL(server.baseUrl).pathname.replace(/\/$/, '')}${path}`;

function expectForeignHost(res: { status: number; json: { success?: boolean; code?: string; message?: string } }, label: string) {
  expect([res.status, res.json.success, res.json.code], label).toEqual([421, false, 'HOST_NOT_ALLOWED']);
  expect(res.json.message, label).toMatch(/does not answer to the host .*PUBLIC_ORIGIN/);
}

describe('a forged Host', () => {
  it('gets no files-origin redirect, and so no signed link on the attacker\'s host', async () => {
    const v = await api.visitorWithConversation();
    const up = await api.upload(`/chat/visitor/conversations/${v.conversationId}/attachments/upload`, v.token, { name: 'a.png', type: 'image/png', bytes: PNG });
    const link = new URL(up.body.data.attachment.url as string);
    const path = `${link.pathname}${link.search}`;
    for (const host of ['evil.test', `evil.test:${port()}`, 'evil.test:1', '127.0.0.1.evil.test', 'localhost.evil.test']) {
      const res = await rawRequest(server.baseUrl, 'GET', path, { host });
      expectForeignHost(res, host);
      expect(res.headers.location, host).toBeUndefined();
      expect(res.text, host).not.toContain(link.searchParams.get('sig') ?? '?');
    }
    // The server's own names still redirect, to the files port of the name used.
    for (const host of [`localhost:${port()}`, `127.0.0.1:${port()}`]) {
      const res = await rawRequest(server.baseUrl, 'GET', path, { host });
      expect(res.status, host).toBe(307);
      expect(new URL(String(res.headers.location)).hostname, host).toBe(host.split(':')[0]);
    }
  });

  it('cannot make a token bound to A work without Origin by naming A as the Host (L1), and changes nothing', async () => {
    const session = await api.call('POST', '/sdk/session', { headers: { origin: A }, body: { slug: 'acme' } });
    const token = session.body.data.sessionToken as string;
    const before = await snapshot(kept.db());
    for (const host of ['a.example', 'a.example:443']) {
      const read = await rawRequest(server.baseUrl, 'GET', apiPath('/chat/visitor/conversations'), { host, 'x-ringnity-sdk-session': token });
      expectForeignHost(read, `read with Host ${host}`);
      const write = await rawRequest(server.baseUrl, 'POST', apiPath('/chat/visitor/conversations'), { host, 'x-ringnity-sdk-session': token, 'content-type': 'application/json' }, '{}');
      expectForeignHost(write, `write with Host ${host}`);
    }
    // With one of the server's own hosts, no Origin is still refused: A is not this server.
    const own = await rawRequest(server.baseUrl, 'GET', apiPath('/chat/visitor/conversations'), { host: `localhost:${port()}`, 'x-ringnity-sdk-session': token });
    expect([own.status, own.json.code]).toEqual([403, 'SDK_ORIGIN_NOT_ALLOWED']);
    expect(await snapshot(kept.db())).toEqual(before);
  });

  it('is refused on pages too (DNS rebinding onto the console or the hosted chat page)', async () => {
    for (const path of ['/console/', '/chat/acme', '/']) {
      expectForeignHost(await rawRequest(server.baseUrl, 'GET', path, { host: 'rebind.evil.test' }), path);
    }
  });
});

describe('PUBLIC_ORIGIN', () => {
  let running: RunningServer;
  beforeAll(async () => {
    running = await createServer({ port: 0, dataDir: 'memory://', log: false, publicOrigins: ['https://chat.example.test'] });
  });
  afterAll(() => running?.close());

  it('answers the configured host and loopback, and refuses every other name', async () => {
    const health = (host: string) => rawRequest(running.url, 'GET', '/api/sdk/health', { host });
    expect((await health('chat.example.test')).status).toBe(200);
    expect((await health('CHAT.example.test:443')).status).toBe(200);
    expect((await health(`127.0.0.1:${running.port}`)).status).toBe(200);
    expectForeignHost(await health('example.test'), 'parent domain');
    expectForeignHost(await health('chat.example.test.evil.test'), 'suffix');
  });
});
