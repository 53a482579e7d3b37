import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { ClientFrame, ServerFrame } from '../../../src/contract/extensions.ts';
import { createMemoryStorage, createRuntime, type Runtime, type RuntimeOptions } from '../../../src/index.ts';
import { useTestServer } from '../../helpers/server.ts';
import { agentOf, type Agent } from './agent.ts';
import { bodies } from './visitor.ts';

// A session token expiring while the visitor is busy: against the real server, with the expiry
// injected in `fetch` (requests with the old token are answered TOKEN_EXPIRED, as the server
// would once its clock passes the token's `exp`) or for real with a 2 s session lifetime.

const runtimes: Runtime[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const runtime of runtimes.splice(0)) runtime.destroy();
});

/** The real `ws` client, recording what each socket sent and got. */
function recordingSockets() {
  const sockets: Array<{ sent: ClientFrame[]; got: ServerFrame[] }> = [];
  class Recording extends WebSocket {
    constructor(url: string) {
      super(url);
      const log = { sent: [] as ClientFrame[], got: [] as ServerFrame[] };
      sockets.push(log);
      const send = this.send.bind(this);
      this.send = ((data: string) => {
        log.sent.push(JSON.parse(data) as ClientFrame);
        send(data);
      }) as typeof this.send;
      this.on('message', (data) => log.got.push(JSON.parse(String(data)) as ServerFrame));
    }
  }
  return { sockets, Recording };
}

const tokenOf = (input: RequestInfo | URL, init?: RequestInit) =>
  input instanceof Request ? input.headers.get('x-ringnity-sdk-session') : new Headers(init?.headers).get('x-ringnity-sdk-session');
const urlOf = (input: RequestInfo | URL) => (input instanceof Request ? input.url : String(input));

describe('token expiry under load', () => {
  const server = useTestServer({ log: false });

  it('50 requests in flight when the token expires cause one /sdk/session call, all 50 succeed, and the socket re-authenticates in-band', async () => {
    let expired: string | null = null;
    let sessionCalls = 0;
    let rejected = 0;
    const expiring: typeof fetch = async (input, init) => {
      if (urlOf(input).endsWith('/sdk/session')) sessionCalls++;
      if (expired && tokenOf(input, init) === expired) {
        rejected++;
        // The first rejections land before the renewal is done, the rest after it.
        await new Promise((resolve) => setImmediate(resolve));
        return Response.json({ success: false, code: 'TOKEN_EXPIRED', message: 'The session token has expired.' }, { status: 401 });
      }
      return fetch(input, init);
    };
    const { sockets, Recording } = recordingSockets();
    const runtime = createRuntime({ baseUrl: server.baseUrl, slug: server.slug, WebSocket: Recording, fetch: expiring, storage: createMemoryStorage() });
    runtimes.push(runtime);
    await runtime.start();
    await vi.waitFor(() => expect(runtime.status.value).toBe('connected'));
    await runtime.conversation.send('Before the expiry');
    await vi.waitFor(() => expect(runtime.conversation.messages.value[0]?.state).toBe('sent'));
    const oldToken = (sockets[0]!.sent[0] as { token: string }).token;

    // Time passes (the server signs in whole seconds: a token minted in the same second would
    // be the very same string), and the old token is now refused.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 5_000);
    expired = oldToken;
    sessionCalls = 0;
    const lists = await Promise.all(Array.from({ length: 50 }, () => runtime.conversations.list()));

    expect(rejected).toBe(50);
    expect(sessionCalls).toBe(1);
    expect(lists.every((list) => list.length === 1)).toBe(true);
    // The open socket was handed the new token and kept: no reconnect.
    await vi.waitFor(() => expect(sockets[0]!.got.some((f) => f.type === 'auth.renewed')).toBe(true));
    const auths = sockets[0]!.sent.filter((f): f is Extract<ClientFrame, { type: 'auth' }> => f.type === 'auth');
    expect(auths).toHaveLength(2);
    expect(auths[1]!.token).not.toBe(oldToken);
    expect(sockets).toHaveLength(1);
    expect(runtime.status.value).toBe('connected');
  });
});

describe('a 2 s session lifetime (real expiry)', () => {
  const server = useTestServer({ log: false, sessionTtlSeconds: 2 });
  let agent: Agent;
  beforeAll(async () => {
    agent = await agentOf(server);
  });

  const visitor = (options: Partial<RuntimeOptions>) => {
    const runtime = createRuntime({ baseUrl: server.baseUrl, slug: server.slug, storage: createMemoryStorage(), ...options });
    runtimes.push(runtime);
    return runtime;
  };

  it('keeps one socket across renewals and loses no send of a burst that spans them', async () => {
    const { sockets, Recording } = recordingSockets();
    const runtime = visitor({ WebSocket: Recording });
    await runtime.start();
    await vi.waitFor(() => expect(runtime.status.value).toBe('connected'));
    // Sends, each answered by the agent, until the token has been renewed twice on the socket
    // (renewal at 80 % of 2 s): the burst spans both renewals and the old tokens' expiry.
    const typed: string[] = [];
    const renewals = () => sockets[0]!.got.filter((f) => f.type === 'auth.renewed').length;
    while (renewals() < 2 && typed.length < 500) {
      const body = `burst ${typed.push(`burst ${typed.length + 1}`)}`;
      await runtime.conversation.send(body);
      await vi.waitFor(() => expect(runtime.conversation.messages.value.at(-1)?.state).toBe('sent'));
      await agent.send(runtime.conversation.id.value!, `ack ${body}`);
      await vi.waitFor(() => expect(bodies(runtime).at(-1)).toBe(`ack ${body}`), { timeout: 2_000 });
    }
    expect(renewals()).toBe(2);
    expect(sockets).toHaveLength(1);
    expect(runtime.status.value).toBe('connected');
    const stored = await agent.messages(runtime.conversation.id.value!);
    expect(stored.filter((m) => m.senderType === 'visitor').map((m) => m.body)).toEqual(typed);
  }, 30_000);
});
