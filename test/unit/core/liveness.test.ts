import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { RuntimeError } from '../../../src/errors.ts';
import { createRealtime, type RealtimeConnection, type RealtimeOptions } from '../../../src/realtime.ts';
import { useFakeWsServer } from '../../helpers/fake-ws-server.ts';
import { tick, until } from './fault-server.ts';
import { fakePage } from './fake-page.ts';

// How the connection notices it is dead, and how it behaves on a page that is hidden, woken up,
// or put in the back/forward cache. Default timings (25 s pings, 10 s pong timeout) on a fake
// clock; the sockets are real (the scripted ws server), so only the clock is pretend.

const server = useFakeWsServer();
let rt: RealtimeConnection | undefined;
afterEach(() => {
  rt?.close();
  rt = undefined;
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** A connection with the default timings on a fake clock, connected. */
async function connected(options: Partial<RealtimeOptions> = {}) {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  const errors: RuntimeError[] = [];
  const ready = vi.fn();
  rt = createRealtime({ url: server.url, getToken: async () => 'token-1', WebSocket, onError: (e) => errors.push(e), ...options });
  rt.onReady(ready);
  rt.connect();
  await until(() => rt!.status.value === 'connected');
  return { rt, errors, ready };
}
const pings = (n: number) => server.connections[n - 1]!.frames.filter((f) => f.type === 'ping').length;
/** Moves the fake clock one second at a time (letting socket I/O run) until `done` or `limit` ms. */
async function advanceUntil(done: () => boolean, limit: number): Promise<number> {
  const start = Date.now();
  while (!done() && Date.now() - start < limit) {
    await vi.advanceTimersByTimeAsync(1_000);
    // Socket I/O is real: give it a few turns to land before the clock moves on.
    for (let i = 0; i < 20 && !done(); i++) await tick();
  }
  return Date.now() - start;
}

describe('liveness', () => {
  it('detects a half-open socket (open, traffic black-holed) within 45 s on a visible tab, and reconnects', async () => {
    const { rt } = await connected();
    // Worst case: the black hole opens right after the socket last heard from the server.
    server.answerPings = false;
    const took = await advanceUntil(() => rt.status.value !== 'connected', 60_000);
    console.log(`half-open socket detected after ${took / 1000} s (fake clock)`);
    expect(rt.status.value).toBe('reconnecting');
    expect(took).toBeLessThanOrEqual(45_000);
    expect(pings(1)).toBeGreaterThanOrEqual(1);

    server.answerPings = true;
    await advanceUntil(() => rt.status.value === 'connected', 60_000);
    expect(server.connections).toHaveLength(2);
  });

  it('stays up while pings are answered', async () => {
    const { rt } = await connected();
    await advanceUntil(() => false, 5 * 60_000);
    expect(rt.status.value).toBe('connected');
    expect(server.connections).toHaveLength(1);
    expect(pings(1)).toBeGreaterThanOrEqual(10);
  });

  it('declares no death on a hidden tab, probes within 1 s of becoming visible, and reconnects when the probe gets no answer', async () => {
    const page = fakePage();
    const { rt } = await connected();
    page.hide();
    server.answerPings = false;
    // Throttled timers on a hidden tab make silence meaningless: no verdict, however long.
    await advanceUntil(() => false, 10 * 60_000);
    expect(rt.status.value).toBe('connected');
    expect(server.connections).toHaveLength(1);

    const before = pings(1);
    const shownAt = Date.now();
    page.show();
    await until(() => pings(1) > before);
    expect(Date.now() - shownAt).toBeLessThan(1_000);
    const took = await advanceUntil(() => rt.status.value !== 'connected', 30_000);
    console.log(`dead socket found ${took / 1000} s after the tab became visible (fake clock)`);
    expect(rt.status.value).toBe('reconnecting');
    expect(took).toBeLessThanOrEqual(5_000);

    server.answerPings = true;
    // A failed probe is this tab's own news: it comes back within a second or two, no herd wait.
    const back = await advanceUntil(() => rt.status.value === 'connected', 30_000);
    expect(back).toBeLessThanOrEqual(2_000);
  });

  it('keeps a healthy socket when the tab becomes visible (the probe is answered)', async () => {
    const page = fakePage();
    const { rt } = await connected();
    page.hide();
    await advanceUntil(() => false, 5 * 60_000);
    page.show();
    await advanceUntil(() => false, 10_000);
    expect(rt.status.value).toBe('connected');
    expect(server.connections).toHaveLength(1);
  });

  it('skips the backoff wait when the device comes back online', async () => {
    const page = fakePage();
    const { rt } = await connected();
    server.onAuth = () => ({ close: 4000 });
    (await server.connection(1)).close(1012);
    await until(() => rt.status.value === 'reconnecting');
    server.onAuth = () => 'ready';
    const wokenAt = Date.now();
    page.fire('online');
    await until(() => rt.status.value === 'connected');
    expect(Date.now() - wokenAt).toBe(0);
  });

  it('probes an open socket when the device comes back online, and replaces it if it is dead', async () => {
    const page = fakePage();
    const { rt } = await connected();
    server.answerPings = false;
    const before = pings(1);
    page.fire('online');
    await until(() => pings(1) > before);
    expect(await advanceUntil(() => rt.status.value !== 'connected', 30_000)).toBeLessThanOrEqual(5_000);
  });
});

describe('back/forward cache', () => {
  it('closes the socket cleanly on pagehide, stays closed in the cache, and reconnects and catches up on pageshow', async () => {
    const page = fakePage();
    const { rt, ready } = await connected();
    const first = await server.connection(1);
    page.fire('pagehide', { persisted: true });
    expect(await first.closed).toBe(1000);
    expect(rt.status.value).toBe('reconnecting');
    // In the cache nothing runs, and nothing must be scheduled to run on return either.
    await advanceUntil(() => false, 10 * 60_000);
    expect(server.connections).toHaveLength(1);

    page.fire('pageshow', { persisted: true });
    await until(() => rt.status.value === 'connected');
    expect(server.connections).toHaveLength(2);
    // `ready` again: the runtime reads what it missed (resume).
    expect(ready).toHaveBeenCalledTimes(2);
  });

  it('ignores a pageshow that is a fresh load (not from the cache)', async () => {
    const page = fakePage();
    const { rt } = await connected();
    page.fire('pageshow', { persisted: false });
    await tick();
    expect(rt.status.value).toBe('connected');
    expect(server.connections).toHaveLength(1);
  });
});
