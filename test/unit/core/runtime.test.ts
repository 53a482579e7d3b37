import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import * as core from '../../../src/index.ts';
import { createMemoryStorage, createRuntime, isRuntimeError, type Message, type Runtime, type RuntimeOptions } from '../../../src/index.ts';
import { realtimeUrl } from '../../../src/runtime.ts';
import { startFakeWsServer } from '../../helpers/fake-ws-server.ts';
import { startTestServer } from '../../helpers/server.ts';
import { useRealServer } from './real-server.ts';

const real = useRealServer();
const { runtimes } = real;

const visitor = (options: Partial<RuntimeOptions> = {}) => {
  const runtime = createRuntime({ baseUrl: real.server.baseUrl, slug: real.server.slug, WebSocket, storage: createMemoryStorage(), ...options });
  runtimes.push(runtime);
  return runtime;
};
const bodies = (runtime: Runtime) => runtime.conversation.messages.value.map((m) => m.body);

describe('the core under plain Node', () => {
  it('imports without touching window or document, and exports exactly the public API', async () => {
    // A separate Node process where touching `window` or `document` at import throws.
    const script = `
      for (const name of ['window', 'document', 'navigator', 'localStorage', 'indexedDB'])
        Object.defineProperty(globalThis, name, { get() { throw new Error('touched ' + name) }, configurable: true });
      const core = await import(${JSON.stringify(path.resolve('src/index.ts'))});
      console.log(Object.keys(core).sort().join(','));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
    expect(stdout.trim()).toBe('RuntimeError,createIdbStorage,createMemoryStorage,createRuntime,isRuntimeError');
    expect(Object.keys(core).sort()).toEqual(stdout.trim().split(','));
  });

  it('starts, sends, and gets the agent reply live, end to end', async () => {
    const runtime = visitor();
    const seen: Message[] = [];
    runtime.on('message', (m) => seen.push(m));
    await runtime.start();
    expect(runtime.bootstrap.value?.tenant.slug).toBe('acme');
    expect(runtime.conversation.id.value).toBeNull();

    const pending = await runtime.conversation.send('Do you ship to Norway?');
    expect(pending.state).toBe('sending');
    await vi.waitFor(() => expect(runtime.conversation.messages.value[0]).toMatchObject({ state: 'sent', key: pending.key, seq: 1 }));
    const id = runtime.conversation.id.value!;
    expect(runtime.conversation.info.value?.status).not.toBe('closed');
    await vi.waitFor(() => expect(runtime.status.value).toBe('connected'));

    await real.agent.send(id, 'Yes, to all of Scandinavia.');
    await vi.waitFor(() => expect(bodies(runtime)).toEqual(['Do you ship to Norway?', 'Yes, to all of Scandinavia.']));
    expect(runtime.conversation.messages.value[1]).toMatchObject({ senderType: 'agent', state: 'sent', seq: 2 });
    expect(seen.map((m) => m.body)).toEqual(['Yes, to all of Scandinavia.']);
  });

  it('counts replies that arrive while the visitor is not looking, and clears them when they look', async () => {
    const runtime = visitor();
    await runtime.start();
    await runtime.conversation.send('Hello?');
    await vi.waitFor(() => expect(runtime.conversation.id.value).not.toBeNull());
    await vi.waitFor(() => expect(runtime.status.value).toBe('connected'));
    await real.agent.send(runtime.conversation.id.value!, 'Hi!');
    await real.agent.send(runtime.conversation.id.value!, 'How can I help?');
    await vi.waitFor(() => expect(runtime.unread.value).toBe(2));
    runtime.setVisible(true);
    expect(runtime.unread.value).toBe(0);
    await real.agent.send(runtime.conversation.id.value!, 'Still there?');
    await vi.waitFor(() => expect(bodies(runtime)).toContain('Still there?'));
    expect(runtime.unread.value).toBe(0);
  });

  it('resumes the open conversation with its history, counting replies that came while away as unread', async () => {
    const storage = createMemoryStorage();
    const first = visitor({ storage });
    await first.start();
    await first.conversation.send('First visit');
    await vi.waitFor(() => expect(first.conversation.messages.value[0]?.state).toBe('sent'));
    await real.agent.send(first.conversation.id.value!, 'Welcome back any time');
    first.destroy();

    const second = visitor({ storage });
    await second.start();
    expect(second.conversation.id.value).toBe(first.conversation.id.value);
    expect(bodies(second)).toEqual(['First visit', 'Welcome back any time']);
    // The reply came while the visitor was away: it shows as unread until they look.
    expect(second.unread.value).toBe(1);
    second.setVisible(true);
    expect(second.unread.value).toBe(0);
    // Read now (the receipt went out): not unread on the next load.
    await vi.waitFor(async () => expect((await real.agent.messages(first.conversation.id.value!)).at(-1)?.readAt).toBeTruthy());
    second.destroy();
    const third = visitor({ storage });
    await third.start();
    expect(third.unread.value).toBe(0);
  });

  it('returns the same promise from start() while it runs and after it succeeded', async () => {
    const runtime = visitor();
    const started = runtime.start();
    expect(runtime.start()).toBe(started);
    await started;
    expect(runtime.start()).toBe(started);
  });
});

describe('start-up failures', () => {
  it('sets runtime.error and rejects start() for an unknown tenant', async () => {
    const runtime = visitor({ slug: 'no-such-tenant' });
    const errors: unknown[] = [];
    runtime.on('error', (e) => errors.push(e));
    const started = runtime.start();
    await expect(started).rejects.toMatchObject({ name: 'RuntimeError', code: 'SDK_CLIENT_NOT_FOUND', status: 404 });
    expect(runtime.error.value?.code).toBe('SDK_CLIENT_NOT_FOUND');
    expect(errors).toEqual([runtime.error.value]);
    expect(runtime.start()).toBe(started);
  });

  it('sets runtime.error for a page whose origin the tenant does not allow', async () => {
    const fromElsewhere: typeof fetch = (input, init) => {
      const request = new Request(input, init);
      request.headers.set('origin', 'https://not-allowed.example');
      return fetch(request);
    };
    const runtime = visitor({ fetch: fromElsewhere });
    const error = await runtime.start().catch((e: unknown) => e);
    expect(isRuntimeError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'SDK_ORIGIN_NOT_ALLOWED', status: 403 });
    expect(runtime.error.value).toBe(error);
  });

  it('fails before any request when realtime is on and there is no WebSocket', async () => {
    const requests: string[] = [];
    const counting: typeof fetch = (input, init) => {
      requests.push(String(input));
      return fetch(input, init);
    };
    const runtime = createRuntime({ baseUrl: real.server.baseUrl, slug: 'acme', fetch: counting, storage: createMemoryStorage() });
    runtimes.push(runtime);
    await expect(runtime.start()).rejects.toMatchObject({ code: 'REALTIME_DISCONNECTED', message: expect.stringMatching(/WebSocket/) });
    expect(requests).toEqual([]);
  });

  it('lets start() be called again after a transient failure', async () => {
    let down = true;
    const flaky: typeof fetch = (input, init) => (down ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init));
    const runtime = visitor({ fetch: flaky, realtime: false });
    await expect(runtime.start()).rejects.toMatchObject({ code: 'NETWORK_ERROR', retryable: true });
    expect(runtime.error.value).toBeNull();
    down = false;
    await expect(runtime.start()).resolves.toBeUndefined();
  });
});

describe('storage the browser refuses (private mode, IndexedDB blocked)', () => {
  const refused = () => Promise.reject(new DOMException('The operation is insecure.', 'SecurityError'));
  const blocked = { get: refused, set: refused, del: refused };

  it('starts and chats as a visitor of this page load', async () => {
    const runtime = visitor({ storage: blocked });
    await expect(runtime.start()).resolves.toBeUndefined();
    await runtime.conversation.send('Hi without storage');
    await vi.waitFor(() => expect(runtime.conversation.messages.value.map((m) => m.state)).toEqual(['sent']));
    expect(await runtime.hasVisitor()).toBe(true);
  });
});

describe('hasVisitor', () => {
  it('is false for a first-time visitor, without a request, and true once a visitor exists, on the next load too', async () => {
    const storage = createMemoryStorage();
    let requests = 0;
    const counting: typeof fetch = (input, init) => (requests++, fetch(input, init));
    const first = visitor({ storage, fetch: counting });
    expect(await first.hasVisitor()).toBe(false);
    expect(requests).toBe(0);
    await first.start();
    expect(await first.hasVisitor()).toBe(true);
    first.destroy();
    expect(await visitor({ storage }).hasVisitor()).toBe(true);
    // Another tenant's visitor in the same storage does not count.
    expect(await visitor({ storage, slug: 'other' }).hasVisitor()).toBe(false);
  });

  it('is false when the storage cannot be read', async () => {
    const refused = () => Promise.reject(new Error('blocked'));
    expect(await visitor({ storage: { get: refused, set: refused, del: refused } }).hasVisitor()).toBe(false);
  });
});

describe('token renewal on the open socket', () => {
  it('sends each renewed session token on the socket it already has, instead of reconnecting', async () => {
    // A one-second session, renewed at 0.8 s; the socket goes to a scripted server that shows what it got.
    const shortLived = await startTestServer({ log: false, sessionTtlSeconds: 1 });
    const ws = await startFakeWsServer();
    ws.onAuth = (_, c) => (c.frames.filter((f) => f.type === 'auth').length === 1 ? 'ready' : 'silent');
    class ToFake extends WebSocket {
      constructor() {
        super(ws.url);
      }
    }
    try {
      const runtime = visitor({ baseUrl: shortLived.baseUrl, WebSocket: ToFake });
      await runtime.start();
      const socket = await ws.connection(1);
      await vi.waitFor(() => expect(socket.frames.filter((f) => f.type === 'auth').length).toBeGreaterThanOrEqual(3), { timeout: 5_000 });
      expect(ws.connections).toHaveLength(1);
      expect(runtime.status.value).toBe('connected');
    } finally {
      await ws.close();
      await shortLived.close();
    }
  });
});

describe('realtimeUrl', () => {
  it('resolves the relative path and the older absolute one against an API under a proxy prefix', () => {
    expect(realtimeUrl('https://host/prefix/api', 'realtime')).toBe('wss://host/prefix/api/realtime');
    expect(realtimeUrl('https://host/prefix/api/', '/api/realtime')).toBe('wss://host/prefix/api/realtime');
    expect(realtimeUrl('http://127.0.0.1:8192/api', '/api/realtime')).toBe('ws://127.0.0.1:8192/api/realtime');
    expect(realtimeUrl('http://127.0.0.1:8192/api')).toBe('ws://127.0.0.1:8192/api/realtime');
    expect(realtimeUrl('https://host/api', 'wss://rt.host/socket')).toBe('wss://rt.host/socket');
  });

  it('connects to the socket the server advertises', async () => {
    const runtime = visitor();
    await runtime.start();
    await vi.waitFor(() => expect(runtime.status.value).toBe('connected'));
    expect(runtime.bootstrap.value?.sdk?.realtimePath).toBe('realtime');
  });
});
