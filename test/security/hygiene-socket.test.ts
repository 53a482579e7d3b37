/**
 * Review finding L6 (issue 8): the realtime socket keeps the HTTP rules. An agent token opens a
 * socket only from the server's own origin (or without `Origin`); the upgrade is refused for a
 * forged `Host` (421) and counts against the per-IP `requests` limit (429 + `Retry-After`); one
 * visitor or agent holds at most 20 sockets (then `RATE_LIMITED`, close 4008). The widget from
 * an allowed origin and the console from the server's own origin still connect.
 */
import { request } from 'node:http';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CLOSE_CODES, type ServerFrame } from '../../src/contract/extensions.ts';
import { useContractServer } from '../contract/support.ts';
import { type TestSocket, connect, openSocket, trackSockets } from '../contract/socket.ts';

const A = 'https://a.example';

interface UpgradeAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: { success?: boolean; code?: string; message?: string };
}

/** Sends a WebSocket upgrade request with `headers`; resolves with the HTTP answer (101 or a refusal). */
function rawUpgrade(baseUrl: string, headers: Record<string, string> = {}): Promise<UpgradeAnswer> {
  const url = new URL(`${baseUrl}/realtime`);
  return new Promise((resolve, reject) => {
    const req = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, json: {} });
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text ? (JSON.parse(text) as UpgradeAnswer['json']) : {} }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a socket, sends `token` and resolves with the first frame and how the socket ended (if it did). */
async function tryAuth(baseUrl: string, token: string, headers: Record<string, string> = {}): Promise<{ frame: ServerFrame; socket: TestSocket }> {
  const socket = await openSocket(baseUrl, headers);
  socket.send({ type: 'auth', token });
  return { frame: await socket.next(), socket };
}

describe('agent tokens on the socket', () => {
  const { server, api } = useContractServer({ allowedOrigins: [A] });
  const track = trackSockets('suite');

  it('are refused from any origin but the server\'s own, even one the tenant allows, with SDK_ORIGIN_NOT_ALLOWED and 4001', async () => {
    const token = await api.agentToken();
    for (const origin of [A, 'https://evil.example', 'null', `http://localhost:${server.port + 1}`]) {
      const { frame, socket } = await tryAuth(server.baseUrl, token, { origin });
      expect(frame, origin).toMatchObject({ type: 'error', code: 'SDK_ORIGIN_NOT_ALLOWED' });
      expect((frame as { message: string }).message, origin).toMatch(/own origin/);
      expect((await socket.closed).code, origin).toBe(CLOSE_CODES.tokenInvalid);
    }
  });

  it('still connect from the server\'s own origin (the console) and without Origin (a server-side client)', async () => {
    const token = await api.agentToken();
    track(await connect(server.baseUrl, token, { origin: server.origin }));
    track(await connect(server.baseUrl, token, { origin: `http://localhost:${server.port}`, host: `localhost:${server.port}` }));
    track(await connect(server.baseUrl, token));
  });

  it('leave visitors as they were: the widget from an allowed origin connects, a foreign one is refused', async () => {
    const session = await api.call('POST', '/sdk/session', { headers: { origin: A }, body: { slug: server.slug } });
    const token = session.body.data.sessionToken as string;
    track(await connect(server.baseUrl, token, { origin: A }));
    const { frame, socket } = await tryAuth(server.baseUrl, token, { origin: 'https://evil.example' });
    expect(frame).toMatchObject({ type: 'error', code: 'SDK_ORIGIN_NOT_ALLOWED' });
    expect((await socket.closed).code).toBe(CLOSE_CODES.tokenInvalid);
  });
});

describe('the upgrade request', () => {
  let now = 1_000_000;
  const { server } = useContractServer({ rateLimits: { requests: { burst: 3, perMinute: 6 } }, rateLimitClock: () => now, trustProxy: true });

  it('is refused with 421 HOST_NOT_ALLOWED for a Host the server does not answer to, and upgraded for its own names', async () => {
    for (const host of ['evil.test', `evil.test:${server.port}`, 'localhost.evil.test']) {
      const res = await rawUpgrade(server.baseUrl, { host, 'x-forwarded-for': `10.0.0.${host.length}` });
      expect([res.status, res.json.success, res.json.code], host).toEqual([421, false, 'HOST_NOT_ALLOWED']);
      expect(res.json.message, host).toMatch(/does not answer to the host/);
    }
    const res = await rawUpgrade(server.baseUrl, { host: `localhost:${server.port}`, 'x-forwarded-for': '10.0.1.1' });
    expect(res.status).toBe(101);
  });

  it('takes a token from the per-IP requests limit: past it, 429 RATE_LIMITED with Retry-After; another address is unaffected', async () => {
    const ip = { 'x-forwarded-for': '10.0.2.1' };
    for (let i = 0; i < 3; i++) expect((await rawUpgrade(server.baseUrl, ip)).status, `upgrade ${i + 1}`).toBe(101);
    const refused = await rawUpgrade(server.baseUrl, ip);
    expect([refused.status, refused.json.success, refused.json.code]).toEqual([429, false, 'RATE_LIMITED']);
    expect(refused.json.message).toMatch(/try again in 10 s/);
    expect(refused.headers['retry-after']).toBe('10');
    // Sockets and requests share the bucket: an HTTP request from that address is refused too.
    const http = await fetch(`${server.baseUrl}/sdk/health`, { headers: ip });
    expect(http.status).toBe(429);
    expect((await rawUpgrade(server.baseUrl, { 'x-forwarded-for': '10.0.2.2' })).status).toBe(101);
    now += 10_000;
    expect((await rawUpgrade(server.baseUrl, ip)).status).toBe(101);
  });
});

describe('sockets per subject', () => {
  const { server, api } = useContractServer();
  const open: TestSocket[] = [];
  afterAll(() => {
    for (const s of open) s.close();
  });

  it('are capped at 20: the 21st gets RATE_LIMITED and 4008; closing one frees a place; others are not affected', async () => {
    const visitor = await api.newVisitor();
    for (let i = 0; i < 20; i++) open.push(await connect(server.baseUrl, visitor.token));
    const { frame, socket } = await tryAuth(server.baseUrl, visitor.token);
    expect(frame).toMatchObject({ type: 'error', code: 'RATE_LIMITED' });
    expect((frame as { message: string }).message).toMatch(/at most 20/);
    expect((await socket.closed).code).toBe(CLOSE_CODES.slowConsumer);

    // Someone else (another visitor, the agent) still connects.
    open.push(await connect(server.baseUrl, (await api.newVisitor()).token));
    open.push(await connect(server.baseUrl, await api.agentToken()));

    const first = open[0]!;
    first.close();
    await first.closed;
    // The server counts the socket gone when its own side closes, just after the client's.
    open.push(await vi.waitFor(() => connect(server.baseUrl, visitor.token)));
  });
});
