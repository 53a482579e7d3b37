import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createMemoryStorage, createRuntime, type Runtime, type RuntimeOptions, type RuntimeStorage } from '../../../src/index.ts';
import { RuntimeError } from '../../../src/errors.ts';
import { createLogger } from '../../../src/lib/log.ts';
import { createOutbox, type OutboxEntry } from '../../../src/outbox.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { agentOf, type Agent } from './agent.ts';
import { bodies } from './visitor.ts';

// The outbox seen from the visitor's side, against the real server. Faults are injected in
// `fetch` only: the request reaches the real server, and the answer is lost or never comes.

let server: TestServer;
let agent: Agent;
const runtimes: Runtime[] = [];
beforeAll(async () => {
  server = await startTestServer({ log: false });
  agent = await agentOf(server);
});
afterEach(() => {
  vi.useRealTimers();
  for (const runtime of runtimes.splice(0)) runtime.destroy();
});
afterAll(() => server.close());

const visitor = (options: Partial<RuntimeOptions> = {}) => {
  const runtime = createRuntime({ baseUrl: server.baseUrl, slug: server.slug, WebSocket, storage: createMemoryStorage(), ...options });
  runtimes.push(runtime);
  return runtime;
};
/** The request when it sends a visitor message (ky passes a Request; re-wrapping it would use up its body). */
const isSend = (input: RequestInfo | URL, init?: RequestInit) => {
  const request = input instanceof Request ? input : new Request(input, init);
  return request.method === 'POST' && /\/chat\/visitor\/conversations\/[^/]+\/messages$/.test(new URL(request.url).pathname) ? request : null;
};
const idOf = async (request: Request) => ((await request.clone().json()) as { clientMessageId: string }).clientMessageId;
// Long enough for the outbox's own backoff (up to 1 s, then 2 s) between attempts.
const sent = (runtime: Runtime) =>
  vi.waitFor(() => expect(runtime.conversation.messages.value.every((m) => m.state === 'sent')).toBe(true), { timeout: 8_000 });
/** A conversation whose id we know, so faults can target its sends. */
async function withConversation(runtime: Runtime) {
  await runtime.start();
  await runtime.conversation.send('Hi');
  await sent(runtime);
  return runtime.conversation.id.value!;
}

describe('outbox', () => {
  /** A fetch that passes everything on, but loses the answers to the next `lose()` sends after the server stored them. */
  function lossyFetch() {
    const attempts: string[] = [];
    let losses = 0;
    const lossy: typeof fetch = async (input, init) => {
      const send = isSend(input, init);
      if (!send) return fetch(input, init);
      attempts.push(await idOf(send));
      const response = await fetch(send);
      if (losses-- > 0) throw new TypeError('fetch failed');
      return response;
    };
    return { lossy, attempts, lose: (n: number) => void ((losses = n), (attempts.length = 0)) };
  }

  it('retries with the same clientMessageId when the answer was lost, and the server keeps one message', async () => {
    const { lossy, attempts, lose } = lossyFetch();
    // No socket: only the retry can tell the visitor the message arrived.
    const runtime = visitor({ fetch: lossy, realtime: false });
    const id = await withConversation(runtime);
    lose(2);
    const pending = await runtime.conversation.send('Is the tent waterproof?');
    await sent(runtime);
    expect(attempts).toEqual([pending.clientMessageId, pending.clientMessageId, pending.clientMessageId]);
    expect((await agent.messages(id)).filter((m) => m.body === 'Is the tent waterproof?')).toHaveLength(1);
    expect(runtime.conversation.messages.value.map((m) => m.body)).toEqual(['Hi', 'Is the tent waterproof?']);
    expect(runtime.conversation.messages.value[1]!.key).toBe(pending.key);
  });

  it('takes the socket frame as confirmation when the answer was lost, without sending again', async () => {
    const { lossy, attempts, lose } = lossyFetch();
    const runtime = visitor({ fetch: lossy });
    const id = await withConversation(runtime);
    await vi.waitFor(() => expect(runtime.status.value).toBe('connected'));
    lose(1);
    const pending = await runtime.conversation.send('Do you have it in green?');
    await sent(runtime);
    expect(attempts).toEqual([pending.clientMessageId]);
    expect((await agent.messages(id)).map((m) => m.body)).toEqual(['Hi', 'Do you have it in green?']);
  });

  it('stores a message before its first attempt', async () => {
    const events: string[] = [];
    const memory = createMemoryStorage();
    const storage: RuntimeStorage = {
      ...memory,
      async set(key, value) {
        await memory.set(key, value);
        if (key === 'acme:outbox') events.push(`stored ${(value as Array<{ body: string }>).map((e) => e.body).join('|')}`);
      },
    };
    const watching: typeof fetch = async (input, init) => {
      const send = isSend(input, init);
      if (send) events.push(`sent ${((await send.clone().json()) as { body: string }).body}`);
      return fetch(input, init);
    };
    const runtime = visitor({ storage, fetch: watching });
    await runtime.start();
    await runtime.conversation.send('Order #123?');
    await sent(runtime);
    expect(events).toEqual(['stored Order #123?', 'sent Order #123?', 'stored ']);
  });

  it('sends after a reload what was pending when the page closed, once', async () => {
    const storage = createMemoryStorage();
    let firstPageSends = 0;
    // On the first page the send reaches the server but the page closes before the answer.
    const closingPage: typeof fetch = async (input, init) => {
      const send = isSend(input, init);
      if (!send) return fetch(input, init);
      firstPageSends++;
      await fetch(send);
      return new Promise<Response>(() => undefined);
    };
    const first = visitor({ storage, fetch: closingPage, realtime: false });
    await first.start();
    await first.conversation.send('Where is my order?');
    await vi.waitFor(() => expect(firstPageSends).toBe(1));
    expect(first.conversation.messages.value[0]!.state).toBe('sending');
    const pendingKey = first.conversation.messages.value[0]!.key;
    first.destroy();

    const second = visitor({ storage });
    await second.start();
    await sent(second);
    expect(second.conversation.messages.value.map((m) => [m.body, m.key])).toEqual([['Where is my order?', pendingKey]]);
    expect((await agent.messages(second.conversation.id.value!)).map((m) => m.body)).toEqual(['Where is my order?']);
    expect(await storage.get('acme:outbox')).toEqual([]);
  });

  it('sends after a reload a message that never left the first page', async () => {
    const storage = createMemoryStorage();
    const offline: typeof fetch = (input, init) => (isSend(input, init) ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init));
    const first = visitor({ storage, fetch: offline, realtime: false });
    await first.start();
    await first.conversation.send('Hello from the train');
    first.destroy();

    const second = visitor({ storage });
    await second.start();
    await sent(second);
    expect((await agent.messages(second.conversation.id.value!)).map((m) => m.body)).toEqual(['Hello from the train']);
  });

  it('marks a send failed after a permanent error, and sends it on retry with the same id', async () => {
    let reject = false;
    const ids: string[] = [];
    const refusing: typeof fetch = async (input, init) => {
      const send = isSend(input, init);
      if (send) ids.push(await idOf(send));
      if (send && reject) {
        const envelope = { success: false, code: 'VALIDATION_FAILED', message: 'body: too long' };
        return new Response(JSON.stringify(envelope), { status: 400, headers: { 'content-type': 'application/json' } });
      }
      return fetch(input, init);
    };
    const runtime = visitor({ fetch: refusing });
    const id = await withConversation(runtime);
    reject = true;
    const pending = await runtime.conversation.send('Second');
    await vi.waitFor(() => expect(runtime.conversation.messages.value[1]).toMatchObject({ state: 'failed', error: { code: 'VALIDATION_FAILED' } }));

    reject = false;
    await runtime.conversation.retry(pending.key);
    await sent(runtime);
    expect(ids.slice(-2)).toEqual([pending.clientMessageId, pending.clientMessageId]);
    expect((await agent.messages(id)).map((m) => m.body)).toEqual(['Hi', 'Second']);
  });

  it('keeps messages sent before start() and sends them, in order, once started', async () => {
    const runtime = visitor();
    await runtime.conversation.send('one');
    await runtime.conversation.send('two');
    expect(runtime.conversation.messages.value.map((m) => m.state)).toEqual(['sending', 'sending']);
    await runtime.start();
    await sent(runtime);
    expect(runtime.conversation.messages.value.map((m) => [m.body, m.seq])).toEqual([
      ['one', 1],
      ['two', 2],
    ]);
  });

  it('shows a burst of sends once each, in the order typed', async () => {
    const runtime = visitor();
    await runtime.start();
    const typed = ['a', 'b', 'c', 'd', 'e'];
    await Promise.all(typed.map((body) => runtime.conversation.send(body)));
    await sent(runtime);
    await vi.waitFor(() => expect(runtime.status.value).toBe('connected'));
    const messages = runtime.conversation.messages.value;
    expect(messages.map((m) => m.body)).toEqual(typed);
    expect(messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(messages.map((m) => m.key)).size).toBe(5);
  });
});

describe('closed conversations', () => {
  it('starts a new conversation for the next send once the agent closed it (live update)', async () => {
    const runtime = visitor();
    const first = await withConversation(runtime);
    await vi.waitFor(() => expect(runtime.status.value).toBe('connected'));
    await agent.close(first);
    await vi.waitFor(() => expect(runtime.conversation.info.value?.status).toBe('closed'));
    await runtime.conversation.send('One more question');
    await sent(runtime);
    expect(runtime.conversation.id.value).not.toBe(first);
    expect(runtime.conversation.messages.value.map((m) => m.body)).toEqual(['One more question']);
  });

  it('starts a new conversation when a send finds it closed (no socket to say so)', async () => {
    const runtime = visitor({ realtime: false });
    const first = await withConversation(runtime);
    await agent.close(first);
    await runtime.conversation.send('Are you there?');
    await sent(runtime);
    expect(runtime.conversation.id.value).not.toBe(first);
    expect((await agent.messages(runtime.conversation.id.value!)).map((m) => m.body)).toEqual(['Are you there?']);
  });
});

describe('outages', () => {
  /** An outbox whose sends fail with a network error while `down`. */
  function outboxOverOutage() {
    const link = { down: true, tries: [] as string[] };
    const outbox = createOutbox({
      storage: createMemoryStorage(),
      log: createLogger(),
      async deliver(entry: OutboxEntry) {
        link.tries.push(entry.clientMessageId);
        if (link.down) throw new RuntimeError('NETWORK_ERROR', 'fetch failed');
      },
    });
    return { outbox, link };
  }

  it('keeps retrying through an outage of minutes (a server restart), and sends without a click once it is over', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { outbox, link } = outboxOverOutage();
    await outbox.flush();
    const entry = await outbox.add('During the restart');
    for (let minute = 0; minute < 3; minute++) await vi.advanceTimersByTimeAsync(60_000);
    expect(link.tries.length).toBeGreaterThan(5);
    expect(outbox.entries.value).toMatchObject([{ key: entry.key, state: 'sending' }]);

    link.down = false;
    // The backoff is capped at 30 s.
    await vi.advanceTimersByTimeAsync(30_000);
    expect(outbox.entries.value).toEqual([]);
    expect(new Set(link.tries)).toEqual(new Set([entry.clientMessageId]));
    outbox.destroy();
  });

  it('sends at once when flushed (the socket is back), without waiting out the backoff', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { outbox, link } = outboxOverOutage();
    await outbox.flush();
    await outbox.add('Back soon');
    for (let minute = 0; minute < 3; minute++) await vi.advanceTimersByTimeAsync(60_000);
    link.down = false;
    await outbox.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.entries.value).toEqual([]);
    outbox.destroy();
  });
});

describe('two tabs', () => {
  it('keeps the pending sends of both tabs in the shared storage, and a later page sends both', async () => {
    const storage = createMemoryStorage();
    const offline: typeof fetch = (input, init) => (isSend(input, init) ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init));
    const tabA = visitor({ storage, fetch: offline, realtime: false });
    await tabA.start();
    // Tab B loads before either tab has anything pending.
    const tabB = visitor({ storage, fetch: offline, realtime: false });
    await tabB.start();
    await tabA.conversation.send('From tab A');
    await tabB.conversation.send('From tab B');
    tabA.destroy();
    tabB.destroy();

    const later = visitor({ storage });
    await later.start();
    await vi.waitFor(() => expect(bodies(later)).toEqual(['From tab A', 'From tab B']));
    await sent(later);
    expect((await agent.messages(later.conversation.id.value!)).map((m) => m.body)).toEqual(['From tab A', 'From tab B']);
  });
});
