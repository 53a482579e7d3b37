import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClientFrame } from '../../../src/contract/extensions.ts';
import { createRealtime, type RealtimeConnection } from '../../../src/realtime.ts';
import type { WebSocketLike } from '../../../src/types.ts';

// A thousand runtime cores in one process lose their sockets at the same instant (a server
// restart, a load balancer dropping everyone). Their reconnects must be spread out, or the
// server that just came back is flattened by them. Fake clock, fake in-memory sockets: the
// server side of each socket answers `auth` with `ready` at once.

const CLIENTS = 1_000;

/** In-memory sockets; `dials` holds the fake clock time of every socket opened. */
function fakeNetwork() {
  const dials: number[] = [];
  const sockets: FakeSocket[] = [];
  // While the server is down, every socket fails as it opens.
  const server = { downUntil: 0 };
  class FakeSocket implements WebSocketLike {
    readyState = 0;
    private readonly listeners = new Map<string, Array<(event: never) => void>>();
    constructor(_url: string) {
      dials.push(Date.now());
      sockets.push(this);
      queueMicrotask(() => {
        if (Date.now() < server.downUntil) return this.drop(1006);
        this.readyState = 1;
        this.fire('open', undefined);
      });
    }
    addEventListener(type: string, listener: (event: never) => void) {
      this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
    }
    send(data: string) {
      const frame = JSON.parse(data) as ClientFrame;
      const reply = frame.type === 'auth' ? { type: 'ready', role: 'visitor', subject: 'v', serverTime: '' } : frame.type === 'ping' ? { type: 'pong', t: frame.t } : null;
      if (reply) queueMicrotask(() => this.fire('message', { data: JSON.stringify(reply) }));
    }
    close(code = 1005) {
      this.drop(code);
    }
    /** The connection ends (from either side). */
    drop(code: number) {
      if (this.readyState === 3) return;
      this.readyState = 3;
      queueMicrotask(() => this.fire('close', { code, reason: '' }));
    }
    private fire(type: string, event: unknown) {
      for (const listener of this.listeners.get(type) ?? []) (listener as (e: unknown) => void)(event);
    }
  }
  return { dials, sockets, server, FakeSocket };
}

let clients: RealtimeConnection[] = [];
/** Lets the fake sockets' chains of microtasks (open, auth, ready, close) run to the end, without moving the clock. */
async function settle(check: () => boolean) {
  for (let i = 0; i < 1_000 && !check(); i++) await vi.advanceTimersByTimeAsync(0);
  expect(check()).toBe(true);
}
afterEach(() => {
  for (const c of clients) c.close();
  clients = [];
  vi.useRealTimers();
});

describe('thundering herd', () => {
  it.each([
    ['a server restart (1012)', 1012, 0],
    ['connections cut without a close frame (1006)', 1006, 0],
    ['a server restart that takes 5 s', 1012, 5_000],
  ])('1,000 cores dropped at once by %s reconnect within 60 s, no second holding more than 15 % of the attempts', async (_, code, downMs) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const net = fakeNetwork();
    clients = Array.from({ length: CLIENTS }, () => createRealtime({ url: 'ws://server/api/realtime', getToken: async () => 'token', WebSocket: net.FakeSocket }));
    for (const c of clients) c.connect();
    await settle(() => clients.every((c) => c.status.value === 'connected'));

    const droppedAt = Date.now();
    net.server.downUntil = droppedAt + downMs;
    net.dials.length = 0;
    // Every core notices (some may already be back: a delay of 0 ms is a fair draw).
    const noticed = new Set<RealtimeConnection>();
    for (const c of clients) c.status.subscribe((s) => s === 'reconnecting' && noticed.add(c));
    for (const socket of net.sockets.splice(0)) socket.drop(code);
    await settle(() => noticed.size === CLIENTS);

    await vi.advanceTimersByTimeAsync(60_000);
    expect(clients.filter((c) => c.status.value !== 'connected')).toHaveLength(0);

    const buckets = Array.from({ length: 60 }, () => 0);
    for (const at of net.dials) buckets[Math.floor((at - droppedAt) / 1000)]!++;
    const share = Math.max(...buckets) / net.dials.length;
    console.log(
      `herd (${code}, server down ${downMs / 1000} s): ${net.dials.length} reconnect attempts, max ${(share * 100).toFixed(1)} % in one second\n` +
        buckets
          .map((n, s) => [n, s] as const)
          .filter(([n]) => n > 0)
          .map(([n, s]) => `  ${String(s).padStart(2)} s ${String(n).padStart(4)} ${'#'.repeat(Math.round(n / 5))}`)
          .join('\n'),
    );
    expect(net.dials.length).toBeGreaterThanOrEqual(CLIENTS);
    expect(share).toBeLessThanOrEqual(0.15);
  });

  it('a core whose token was refused (4002) comes back within about a second: no herd to spread', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const net = fakeNetwork();
    const client = createRealtime({ url: 'ws://server/api/realtime', getToken: async () => 'token', onTokenRejected: async () => undefined, WebSocket: net.FakeSocket });
    clients = [client];
    client.connect();
    await settle(() => client.status.value === 'connected');
    net.sockets[0]!.drop(4002);
    await vi.advanceTimersByTimeAsync(1_000);
    await settle(() => client.status.value === 'connected');
    expect(net.dials).toHaveLength(2);
  });
});
