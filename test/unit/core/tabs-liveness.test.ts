import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { ServerFrame } from '../../../src/contract/extensions.ts';
import { createRealtime } from '../../../src/realtime.ts';
import { defaultChannel, type ChannelFactory, type ChannelLike } from '../../../src/tabs/channel.ts';
import { createSharedRealtime, type SharedRealtime } from '../../../src/tabs/shared-realtime.ts';
import { useFakeWsServer } from '../../helpers/fake-ws-server.ts';
import { tick, until } from './fault-server.ts';
import { fakePage } from './fake-page.ts';

// The shared socket's liveness and the back/forward cache, judged by the tab the visitor looks
// at (usually not the leader: the first tab leads, the visitor moves on). Default timings
// (25 s pings, 10 s pong timeout) on a fake clock; sockets and channels are real.
//
// All "tabs" live in one process with one global page, so: tab A connects before the page is
// stubbed (it hears no page events, like a background tab whose events do not concern it), and
// tab B after (it hears them). A's liveness still reads the stubbed `document.visibilityState`.

const server = useFakeWsServer();
let tabs: SharedRealtime[] = [];
let run = 0;
beforeEach(async () => {
  run++;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  for (const tab of tabs.splice(0)) tab.close();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** A tab; `open()` counts the channels it holds open. */
function tab() {
  const channels = new Set<ChannelLike>();
  const channel: ChannelFactory = (name) => {
    const c = defaultChannel()!(name);
    channels.add(c);
    return { postMessage: (m) => c.postMessage(m), addEventListener: (t, l) => c.addEventListener(t, l), close: () => (channels.delete(c), c.close()) };
  };
  const rt = createSharedRealtime({
    name: `liveness-${run}`,
    channel,
    create: (shared) => createRealtime({ url: server.url, getToken: async () => 'token-1', WebSocket, ...shared }),
    visitor: () => 'v1',
  });
  const frames: ServerFrame[] = [];
  const readies = vi.fn();
  rt.onFrame((f) => frames.push(f));
  rt.onReady(readies);
  tabs.push(rt);
  return { rt, frames, readies, open: () => channels.size };
}

/** Moves the fake clock in 100 ms steps (letting socket and channel I/O run) until `done` or `limit` ms. */
async function advanceUntil(done: () => boolean, limit: number): Promise<number> {
  const start = Date.now();
  while (!done() && Date.now() - start < limit) {
    await vi.advanceTimersByTimeAsync(100);
    for (let i = 0; i < 10 && !done(); i++) await tick();
  }
  return Date.now() - start;
}
// Lets A's relays of its first connect land (Node delivers them to channels opened meanwhile).
const settle = async () => {
  for (let i = 0; i < 20; i++) await tick();
};
const pings = (n: number) => server.connections[n - 1]?.frames.filter((f) => f.type === 'ping').length ?? 0;
const update: ServerFrame = { type: 'conversation.updated', conversation: { conversationId: 'c1', status: 'open' } };

/** Tab A leads and is connected; then the page is stubbed and tab B follows, connected. */
async function twoTabs(visibility: 'visible' | 'hidden') {
  const a = tab();
  a.rt.connect();
  await advanceUntil(() => a.rt.status.value === 'connected', 5_000);
  await settle();
  const page = fakePage(visibility);
  const b = tab();
  b.rt.connect();
  await advanceUntil(() => b.rt.status.value === 'connected', 5_000);
  expect([a.rt.leader.value, b.rt.leader.value]).toEqual([true, false]);
  return { a, b, page };
}

describe('liveness of a shared socket', () => {
  it('probes within 1 s when a follower tab becomes visible, and replaces a dead socket within 5 s', async () => {
    const { a, b, page } = await twoTabs('hidden');
    server.answerPings = false;
    // Every tab hidden: no verdict, however long.
    await advanceUntil(() => false, 5 * 60_000);
    expect(a.rt.status.value).toBe('connected');
    const before = pings(1);

    const shownAt = Date.now();
    page.show();
    await advanceUntil(() => pings(1) > before, 5_000);
    expect(Date.now() - shownAt).toBeLessThan(1_000);
    const took = await advanceUntil(() => b.rt.status.value !== 'connected', 30_000);
    expect(took).toBeLessThanOrEqual(5_000);
    await advanceUntil(() => server.connections.length === 2, 10_000);
    expect(server.connections).toHaveLength(2);
  });

  it('detects a half-open socket within 45 s while a follower is visible, though the leader is hidden', async () => {
    const a = tab();
    a.rt.connect();
    await advanceUntil(() => a.rt.status.value === 'connected', 5_000);
    fakePage('hidden');
    // Another tab, shown (the visitor is looking at it), says so.
    const other = defaultChannel()!(`liveness-${run}`);
    other.postMessage({ t: 'visible', v: true, from: 'another-tab', who: 'v1' });
    await until(() => pings(1) > 0);
    server.answerPings = true;
    await advanceUntil(() => false, 5_000);
    server.answerPings = false;
    const took = await advanceUntil(() => a.rt.status.value !== 'connected', 60_000);
    other.close();
    console.log(`half-open shared socket detected after ${took / 1000} s with the leader hidden (fake clock)`);
    expect(a.rt.status.value).toBe('reconnecting');
    expect(took).toBeLessThanOrEqual(45_000);
  });
});

describe('a shared socket and the back/forward cache', () => {
  it('closes a follower’s channels on pagehide, hears nothing in the cache, and catches up on pageshow', async () => {
    const { a, b, page } = await twoTabs('visible');
    page.fire('pagehide', { persisted: true });
    expect(b.open()).toBe(0);
    expect(b.rt.status.value).toBe('reconnecting');
    (await server.connection(1)).send(update);
    await advanceUntil(() => a.frames.length === 1, 5_000);
    expect(b.frames).toEqual([]);

    page.fire('pageshow', { persisted: true });
    await advanceUntil(() => b.rt.status.value === 'connected', 5_000);
    expect(b.rt.status.value).toBe('connected');
    // It missed a frame while cached: it reads what it missed, once.
    await advanceUntil(() => b.readies.mock.calls.length > 0, 1_000);
    expect(b.readies).toHaveBeenCalledTimes(1);
    expect(server.connections).toHaveLength(1);
  });

  it('catches up on pageshow a page cached before it ever saw the socket connected', async () => {
    const a = tab();
    a.rt.connect();
    await advanceUntil(() => a.rt.status.value === 'connected', 5_000);
    await settle();
    const page = fakePage('visible');
    const b = tab();
    b.rt.connect();
    page.fire('pagehide', { persisted: true });
    expect(b.rt.status.value).not.toBe('connected');
    // A while in the cache (answers to its first `hello` find it gone).
    await advanceUntil(() => false, 1_000);
    page.fire('pageshow', { persisted: true });
    await advanceUntil(() => b.rt.status.value === 'connected' && b.readies.mock.calls.length > 0, 5_000);
    expect(b.readies).toHaveBeenCalledTimes(1);
  });
});
