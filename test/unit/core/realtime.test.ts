import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { ServerFrame } from '../../../src/contract/extensions.ts';
import { isRuntimeError, RuntimeError } from '../../../src/errors.ts';
import { createRealtime, type RealtimeConnection, type RealtimeOptions } from '../../../src/realtime.ts';
import type { RuntimeStatus } from '../../../src/types.ts';
import { useFakeWsServer } from '../../helpers/fake-ws-server.ts';

const server = useFakeWsServer();
let connection: RealtimeConnection | undefined;
afterEach(() => {
  connection?.close();
  connection = undefined;
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

// Short heartbeats and backoff keep the waits small; the behaviour is the same at 25 s.
function connect(options: Partial<RealtimeOptions> = {}) {
  const statuses: RuntimeStatus[] = [];
  connection = createRealtime({
    url: server.url,
    getToken: async () => 'token-1',
    WebSocket,
    heartbeatMs: 1_000,
    backoff: { base: 20, cap: 50 },
    ...options,
  });
  connection.status.subscribe((s) => statuses.push(s));
  connection.connect();
  return { rt: connection, statuses };
}
const connected = (rt: RealtimeConnection) => vi.waitFor(() => expect(rt.status.value).toBe('connected'));

describe('connecting', () => {
  it('authenticates in the first frame, never in the URL, and is connected on ready', async () => {
    const { rt, statuses } = connect();
    const first = await server.connection(1);
    await connected(rt);
    expect(first.url).toBe('/api/realtime');
    expect(first.frames[0]).toEqual({ type: 'auth', token: 'token-1' });
    expect(statuses).toEqual(['idle', 'connecting', 'connected']);
  });

  it('hands every frame but ready and pong to onFrame, and skips frames that are not JSON', async () => {
    const { rt } = connect();
    const frames: ServerFrame[] = [];
    rt.onFrame((f) => frames.push(f));
    const first = await server.connection(1);
    await connected(rt);
    const update: ServerFrame = { type: 'conversation.updated', conversation: { conversationId: 'c1', status: 'open' } };
    first.send('not json');
    first.send({ type: 'pong', t: 1 });
    first.send(update);
    await vi.waitFor(() => expect(frames).toEqual([update]));
  });

  it('fails with a clear RuntimeError when there is no WebSocket (plain Node 20)', () => {
    vi.stubGlobal('WebSocket', undefined);
    const rt = createRealtime({ url: server.url, getToken: async () => 't' });
    let thrown: unknown;
    try {
      rt.connect();
    } catch (error) {
      thrown = error;
    }
    expect(isRuntimeError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code: 'REALTIME_DISCONNECTED', retryable: false });
    expect((thrown as Error).message).toMatch(/Expected a WebSocket implementation, received none/);
  });

  it('stops, closed, when the token cannot be had for good (e.g. an origin not allowed)', async () => {
    const onError = vi.fn();
    const refused = new RuntimeError('SDK_ORIGIN_NOT_ALLOWED', 'Origin not allowed.', { status: 403 });
    const { rt } = connect({ getToken: () => Promise.reject(refused), onError });
    await vi.waitFor(() => expect(rt.status.value).toBe('closed'));
    expect(onError).toHaveBeenCalledWith(refused);
    expect(server.connections).toHaveLength(0);
  });
});

describe('reconnecting', () => {
  it('reconnects after the server restarts (1012) and fires onReady again for the resume', async () => {
    const { rt, statuses } = connect();
    const ready = vi.fn();
    rt.onReady(ready);
    await connected(rt);
    (await server.connection(1)).close(1012, 'restart');
    await server.connection(2);
    await vi.waitFor(() => expect(ready).toHaveBeenCalledTimes(2));
    expect(statuses).toEqual(['idle', 'connecting', 'connected', 'reconnecting', 'connected']);
  });

  it.each([4001, 4002] as const)('gets a fresh token after close code %i before reconnecting', async (code) => {
    let token = 'old';
    const onTokenRejected = vi.fn(async () => void (token = 'fresh'));
    const { rt } = connect({ getToken: async () => token, onTokenRejected });
    await connected(rt);
    (await server.connection(1)).close(code);
    const second = await server.connection(2);
    await connected(rt);
    expect(onTokenRejected).toHaveBeenCalledWith(code, 'old');
    expect(second.frames[0]).toEqual({ type: 'auth', token: 'fresh' });
  });

  it.each([4000, 4008])('reconnects after close code %i with the same token source, no renewal', async (code) => {
    const onTokenRejected = vi.fn(async () => undefined);
    const { rt } = connect({ onTokenRejected });
    await connected(rt);
    (await server.connection(1)).close(code);
    await server.connection(2);
    await connected(rt);
    expect(onTokenRejected).not.toHaveBeenCalled();
  });

  it('reconnects after the connection drops without a close frame', async () => {
    const { rt } = connect();
    await connected(rt);
    (await server.connection(1)).terminate();
    await server.connection(2);
    await connected(rt);
  });

  it('keeps trying while the server refuses, and reports REALTIME_DISCONNECTED once after 3 failures', async () => {
    server.onAuth = (_, c) => (server.connections.indexOf(c) < 7 ? { close: 4000 } : 'ready');
    const onError = vi.fn();
    const { rt } = connect({ onError });
    await vi.waitFor(() => expect(rt.status.value).toBe('connected'), { timeout: 5_000 });
    expect(server.connections).toHaveLength(8);
    expect(onError).toHaveBeenCalledOnce();
    expect(onError.mock.calls[0]![0]).toMatchObject({ code: 'REALTIME_DISCONNECTED' });
  });

  it('does not reconnect after close()', async () => {
    let made = 0;
    class Counting extends WebSocket {
      constructor(url: string) {
        super(url);
        made++;
      }
    }
    const { rt } = connect({ WebSocket: Counting });
    await connected(rt);
    const first = await server.connection(1);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    rt.close();
    expect(rt.status.value).toBe('closed');
    // Far past the backoff cap (50 ms): any reconnect would have been made by now.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(made).toBe(1);
    vi.useRealTimers();
    expect(await first.closed).toBe(1000);
  });

  it('reports the token the socket last authenticated with, a renewed one sent on it included, when it is rejected', async () => {
    const onTokenRejected = vi.fn(async () => undefined);
    const { rt } = connect({ onTokenRejected });
    const frames: ServerFrame[] = [];
    rt.onFrame((f) => frames.push(f));
    await connected(rt);
    const first = await server.connection(1);
    server.onAuth = () => 'silent';
    expect(rt.send({ type: 'auth', token: 'token-2' })).toBe(true);
    await vi.waitFor(() => expect(first.frames.at(-1)).toEqual({ type: 'auth', token: 'token-2' }));
    // The answer to a renewal is the socket's business, not the listeners'.
    const update: ServerFrame = { type: 'conversation.updated', conversation: { conversationId: 'c1', status: 'open' } };
    first.send({ type: 'auth.renewed', expiresAt: new Date().toISOString() });
    first.send(update);
    await vi.waitFor(() => expect(frames).toEqual([update]));
    first.close(4002);
    await vi.waitFor(() => expect(onTokenRejected).toHaveBeenCalledWith(4002, 'token-2'));
  });
});

describe('heartbeat', () => {
  it('pings while connected and stays up while pongs come back', async () => {
    const { rt } = connect({ heartbeatMs: 30 });
    const first = await server.connection(1);
    await vi.waitFor(() => expect(first.frames.filter((f) => f.type === 'ping').length).toBeGreaterThanOrEqual(3));
    expect(rt.status.value).toBe('connected');
    expect(server.connections).toHaveLength(1);
  });

  it('replaces a socket that went silent (no pong within the next interval)', async () => {
    const { rt } = connect({ heartbeatMs: 30 });
    await connected(rt);
    server.answerPings = false;
    const first = await server.connection(1);
    await server.connection(2);
    server.answerPings = true;
    await connected(rt);
    // The client let go of the dead socket itself.
    await expect(first.closed).resolves.toBeTypeOf('number');
  });

  it('gives up on a socket whose auth is never answered', async () => {
    server.onAuth = (_, c) => (server.connections.indexOf(c) === 0 ? 'silent' : 'ready');
    const { rt } = connect({ heartbeatMs: 30 });
    await server.connection(2);
    await connected(rt);
  });
});

describe('network and visibility', () => {
  it('shows offline, not reconnecting, while the device is offline', async () => {
    const { rt } = connect();
    await connected(rt);
    vi.stubGlobal('navigator', { onLine: false });
    server.onAuth = () => ({ close: 4000 });
    (await server.connection(1)).close(1012);
    await vi.waitFor(() => expect(rt.status.value).toBe('offline'));
  });

  it('reconnects at once when the device comes back online or the tab becomes visible', async () => {
    const listeners = new Map<string, () => void>();
    const on = (type: string, fn: () => void) => listeners.set(type, fn);
    const doc = { visibilityState: 'visible', addEventListener: on, removeEventListener: vi.fn() };
    vi.stubGlobal('addEventListener', on);
    vi.stubGlobal('removeEventListener', vi.fn());
    vi.stubGlobal('document', doc);
    // A backoff far longer than the test: only the wake-up can bring the socket back.
    const { rt } = connect({ backoff: { base: 60_000, cap: 60_000 } });
    await connected(rt);

    (await server.connection(1)).close(1012);
    await vi.waitFor(() => expect(rt.status.value).toBe('reconnecting'));
    listeners.get('online')!();
    await server.connection(2);
    await connected(rt);

    (await server.connection(2)).close(1012);
    await vi.waitFor(() => expect(rt.status.value).toBe('reconnecting'));
    listeners.get('visibilitychange')!();
    await server.connection(3);
    await connected(rt);

    rt.close();
    expect(doc.removeEventListener).toHaveBeenCalledWith('visibilitychange', expect.any(Function));
  });
});
