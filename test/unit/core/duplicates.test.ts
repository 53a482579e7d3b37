import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { Message, ServerFrame } from '../../../src/contract/extensions.ts';
import { createMemoryStorage, createRuntime, type Runtime } from '../../../src/index.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { startFakeWsServer, type FakeConnection, type FakeWsServer } from '../../helpers/fake-ws-server.ts';
import { agentOf, type Agent } from './agent.ts';
import { bodies } from './visitor.ts';

// Realtime delivery is at-least-once: a frame may come twice, late, or again in the history read
// after a resume. The visitor must still see each message once, in order, with ticks that never
// go backwards. HTTP goes to the real server; the socket goes to the scripted ws server, which
// plays the frames (the real server's own messages) as each test orders.

let server: TestServer;
let agent: Agent;
let ws: FakeWsServer;
const runtimes: Runtime[] = [];
beforeAll(async () => {
  server = await startTestServer({ log: false });
  agent = await agentOf(server);
});
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) runtime.destroy();
  await ws.close();
});
afterAll(() => server.close());

/** A visitor with its first message sent, whose socket is the scripted one. */
async function visitor() {
  ws = await startFakeWsServer();
  class Scripted extends WebSocket {
    constructor(_url: string) {
      super(ws.url);
    }
  }
  const runtime = createRuntime({ baseUrl: server.baseUrl, slug: server.slug, WebSocket: Scripted, storage: createMemoryStorage() });
  runtimes.push(runtime);
  await runtime.start();
  await vi.waitFor(() => expect(runtime.status.value).toBe('connected'));
  await runtime.conversation.send('Hello');
  await vi.waitFor(() => expect(runtime.conversation.messages.value[0]?.state).toBe('sent'));
  return { runtime, id: runtime.conversation.id.value!, socket: await ws.connection(1) };
}
const created = (m: Message): ServerFrame => ({ type: 'message.created', conversationId: m.conversationId, seq: m.seq, message: m });
const receipt = (conversationId: string, kind: 'delivered' | 'read', upToSeq: number): ServerFrame => ({
  type: 'receipt',
  conversationId,
  kind,
  upToSeq,
  by: 'agent',
  at: new Date().toISOString(),
});
const sendAll = (socket: FakeConnection, frames: ServerFrame[]) => frames.forEach((f) => socket.send(f));

describe('idempotent rendering', () => {
  it('shows each message once when every realtime frame is delivered twice', async () => {
    const { runtime, id, socket } = await visitor();
    const replies = [await agent.send(id, 'One'), await agent.send(id, 'Two'), await agent.send(id, 'Three')];
    sendAll(socket, replies.flatMap((m) => [created(m), created(m)]));
    // Late duplicates, out of order, after the fact.
    sendAll(socket, [created(replies[1]!), created(replies[0]!)]);
    socket.send(receipt(id, 'delivered', 1));
    await vi.waitFor(() => expect(runtime.conversation.messages.value[0]?.state).toBe('delivered'));
    expect(bodies(runtime)).toEqual(['Hello', 'One', 'Two', 'Three']);
    expect(runtime.conversation.messages.value.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    // Each message from the agent counted once.
    expect(runtime.unread.value).toBe(3);
  });

  it('shows each message once when the history read after a resume replays what the socket already gave', async () => {
    const { runtime, id, socket } = await visitor();
    const one = await agent.send(id, 'Before the drop');
    socket.send(created(one));
    await vi.waitFor(() => expect(bodies(runtime)).toHaveLength(2));
    const missed = [await agent.send(id, 'While down 1'), await agent.send(id, 'While down 2')];

    // 4008: reconnect and resume from seq (the catch-up reads after the watermark over HTTP).
    socket.close(4008);
    const second = await ws.connection(2);
    await vi.waitFor(() => expect(bodies(runtime)).toEqual(['Hello', 'Before the drop', 'While down 1', 'While down 2']));
    // A server that replays on reconnect too: the same range once more, twice.
    sendAll(second, [one, ...missed, one, ...missed].map(created));
    const last = await agent.send(id, 'Live again');
    second.send(created(last));
    await vi.waitFor(() => expect(bodies(runtime).at(-1)).toBe('Live again'));
    expect(bodies(runtime)).toEqual(['Hello', 'Before the drop', 'While down 1', 'While down 2', 'Live again']);
    expect(runtime.conversation.messages.value.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(runtime.unread.value).toBe(4);
  });

  it('never moves a read message back to delivered when a late delivered receipt or a stale copy arrives', async () => {
    const { runtime, id, socket } = await visitor();
    const mine = runtime.conversation.messages.value[0]!;
    await agent.receipt(id, mine.id, 'delivered');
    socket.send(receipt(id, 'delivered', 1));
    await vi.waitFor(() => expect(runtime.conversation.messages.value[0]?.state).toBe('delivered'));
    // Read while the socket was down: the frame is lost, the catch-up after the resume shows it.
    await agent.receipt(id, mine.id, 'read');
    socket.close(4008);
    const second = await ws.connection(2);
    await vi.waitFor(() => expect(runtime.conversation.messages.value[0]?.state).toBe('read'));

    // Then the old news arrives: the delivered receipt, and a copy of the message from before it
    // was read (a frame from a lagging node), twice.
    const stale = { ...(await agent.messages(id))[0]!, readAt: undefined };
    sendAll(second, [receipt(id, 'delivered', 1), { type: 'message.updated', conversationId: id, seq: 1, message: stale }]);
    sendAll(second, [receipt(id, 'delivered', 1), { type: 'message.updated', conversationId: id, seq: 1, message: stale }]);
    // A newer message from the agent marks the point where every earlier frame was handled.
    const next = await agent.send(id, 'Anything else?');
    second.send(created(next));
    await vi.waitFor(() => expect(bodies(runtime)).toHaveLength(2));
    expect(runtime.conversation.messages.value.map((m) => m.state)).toEqual(['read', 'sent']);
  });
});
