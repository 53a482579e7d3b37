import { describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createMemoryStorage, createRuntime, type Runtime, type RuntimeOptions, type RuntimeStorage } from '../../../src/index.ts';
import { useRealServer } from './real-server.ts';
import { bodies } from './visitor.ts';

// Several runtimes of one visitor sharing one socket (`shareConnection`), as the tabs of one
// browser do, against the real server. Node's BroadcastChannel connects them; Node 20 has no
// Web Locks, so they elect over the channel (the fallback).

const real = useRealServer();
// Relays add hops, and the machine's cores are shared: wait longer than vi.waitFor's 1 s default.
const patient = { timeout: 5_000 };

/** Counts the sockets the runtimes open. */
function countingWebSocket() {
  const opened: WebSocket[] = [];
  class Counting extends WebSocket {
    constructor(url: string) {
      super(url);
      opened.push(this);
    }
  }
  return { WebSocket: Counting, open: () => opened.filter((ws) => ws.readyState <= WebSocket.OPEN).length, opened };
}

/** N "tabs" of one browser: one storage (so one visitor); the first has sent a message. */
async function tabsOf(count: number, options: Partial<RuntimeOptions> = {}) {
  const storage: RuntimeStorage = createMemoryStorage();
  const sockets = countingWebSocket();
  const make = () => {
    const runtime = createRuntime({ baseUrl: real.server.baseUrl, slug: real.server.slug, WebSocket: sockets.WebSocket, storage, shareConnection: true, ...options });
    real.runtimes.push(runtime);
    return runtime;
  };
  const first = make();
  await first.start();
  // The first tab leads (the others join an election it has won).
  await vi.waitFor(() => expect(first.status.value).toBe('connected'), patient);
  await first.conversation.send('Hello from tab 1');
  await vi.waitFor(() => expect(first.conversation.messages.value[0]?.state).toBe('sent'), patient);
  const rest = Array.from({ length: count - 1 }, make);
  await Promise.all(rest.map((r) => r.start()));
  const tabs = [first, ...rest];
  await vi.waitFor(() => expect(tabs.map((t) => t.status.value)).toEqual(tabs.map(() => 'connected')), patient);
  return { tabs, sockets, id: first.conversation.id.value! };
}
const leaders = (tabs: Runtime[]) => tabs.filter((t) => t.leader.value);

describe('one socket for the tabs of a visitor', () => {
  it('opens one socket for three tabs, and every tab shows what the agent sends', async () => {
    const { tabs, sockets, id } = await tabsOf(3);
    expect(sockets.open()).toBe(1);
    expect(leaders(tabs)).toHaveLength(1);
    await real.agent.send(id, 'Hi, how can I help?');
    for (const tab of tabs) await vi.waitFor(() => expect(bodies(tab)).toEqual(['Hello from tab 1', 'Hi, how can I help?']), patient);
    expect(sockets.opened).toHaveLength(1);
  });

  it('shows a message sent from one tab in the others, once', async () => {
    const { tabs, id } = await tabsOf(3);
    await tabs[1]!.conversation.send('Sent from tab 2');
    for (const tab of tabs) await vi.waitFor(() => expect(bodies(tab)).toEqual(['Hello from tab 1', 'Sent from tab 2']), patient);
    expect((await real.agent.messages(id)).map((m) => m.body)).toEqual(['Hello from tab 1', 'Sent from tab 2']);
  });

  it('hands the socket to another tab within 2 s when the leader is destroyed, and goes on', async () => {
    const { tabs, sockets, id } = await tabsOf(3);
    const old = leaders(tabs)[0]!;
    const rest = tabs.filter((t) => t !== old);
    const started = Date.now();
    old.destroy();
    await vi.waitFor(() => {
      expect(leaders(rest)).toHaveLength(1);
      expect(rest.map((t) => t.status.value)).toEqual(['connected', 'connected']);
    }, { timeout: 2_000, interval: 10 });
    const took = Date.now() - started;
    console.log(`takeover after the leader runtime was destroyed: ${took} ms`);
    expect(took).toBeLessThan(2_000);
    await vi.waitFor(() => expect(sockets.open()).toBe(1), patient);
    await real.agent.send(id, 'Still here after the handover');
    for (const tab of rest) await vi.waitFor(() => expect(bodies(tab)).toContain('Still here after the handover'), patient);
  });

  it('relays a follower tab’s typing to the agent through the leader', async () => {
    const { tabs, id } = await tabsOf(2);
    const socket = await real.agent.listen();
    try {
      const follower = tabs.find((t) => !t.leader.value)!;
      follower.conversation.setTyping(true);
      await vi.waitFor(() => expect(socket.frames).toContainEqual(expect.objectContaining({ type: 'typing', conversationId: id, by: 'visitor', typing: true })), patient);
    } finally {
      socket.close();
    }
  });

  it('clears unread in every tab when the visitor looks in one', async () => {
    const { tabs, id } = await tabsOf(3);
    await real.agent.send(id, 'Are you there?');
    await vi.waitFor(() => expect(tabs.map((t) => t.unread.value)).toEqual([1, 1, 1]), patient);
    tabs[2]!.setVisible(true);
    await vi.waitFor(() => expect(tabs.map((t) => t.unread.value)).toEqual([0, 0, 0]), patient);
    // While one tab is looking, a new reply is seen there, and the count it made elsewhere drops.
    await real.agent.send(id, 'Take your time');
    for (const tab of tabs) await vi.waitFor(() => expect(bodies(tab)).toContain('Take your time'), patient);
    await vi.waitFor(() => expect(tabs.map((t) => t.unread.value)).toEqual([0, 0, 0]), patient);
  });

  it('catches up a third tab on what the agent sent while the socket moved between tabs', async () => {
    const { tabs, id } = await tabsOf(3);
    const old = leaders(tabs)[0]!;
    const rest = tabs.filter((t) => t !== old);
    old.destroy();
    // Sent during the takeover gap: no socket hears it; the new leader's `ready` reads it back.
    await real.agent.send(id, 'Sent while nobody held the socket');
    for (const tab of rest) await vi.waitFor(() => expect(bodies(tab)).toContain('Sent while nobody held the socket'), patient);
    await vi.waitFor(() => expect(leaders(rest)).toHaveLength(1), patient);
    for (const tab of rest) expect(bodies(tab).filter((b) => b === 'Sent while nobody held the socket')).toHaveLength(1);
  });

  it('keeps counting a reply that came after what the visitor saw in another tab', async () => {
    // Records the channels' names, to speak as a tab that saw less than these have.
    const names: string[] = [];
    const Native = globalThis.BroadcastChannel;
    vi.stubGlobal(
      'BroadcastChannel',
      class extends Native {
        constructor(name: string) {
          super(name);
          names.push(name);
        }
      },
    );
    try {
      const { tabs, id } = await tabsOf(3);
      await real.agent.send(id, 'One');
      await real.agent.send(id, 'Two');
      await vi.waitFor(() => expect(tabs.map((t) => t.unread.value)).toEqual([2, 2, 2]), patient);
      const one = tabs[0]!.conversation.messages.value.find((m) => m.body === 'One')!.seq;
      const other = new Native(names.find((n) => n.endsWith('|seen'))!);
      other.postMessage({ t: 'seen', from: '', c: id, seq: one });
      other.close();
      await vi.waitFor(() => expect(tabs.map((t) => t.unread.value)).toEqual([1, 1, 1]), patient);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('without sharing', () => {
  it('keeps one socket per runtime under Node by default (no document), each its own leader', async () => {
    const storage = createMemoryStorage();
    const sockets = countingWebSocket();
    const make = () => {
      const runtime = createRuntime({ baseUrl: real.server.baseUrl, slug: real.server.slug, WebSocket: sockets.WebSocket, storage });
      real.runtimes.push(runtime);
      return runtime;
    };
    const tabs = [make(), make()];
    expect(tabs.map((t) => t.leader.value)).toEqual([true, true]);
    await tabs[0]!.start();
    await tabs[1]!.start();
    await vi.waitFor(() => expect(tabs.map((t) => t.status.value)).toEqual(['connected', 'connected']), patient);
    expect(sockets.open()).toBe(2);
  });
});
