import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createMemoryStorage, createRuntime, type Runtime } from '../../../src/index.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { agentOf, type Agent } from './agent.ts';
import { closedPortUrl } from './fault-server.ts';

// Messages sent while the visitor's socket is down are not replayed by the server; the runtime
// reads them after it reconnects (`after` = highest seq it holds). Against the real server.

let server: TestServer;
let agent: Agent;
let nowhere: string;
let runtime: Runtime | undefined;
const wake = new Map<string, Set<() => void>>();

/** The real `ws` client, except that while `gate.open` is false it dials a port nobody listens on. */
const gate = { open: true, httpUp: false, sockets: [] as WebSocket[] };
class GatedWebSocket extends WebSocket {
  constructor(url: string) {
    super(gate.open ? url : nowhere);
    gate.sockets.push(this);
  }
}

beforeAll(async () => {
  server = await startTestServer({ log: false });
  agent = await agentOf(server);
  nowhere = (await closedPortUrl()).replace(/^http/, 'ws');
  // Node has no `online` event: stand in for the browser's, so the test can say "back online".
  vi.stubGlobal('addEventListener', (type: string, listener: () => void) => wake.set(type, (wake.get(type) ?? new Set()).add(listener)));
  vi.stubGlobal('removeEventListener', () => undefined);
});
afterEach(() => {
  runtime?.destroy();
  wake.clear();
  gate.open = true;
  gate.httpUp = false;
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await server.close();
});

// HTTP goes down with the socket while the gate is shut, unless `gate.httpUp`.
let failedSends = 0;
const gatedFetch: typeof fetch = (input, init) => {
  if (gate.open || gate.httpUp) return fetch(input, init);
  failedSends++;
  return Promise.reject(new TypeError('fetch failed'));
};

async function connectedVisitor() {
  failedSends = 0;
  runtime = createRuntime({ baseUrl: server.baseUrl, slug: server.slug, WebSocket: GatedWebSocket, fetch: gatedFetch, storage: createMemoryStorage() });
  await runtime.start();
  await runtime.conversation.send('Hello');
  await vi.waitFor(() => expect(runtime!.conversation.messages.value[0]?.state).toBe('sent'));
  await vi.waitFor(() => expect(runtime!.status.value).toBe('connected'));
  return { runtime, id: runtime.conversation.id.value! };
}

/** Drops the socket (and HTTP, unless `httpUp`) and keeps it down until `reconnect()`. */
async function disconnect(runtime: Runtime, httpUp = false) {
  gate.open = false;
  gate.httpUp = httpUp;
  gate.sockets.at(-1)!.terminate();
  await vi.waitFor(() => expect(runtime.status.value).toBe('reconnecting'));
  return () => {
    gate.open = true;
    for (const listener of wake.get('online') ?? []) listener();
  };
}
const bodies = (runtime: Runtime) => runtime.conversation.messages.value.map((m) => m.body);

describe('resume after a reconnect', () => {
  it('shows the messages sent while the socket was down, once each and in order', async () => {
    const { runtime, id } = await connectedVisitor();
    const reconnect = await disconnect(runtime);
    for (const body of ['Sorry for the wait.', 'Your parcel left today.', 'Anything else?']) await agent.send(id, body);
    // Nothing can arrive live while the socket is down.
    expect(bodies(runtime)).toEqual(['Hello']);

    reconnect();
    await vi.waitFor(() => expect(runtime.status.value).toBe('connected'));
    await vi.waitFor(() => expect(bodies(runtime)).toEqual(['Hello', 'Sorry for the wait.', 'Your parcel left today.', 'Anything else?']));
    expect(runtime.conversation.messages.value.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(runtime.unread.value).toBe(3);

    // Live again afterwards, and nothing doubled by the catch-up overlapping the socket.
    await agent.send(id, 'Have a nice day!');
    await vi.waitFor(() => expect(bodies(runtime)).toHaveLength(5));
    expect(runtime.conversation.messages.value.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('shows messages missed while only the socket was down, though the visitor sent one after them over HTTP', async () => {
    const { runtime, id } = await connectedVisitor();
    const reconnect = await disconnect(runtime, true);
    // More than the newest page holds, so only a read after the right seq finds them all.
    const missed = Array.from({ length: 60 }, (_, i) => `agent ${i + 1}`);
    for (const body of missed) await agent.send(id, body);
    // Answered over HTTP with seq 62 while 2…61 were never seen.
    await runtime.conversation.send('Yes, sorry');
    await vi.waitFor(() => expect(runtime.conversation.messages.value.map((m) => [m.seq, m.state])).toEqual([[1, 'sent'], [62, 'sent']]));

    reconnect();
    await vi.waitFor(() => expect(bodies(runtime)).toEqual(['Hello', ...missed, 'Yes, sorry']));
    expect(runtime.conversation.messages.value.map((m) => m.seq)).toEqual(Array.from({ length: 62 }, (_, i) => i + 1));
  });

  it('reads what a gap in live frames left out, without a reconnect', async () => {
    const { runtime, id } = await connectedVisitor();
    // The socket loses one frame (as a proxy buffer overflow or a server hiccup would).
    const socket = gate.sockets.at(-1)!;
    const opened = gate.sockets.length;
    const deliver = socket.listeners('message') as Array<(data: unknown, binary: boolean) => void>;
    socket.removeAllListeners('message');
    let lost = 0;
    socket.on('message', (data, binary) => {
      if (!lost && String(data).includes('"message.created"')) return void lost++;
      for (const listener of deliver) listener(data, binary);
    });
    await agent.send(id, 'Lost on the way');
    await vi.waitFor(() => expect(lost).toBe(1));
    await agent.send(id, 'Next one');
    await vi.waitFor(() => expect(bodies(runtime)).toEqual(['Hello', 'Lost on the way', 'Next one']));
    expect(runtime.conversation.messages.value.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(gate.sockets).toHaveLength(opened);
  });

  it('reads more than one page of missed messages', async () => {
    const { runtime, id } = await connectedVisitor();
    const reconnect = await disconnect(runtime);
    const missed = Array.from({ length: 130 }, (_, i) => `update ${i + 1}`);
    for (const body of missed) await agent.send(id, body);

    reconnect();
    await vi.waitFor(() => expect(bodies(runtime)).toHaveLength(131), { timeout: 5_000 });
    expect(bodies(runtime)).toEqual(['Hello', ...missed]);
    expect(runtime.conversation.messages.value.map((m) => m.seq)).toEqual(Array.from({ length: 131 }, (_, i) => i + 1));
  });

  it('sends what the visitor typed while the network was down once it is back, once', async () => {
    const { runtime, id } = await connectedVisitor();
    const reconnect = await disconnect(runtime);
    const typed = await runtime.conversation.send('Typed in a tunnel');
    await vi.waitFor(() => expect(failedSends).toBeGreaterThan(0));
    expect(runtime.conversation.messages.value.at(-1)).toMatchObject({ key: typed.key, state: 'sending' });
    reconnect();
    await vi.waitFor(() => expect(runtime.conversation.messages.value.at(-1)).toMatchObject({ key: typed.key, state: 'sent' }), { timeout: 5_000 });
    expect((await agent.messages(id)).map((m) => m.body)).toEqual(['Hello', 'Typed in a tunnel']);
  });

  it('shows edits, deletes and read ticks made while the socket was down', async () => {
    const { runtime, id } = await connectedVisitor();
    const one = await agent.send(id, 'Shipping Mondy');
    const two = await agent.send(id, 'Ignore this');
    await vi.waitFor(() => expect(bodies(runtime)).toHaveLength(3));
    const reconnect = await disconnect(runtime);
    await agent.edit(id, one.messageId, 'Shipping Monday');
    await agent.remove(id, two.messageId);
    await agent.receipt(id, runtime.conversation.messages.value[0]!.id, 'read');

    reconnect();
    await vi.waitFor(() => expect(bodies(runtime)).toEqual(['Hello', 'Shipping Monday', '']));
    expect(runtime.conversation.messages.value.map((m) => [m.state, !!m.editedAt, !!m.deleted])).toEqual([
      ['read', false, false],
      ['sent', true, false],
      ['sent', false, true],
    ]);
  });
});
