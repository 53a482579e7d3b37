import { afterAll, afterEach, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import WebSocket from 'ws';
import { createMemoryStorage, createRuntime, isRuntimeError, type Runtime, type RuntimeError, type RuntimeOptions, type RuntimeStatus } from '../../../src/index.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { agentOf, type Agent } from './agent.ts';
import { closedPortUrl, tick, until } from './fault-server.ts';

// What a visitor's UI is told when the connection is in trouble: typed `RuntimeError`s on the
// `error` event and a `status` to show, never console noise. Against the real server; the
// network is cut by a socket class that dials a dead port, and the browser's `online`/`offline`
// events are stood in for (Node has none).

let server: TestServer;
let agent: Agent;
let nowhere: string;
const runtimes: Runtime[] = [];
const gate = { open: true, sockets: [] as WebSocket[] };
class GatedWebSocket extends WebSocket {
  constructor(url: string) {
    super(gate.open ? url : nowhere);
    gate.sockets.push(this);
  }
}
const listeners = new Map<string, Set<() => void>>();
const fire = (type: string) => listeners.get(type)?.forEach((fn) => fn());
let consoleSpies: MockInstance[] = [];

beforeAll(async () => {
  server = await startTestServer({ log: false, rateLimits: { messages: { burst: 2, perMinute: 1 } } });
  agent = await agentOf(server);
  nowhere = (await closedPortUrl()).replace(/^http/, 'ws');
});
afterEach(() => {
  for (const runtime of runtimes.splice(0)) runtime.destroy();
  // Whatever happened, the runtime said it through events, never on the console.
  for (const spy of consoleSpies) expect(spy).not.toHaveBeenCalled();
  vi.restoreAllMocks();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  gate.open = true;
  listeners.clear();
});
afterAll(() => server.close());

async function visitor(options: Partial<RuntimeOptions> = {}) {
  consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((name) => vi.spyOn(console, name));
  vi.stubGlobal('addEventListener', (type: string, fn: () => void) => listeners.set(type, (listeners.get(type) ?? new Set()).add(fn)));
  vi.stubGlobal('removeEventListener', (type: string, fn: () => void) => listeners.get(type)?.delete(fn));
  const runtime = createRuntime({ baseUrl: server.baseUrl, slug: server.slug, WebSocket: GatedWebSocket, storage: createMemoryStorage(), ...options });
  runtimes.push(runtime);
  const errors: RuntimeError[] = [];
  const statuses: RuntimeStatus[] = [];
  runtime.on('error', (e) => errors.push(e));
  runtime.status.subscribe((s) => statuses.push(s));
  await runtime.start();
  if (options.realtime !== false) await vi.waitFor(() => expect(runtime.status.value).toBe('connected'));
  return { runtime, errors, statuses };
}

describe('surfaced connection errors', () => {
  it('emits NETWORK_UNAVAILABLE and shows offline when the browser goes offline, and is connected again at once when it is back', async () => {
    const { runtime, errors } = await visitor();
    vi.stubGlobal('navigator', { onLine: false });
    gate.open = false;
    fire('offline');
    gate.sockets.at(-1)!.terminate();
    await vi.waitFor(() => expect(runtime.status.value).toBe('offline'));
    expect(errors.map((e) => [isRuntimeError(e), e.code, e.retryable])).toEqual([[true, 'NETWORK_UNAVAILABLE', true]]);

    vi.stubGlobal('navigator', { onLine: true });
    gate.open = true;
    fire('online');
    await vi.waitFor(() => expect(runtime.status.value).toBe('connected'), { timeout: 1_000 });
  });

  it('emits REALTIME_DISCONNECTED once, and shows reconnecting, when the socket is not back after 3 attempts', async () => {
    const { runtime, errors, statuses } = await visitor();
    gate.open = false;
    gate.sockets.at(-1)!.terminate();
    await vi.waitFor(() => expect(runtime.status.value).toBe('reconnecting'));
    // The device keeps saying it is online (a captive portal, a server that is down): every
    // wake-up tries at once and fails.
    for (let i = 0; i < 3; i++) {
      const dialled = gate.sockets.length;
      fire('online');
      await vi.waitFor(() => expect(gate.sockets.length).toBe(dialled + 1));
      await until(() => gate.sockets.at(-1)!.readyState === WebSocket.CLOSED);
      await tick();
    }
    expect(errors.map((e) => [e.code, e.retryable])).toEqual([['REALTIME_DISCONNECTED', true]]);
    expect(runtime.status.value).toBe('reconnecting');

    gate.open = true;
    fire('online');
    await vi.waitFor(() => expect(runtime.status.value).toBe('connected'));
    expect(statuses).toEqual(['idle', 'connecting', 'connected', 'reconnecting', 'connected']);
  });

  it('emits RATE_LIMITED with the delay to show ("try again in N s") while the send stays pending, not hung', async () => {
    const { runtime, errors } = await visitor();
    await runtime.conversation.send('one');
    await runtime.conversation.send('two');
    await vi.waitFor(() => expect(runtime.conversation.messages.value.map((m) => m.state)).toEqual(['sent', 'sent']));
    await runtime.conversation.send('three');
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryable: true });
    // The server asked for a minute; the client never waits more than 30 s.
    expect(errors[0]!.retryAfterMs).toBeGreaterThan(0);
    expect(errors[0]!.retryAfterMs).toBeLessThanOrEqual(30_000);
    expect(runtime.conversation.messages.value.map((m) => [m.body, m.state])).toEqual([
      ['one', 'sent'],
      ['two', 'sent'],
      ['three', 'sending'],
    ]);
    expect((await agent.messages(runtime.conversation.id.value!)).map((m) => m.body)).toEqual(['one', 'two']);
  });
});
