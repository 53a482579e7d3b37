import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createMemoryStorage, createRuntime, type Runtime, type RuntimeOptions, type RuntimeStorage } from '../../../src/index.ts';
import { RuntimeError } from '../../../src/errors.ts';
import { createLogger } from '../../../src/lib/log.ts';
import { createOutbox, type OutboxEntry } from '../../../src/outbox.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { agentOf, type Agent } from './agent.ts';
import { until } from './fault-server.ts';
import { lockHub } from './tabs-fakes.ts';
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
  /** An outbox whose sends fail with `fault()` (a network error by default) while `down`. */
  function outboxOverOutage(fault = () => new RuntimeError('NETWORK_ERROR', 'fetch failed')) {
    const link = { down: true, tries: [] as string[], fault, sent: [] as string[] };
    const outbox = createOutbox({
      storage: createMemoryStorage(),
      log: createLogger(),
      async deliver(entry: OutboxEntry) {
        link.tries.push(entry.clientMessageId);
        if (link.down) throw link.fault();
        link.sent.push(entry.body);
      },
    });
    return { outbox, link };
  }
  const states = (outbox: ReturnType<typeof outboxOverOutage>['outbox']) => outbox.entries.value.map((e) => [e.body, e.state, e.error?.code]);

  it('turns a send failed with a retryable NETWORK_ERROR 2 minutes after its first attempt, and stops trying', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { outbox, link } = outboxOverOutage();
    await outbox.flush();
    const entry = await outbox.add('During the restart');
    await vi.advanceTimersByTimeAsync(119_000);
    expect(link.tries.length).toBeGreaterThan(5);
    expect(states(outbox)).toEqual([['During the restart', 'sending', undefined]]);

    await vi.advanceTimersByTimeAsync(1_000);
    expect(outbox.entries.value).toMatchObject([{ key: entry.key, state: 'failed', error: { code: 'NETWORK_ERROR', retryable: true } }]);
    // Nothing spins: no attempt after the verdict.
    const tries = link.tries.length;
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(link.tries).toHaveLength(tries);
    outbox.destroy();
  });

  it('resends failed messages by itself, with the same id and in order, when the connection is back', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { outbox, link } = outboxOverOutage();
    await outbox.flush();
    const first = await outbox.add('one');
    await outbox.add('two');
    await outbox.add('three');
    await vi.advanceTimersByTimeAsync(120_000);
    // Those queued behind the first fail with it: sending them first would reorder them.
    expect(states(outbox)).toEqual([
      ['one', 'failed', 'NETWORK_ERROR'],
      ['two', 'failed', 'NETWORK_ERROR'],
      ['three', 'failed', 'NETWORK_ERROR'],
    ]);

    link.down = false;
    // The socket is ready again (or the device is back online): the runtime flushes.
    await outbox.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.entries.value).toEqual([]);
    expect(link.sent).toEqual(['one', 'two', 'three']);
    expect(new Set(link.tries.slice(0, -2))).toEqual(new Set([first.clientMessageId]));
    outbox.destroy();
  });

  it('sends earlier failed messages before a new one the visitor types', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { outbox, link } = outboxOverOutage();
    await outbox.flush();
    await outbox.add('before the tunnel');
    await vi.advanceTimersByTimeAsync(120_000);
    expect(states(outbox)).toEqual([['before the tunnel', 'failed', 'NETWORK_ERROR']]);
    link.down = false;
    await outbox.add('after the tunnel');
    await vi.advanceTimersByTimeAsync(0);
    expect(link.sent).toEqual(['before the tunnel', 'after the tunnel']);
    outbox.destroy();
  });

  it.each([
    ['a validation error', new RuntimeError('VALIDATION_FAILED', 'body: too long', { status: 400 })],
    ['a refused origin', new RuntimeError('SDK_ORIGIN_NOT_ALLOWED', 'origin', { status: 403 })],
    ['a closed conversation', new RuntimeError('CONVERSATION_CLOSED', 'closed', { status: 409 })],
    ['a missing conversation', new RuntimeError('CONVERSATION_NOT_FOUND', 'gone', { status: 404 })],
  ])('never resends by itself a message refused with %s, only on retry()', async (_, refusal) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { outbox, link } = outboxOverOutage(() => refusal);
    await outbox.flush();
    const entry = await outbox.add('Refused');
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.entries.value).toMatchObject([{ state: 'failed', error: { code: refusal.code, retryable: false } }]);
    await outbox.flush();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(link.tries).toEqual([entry.clientMessageId]);

    link.down = false;
    outbox.retry(entry.key);
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.entries.value).toEqual([]);
    expect(link.tries).toEqual([entry.clientMessageId, entry.clientMessageId]);
    outbox.destroy();
  });

  it('waits out the server’s Retry-After before the next attempt, even when flushed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { outbox, link } = outboxOverOutage(() => new RuntimeError('RATE_LIMITED', 'Too many messages: try again in 20 s.', { status: 429, retryAfterMs: 20_000 }));
    await outbox.flush();
    await outbox.add('Slow down');
    await vi.advanceTimersByTimeAsync(0);
    expect(link.tries).toHaveLength(1);
    link.down = false;
    await outbox.flush();
    await vi.advanceTimersByTimeAsync(19_999);
    expect(link.tries).toHaveLength(1);
    expect(states(outbox)).toEqual([['Slow down', 'sending', undefined]]);
    await vi.advanceTimersByTimeAsync(1);
    expect(link.sent).toEqual(['Slow down']);
    outbox.destroy();
  });

  it('sends at once when flushed (the socket is back), without waiting out the backoff', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { outbox, link } = outboxOverOutage();
    await outbox.flush();
    await outbox.add('Back soon');
    await vi.advanceTimersByTimeAsync(60_000);
    link.down = false;
    await outbox.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.entries.value).toEqual([]);
    outbox.destroy();
  });
});

describe('a file’s message', () => {
  const attachment = {
    attachmentId: 'att-1',
    name: 'photo.png',
    size: 100,
    contentType: 'image/png',
    kind: 'image' as const,
    url: 'http://127.0.0.1:1/api/attachments/att-1',
    expiresAt: '2099-01-01T00:00:00.000Z',
  };

  it('is kept with its attachment across a reload, sent under the upload’s key, and queued once', async () => {
    const storage = createMemoryStorage();
    const first = createOutbox({ storage, log: createLogger(), deliver: () => Promise.reject(new RuntimeError('NETWORK_ERROR', 'down')) });
    await first.add('before');
    const queued = await first.add('', { key: 'upload-key', attachment });
    expect(await first.add('', { key: 'upload-key', attachment })).toBe(queued);
    expect(first.entries.value.map((e) => [e.key, e.messageType])).toEqual([
      [first.entries.value[0]!.key, 'text'],
      ['upload-key', 'image'],
    ]);
    first.destroy();

    const delivered: OutboxEntry[] = [];
    const second = createOutbox({ storage, log: createLogger(), deliver: async (entry) => void delivered.push(entry) });
    await second.flush();
    await vi.waitFor(() => expect(second.entries.value).toEqual([]));
    expect(delivered.map((e) => [e.body, e.clientMessageId === 'upload-key', e.messageType, e.attachment?.attachmentId])).toEqual([
      ['before', false, 'text', undefined],
      ['', true, 'image', 'att-1'],
    ]);
    second.destroy();
  });
});

describe('back online', () => {
  it('resends a message that failed after 2 minutes without network once the device is back online, with no socket to say so', async () => {
    const wake = new Set<() => void>();
    vi.stubGlobal('addEventListener', (type: string, fn: () => void) => type === 'online' && wake.add(fn));
    vi.stubGlobal('removeEventListener', () => undefined);
    try {
      const link = { down: false, ids: [] as string[] };
      const flaky: typeof fetch = async (input, init) => {
        const send = isSend(input, init);
        if (send) link.ids.push(await idOf(send));
        return send && link.down ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init);
      };
      const runtime = visitor({ fetch: flaky, realtime: false });
      const id = await withConversation(runtime);
      link.down = true;
      // Only the outbox's timers are pretend; the server and sockets run for real.
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const pending = await runtime.conversation.send('Sent in the lift');
      await vi.advanceTimersByTimeAsync(120_000);
      expect(runtime.conversation.messages.value[1]).toMatchObject({ state: 'failed', error: { code: 'NETWORK_ERROR', retryable: true } });

      link.down = false;
      for (const fn of wake) fn();
      await until(() => runtime.conversation.messages.value[1]?.state === 'sent');
      expect(new Set(link.ids.slice(1))).toEqual(new Set([pending.clientMessageId]));
      expect((await agent.messages(id)).map((m) => m.body)).toEqual(['Hi', 'Sent in the lift']);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('order', () => {
  it('sends an unconfirmed message before newer ones: the server’s order is the visitor’s send order', async () => {
    let sends = 0;
    // The first attempt of the first message is lost on the way; the second reaches the server
    // but its answer is lost; meanwhile three more are queued behind it.
    const faulty: typeof fetch = async (input, init) => {
      const send = isSend(input, init);
      if (!send) return fetch(input, init);
      const n = ++sends;
      if (n === 1) throw new TypeError('fetch failed');
      const response = await fetch(send);
      if (n === 2) throw new TypeError('fetch failed');
      return response;
    };
    const runtime = visitor({ fetch: faulty, realtime: false });
    await runtime.start();
    const typed = ['1', '2', '3', '4'];
    for (const body of typed) await runtime.conversation.send(body);
    await sent(runtime);
    const stored = await agent.messages(runtime.conversation.id.value!);
    expect(stored.map((m) => m.body)).toEqual(typed);
    expect(stored.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(bodies(runtime)).toEqual(typed);
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

describe('a closed tab’s sends (Web Locks)', () => {
  // Fakes for the browser's side: a lock manager whose tabs can die, and one shared storage.
  // The real server is not needed: what counts is which tab delivers what, and how often.
  function browser() {
    const hub = lockHub();
    const storage = createMemoryStorage();
    const delivered: Array<[tab: string, body: string]> = [];
    const outboxes: Array<ReturnType<typeof createOutbox>> = [];
    /** A tab's outbox; it only sends once `flush()`ed, so a tab never flushed just stores. */
    const tab = (name: string) => {
      const { locks, kill } = hub.tab();
      const outbox = createOutbox({ storage, locks, log: createLogger(), deliver: async (e) => void delivered.push([name, e.body]) });
      outboxes.push(outbox);
      return { outbox, kill };
    };
    return { storage, delivered, tab, destroy: () => outboxes.forEach((o) => o.destroy()) };
  }
  // Everything here (memory storage, the fake locks) settles in microtasks: one macrotask turn
  // is enough for whatever was going to happen to have happened.
  const settled = () => new Promise((resolve) => setImmediate(resolve));

  it('are sent by a tab that stays open once the closing tab’s lock is freed, once, in order, with no page load', async () => {
    const b = browser();
    const closing = b.tab('closing');
    const open = [b.tab('left'), b.tab('right')];
    await Promise.all(open.map((t) => t.outbox.flush()));
    // A burst within one millisecond: equal `sentAt`s, the order still kept.
    vi.useFakeTimers({ toFake: ['Date'] });
    for (const body of ['1', '2', '3']) await closing.outbox.add(body);
    // The tabs that stay open look again (a socket `ready`, `online`): the owner lives, so nothing is theirs.
    await Promise.all(open.map((t) => t.outbox.flush()));
    await settled();
    expect(b.delivered).toEqual([]);

    closing.kill();
    await vi.waitFor(() => expect(b.delivered.map(([, body]) => body)).toEqual(['1', '2', '3']));
    await settled();
    // One tab adopted all three; the other found them taken.
    expect(new Set(b.delivered.map(([tab]) => tab)).size).toBe(1);
    expect(b.delivered).toHaveLength(3);
    expect(await b.storage.get('outbox')).toEqual([]);
    b.destroy();
  });

  it('are found when the open tab looks again (flush) after the other tab stored them', async () => {
    const b = browser();
    const open = b.tab('open');
    await open.outbox.flush();
    const closing = b.tab('closing');
    await closing.outbox.add('late');
    closing.kill();
    await settled();
    // The open tab has not read storage since: nothing happens until it looks.
    expect(b.delivered).toEqual([]);
    await open.outbox.flush();
    await vi.waitFor(() => expect(b.delivered).toEqual([['open', 'late']]));
    b.destroy();
  });

  it('join the adopting tab’s waiting sends in `sentAt` order, shown as its pending messages', async () => {
    const b = browser();
    const closing = b.tab('closing');
    const open = b.tab('open');
    vi.useFakeTimers({ toFake: ['Date'] });
    await closing.outbox.add('old');
    vi.setSystemTime(Date.now() + 1);
    // Not started yet (its runtime is still loading): its own send waits.
    await open.outbox.add('new');
    closing.kill();
    await vi.waitFor(() => expect(open.outbox.entries.value.map((e) => [e.body, e.state])).toEqual([['old', 'sending'], ['new', 'sending']]));
    await open.outbox.flush();
    await vi.waitFor(() => expect(b.delivered).toEqual([['open', 'old'], ['open', 'new']]));
    b.destroy();
  });

  it('adopts entries stored before owners were recorded (an older version) at once', async () => {
    const b = browser();
    await b.storage.set('outbox', [{ clientMessageId: 'legacy-1', body: 'from before', sentAt: '2026-01-01T00:00:00.000Z' }]);
    const open = b.tab('open');
    await open.outbox.flush();
    await vi.waitFor(() => expect(b.delivered).toEqual([['open', 'from before']]));
    b.destroy();
  });

  it('leaves a live tab’s sends to it: a page load of the site does not send them too', async () => {
    const b = browser();
    const owner = b.tab('owner');
    await owner.outbox.add('mine');
    const loaded = b.tab('loaded');
    await loaded.outbox.flush();
    await owner.outbox.flush();
    await vi.waitFor(() => expect(b.delivered).toEqual([['owner', 'mine']]));
    await settled();
    expect(b.delivered).toEqual([['owner', 'mine']]);
    b.destroy();
  });

  it('are left to the other tabs at once when the page goes away (`pagehide`, maybe into the back/forward cache)', async () => {
    const hide = new Set<() => void>();
    vi.stubGlobal('addEventListener', (type: string, fn: () => void) => type === 'pagehide' && hide.add(fn));
    vi.stubGlobal('removeEventListener', () => undefined);
    try {
      const b = browser();
      const leaving = b.tab('leaving');
      const open = b.tab('open');
      await open.outbox.flush();
      await leaving.outbox.add('typed before leaving');
      await settled();
      expect(b.delivered).toEqual([]);
      for (const fn of hide) fn();
      await open.outbox.flush();
      await vi.waitFor(() => expect(b.delivered).toEqual([['open', 'typed before leaving']]));
      b.destroy();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('are adopted when a tab’s runtime is destroyed (its lock is freed) while the page lives on', async () => {
    const b = browser();
    const gone = b.tab('gone');
    const open = b.tab('open');
    await open.outbox.flush();
    await gone.outbox.add('left behind');
    gone.outbox.destroy();
    await open.outbox.flush();
    await vi.waitFor(() => expect(b.delivered).toEqual([['open', 'left behind']]));
    b.destroy();
  });
});
