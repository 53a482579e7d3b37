import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { ServerFrame } from '../../../src/contract/extensions.ts';
import type { RuntimeError } from '../../../src/errors.ts';
import { createRealtime } from '../../../src/realtime.ts';
import { defaultChannel } from '../../../src/tabs/channel.ts';
import { createSharedRealtime, type SharedRealtime } from '../../../src/tabs/shared-realtime.ts';
import { useFakeWsServer } from '../../helpers/fake-ws-server.ts';

// The shared connection seen from two "tabs" (Node's BroadcastChannel between them; no Web
// Locks in Node 20, so they elect over the channel) against the scripted ws server, to drop
// the leader's socket on demand.

const server = useFakeWsServer();
let tabs: SharedRealtime[] = [];
let run = 0;
beforeEach(() => {
  run++;
});
afterEach(() => {
  for (const tab of tabs.splice(0)) tab.close();
});

function tab(visitor = 'v1') {
  const rt = createSharedRealtime({
    name: `test-${run}`,
    channel: defaultChannel()!,
    create: (shared) => createRealtime({ url: server.url, getToken: async () => 'token-1', WebSocket, heartbeatMs: 5_000, backoff: { base: 20, cap: 50 }, ...shared }),
    visitor: () => visitor,
  });
  const frames: ServerFrame[] = [];
  const readies = vi.fn();
  const errors: RuntimeError[] = [];
  rt.onFrame((f) => frames.push(f));
  rt.onReady(readies);
  rt.onError((e) => errors.push(e));
  tabs.push(rt);
  return { rt, frames, readies, errors };
}
/** Tab A leads with a connected socket; tab B joins and is connected through it. */
async function twoConnected() {
  const a = tab();
  a.rt.connect();
  await vi.waitFor(() => expect(a.rt.status.value).toBe('connected'));
  const b = tab();
  b.rt.connect();
  await vi.waitFor(() => expect(b.rt.status.value).toBe('connected'));
  return { a, b };
}
const update: ServerFrame = { type: 'conversation.updated', conversation: { conversationId: 'c1', status: 'open' } };

describe('a shared connection', () => {
  it('gives a joining tab the leader’s status and frames, and carries its frames to the socket', async () => {
    const { a, b } = await twoConnected();
    expect([a.rt.leader.value, b.rt.leader.value]).toEqual([true, false]);
    // A first join needs no catch-up: the caller's first read comes after it.
    expect(b.readies).not.toHaveBeenCalled();

    const socket = await server.connection(1);
    socket.send(update);
    await vi.waitFor(() => expect([a.frames, b.frames]).toEqual([[update], [update]]));
    expect(b.rt.send({ type: 'typing', conversationId: 'c1', typing: true })).toBe(true);
    await vi.waitFor(() => expect(socket.frames).toContainEqual({ type: 'typing', conversationId: 'c1', typing: true }));
    // A follower's renewed token is not the leader's socket's business.
    expect(b.rt.send({ type: 'auth', token: 'token-2' })).toBe(false);
    expect(server.connections).toHaveLength(1);
  });

  it('shows every tab reconnecting while the socket is down, and catches each up when it is back', async () => {
    const a = tab();
    a.rt.connect();
    await vi.waitFor(() => expect(a.rt.status.value).toBe('connected'));
    const b = tab();
    const seen: string[] = [];
    b.rt.status.subscribe((s) => seen.push(s));
    b.rt.connect();
    await vi.waitFor(() => expect(b.rt.status.value).toBe('connected'));

    (await server.connection(1)).close(1012);
    await server.connection(2);
    await vi.waitFor(() => expect([a.rt.status.value, b.rt.status.value]).toEqual(['connected', 'connected']));
    expect(seen).toEqual(['idle', 'connecting', 'connected', 'reconnecting', 'connected']);
    expect(a.readies).toHaveBeenCalledTimes(2);
    expect(b.readies).toHaveBeenCalledTimes(1);
  });

  it('moves the socket to the other tab when the leader closes, connected and caught up at once', async () => {
    const { a, b } = await twoConnected();

    const seen: string[] = [];
    b.rt.status.subscribe((s) => seen.push(s));
    const started = Date.now();
    a.rt.close();
    await vi.waitFor(() => expect([b.rt.leader.value, b.rt.status.value]).toEqual([true, 'connected']), { timeout: 2_000, interval: 5 });
    expect(Date.now() - started).toBeLessThan(2_000);
    // Never `connecting` (it was connected before) nor `closed` (only the other tab closed).
    expect(seen).toEqual(['connected', 'reconnecting', 'connected']);
    expect(b.readies).toHaveBeenCalledTimes(1);
    expect(await (await server.connection(1)).closed).toBe(1000);
    (await server.connection(2)).send(update);
    await vi.waitFor(() => expect(b.frames).toEqual([update]));
  });

  it('answers false to a send while no tab has a live socket', async () => {
    server.onAuth = () => 'silent';
    const a = tab();
    a.rt.connect();
    const b = tab();
    b.rt.connect();
    await server.connection(1);
    expect(b.rt.send({ type: 'typing', conversationId: 'c1', typing: true })).toBe(false);
    expect(a.rt.send({ type: 'typing', conversationId: 'c1', typing: true })).toBe(false);
  });

  it('tells every tab when the socket cannot get back, not only the one holding it', async () => {
    const { a, b } = await twoConnected();
    server.onAuth = () => ({ close: 1011 });
    (await server.connection(1)).close(1012);
    await vi.waitFor(() => expect(a.errors.map((e) => e.code)).toEqual(['REALTIME_DISCONNECTED']), { timeout: 3_000 });
    await vi.waitFor(() => expect(b.errors.map((e) => [e.code, e.retryable, e.message])).toEqual([[a.errors[0]!.code, true, a.errors[0]!.message]]));
    expect(b.rt.status.value).toBe('reconnecting');
  });

  it('ignores the relays of a tab that is now another visitor', async () => {
    const a = tab('v1');
    a.rt.connect();
    await vi.waitFor(() => expect(a.rt.status.value).toBe('connected'));
    const b = tab('v2');
    b.rt.connect();
    const socket = await server.connection(1);
    socket.send(update);
    await vi.waitFor(() => expect(a.frames).toEqual([update]));
    // (A relay between two tabs of one visitor takes less than this.)
    const c = tab('v1');
    c.rt.connect();
    await vi.waitFor(() => expect(c.rt.status.value).toBe('connected'));
    socket.send(update);
    await vi.waitFor(() => expect(c.frames).toEqual([update]));
    expect(b.frames).toEqual([]);
    expect(b.rt.status.value).not.toBe('connected');
  });
});
