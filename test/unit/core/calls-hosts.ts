/**
 * The two sides of a call test against the real server: a `CallHost` as the console (agent
 * token) or the call page (visitor session token) builds it, with plain `fetch` and an own
 * realtime socket; and a visitor runtime whose calls use fake media.
 */
import { afterEach, expect, vi } from 'vitest';
import WebSocket from 'ws';
import type { CallSession, ClientFrame, ServerFrame } from '../../../src/contract/extensions.ts';
import type { CallHost } from '../../../src/calls/types.ts';
import { RuntimeError } from '../../../src/errors.ts';
import type { Runtime } from '../../../src/index.ts';
import type { TestServer } from '../../helpers/server.ts';
import { demoAgentToken } from './agent.ts';
import { FakeRTC, fakeMedia, peerConnections, type FakeMedia } from './calls-fakes.ts';
import { startVisitor } from './visitor.ts';

/** For `vi.waitFor`: calls cross sockets and the machine's cores are shared, so wait longer than its 1 s default. */
export const patient = { timeout: 5_000 };

export interface TestCallHost extends CallHost {
  /** Every frame the agent's socket got. */
  readonly frames: ServerFrame[];
  /** Every frame sent, and whether the socket took it. */
  readonly sent: Array<{ frame: ClientFrame; ok: boolean }>;
  /** Requests made with `keepalive` (a hang-up as the page goes away), as `METHOD path`. */
  readonly keptAlive: string[];
  /** While set and true for a frame, `send` says the socket is not open (as while it reconnects). */
  refuse: ((frame: ClientFrame) => boolean) | null;
  /** The socket is ready again: runs the `onReady` listeners. */
  ready(): void;
  close(): void;
}

async function tokenOf(server: TestServer, role: CallHost['role']): Promise<string> {
  if (role === 'visitor') {
    const r = await fetch(`${server.baseUrl}/sdk/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.origin },
      body: JSON.stringify({ slug: server.slug }),
    });
    return ((await r.json()) as { data: { sessionToken: string } }).data.sessionToken;
  }
  return demoAgentToken(server);
}

/**
 * @param role `agent` (the demo agent) or `visitor` (a new visitor)
 * @param drop frames the host's listeners never get (as if the socket missed them)
 */
export async function callHost(
  server: TestServer,
  media: Pick<CallHost, 'mediaDevices' | 'RTCPeerConnection'>,
  role: CallHost['role'] = 'agent',
  drop: (frame: ServerFrame) => boolean = () => false,
): Promise<TestCallHost> {
  const token = await tokenOf(server, role);
  const listeners = new Set<(frame: ServerFrame) => void>();
  const readies = new Set<() => void>();
  const frames: ServerFrame[] = [];
  const ws = new WebSocket(`${server.baseUrl.replace(/^http/, 'ws')}/realtime`);
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token })));
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      if (frame.type === 'ready') return resolve();
      frames.push(frame);
      if (!drop(frame)) for (const l of listeners) l(frame);
    });
    ws.on('error', reject);
  });
  const host: TestCallHost = {
    role,
    ...media,
    frames,
    sent: [],
    keptAlive: [],
    refuse: null,
    async request<T>(method: string, path: string, body?: unknown, options?: { keepalive?: boolean }): Promise<T> {
      if (options?.keepalive) host.keptAlive.push(`${method} ${path}`);
      const response = await fetch(`${server.baseUrl}/${path}`, {
        method,
        keepalive: options?.keepalive,
        headers: { 'X-Ringnity-SDK-Session': token, ...(body !== undefined && { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const envelope = (await response.json()) as { success: boolean; data: T; code: RuntimeError['code']; message: string };
      if (!envelope.success) throw new RuntimeError(envelope.code, envelope.message, { status: response.status });
      return envelope.data;
    },
    send(frame) {
      const ok = ws.readyState === WebSocket.OPEN && !host.refuse?.(frame);
      host.sent.push({ frame, ok });
      if (ok) ws.send(JSON.stringify(frame));
      return ok;
    },
    onFrame(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onReady(listener) {
      readies.add(listener);
      return () => readies.delete(listener);
    },
    ready: () => {
      for (const l of readies) l();
    },
    close: () => ws.close(),
  };
  return host;
}

/** Opens a host with fake media (an agent unless `role` says otherwise) that is closed after the test. */
export type OpenHost = (server: TestServer, media?: FakeMedia, role?: CallHost['role'], drop?: (frame: ServerFrame) => boolean) => Promise<TestCallHost>;

/**
 * Registers the clean-up of a test file's call hosts: after each test every host it opened is
 * closed and the fake peer connections are forgotten.
 */
export function useCallHosts(): OpenHost {
  const hosts: TestCallHost[] = [];
  afterEach(() => {
    for (const h of hosts.splice(0)) h.close();
    peerConnections.splice(0);
  });
  return async (server, media = fakeMedia(), role = 'agent', drop) => {
    const host = await callHost(server, { mediaDevices: media.devices, RTCPeerConnection: FakeRTC }, role, drop);
    hosts.push(host);
    return host;
  };
}

/** The latest `call.updated` the host's socket got for the call, once it says `status`. */
export async function seenCall(host: TestCallHost, callId: string, status: CallSession['status']): Promise<CallSession> {
  let found: CallSession | undefined;
  await vi.waitFor(() => {
    found = host.frames.flatMap((f) => (f.type === 'call.updated' && f.call.id === callId && f.call.status === status ? [f.call] : [])).at(-1);
    expect(found).toBeDefined();
  }, patient);
  return found!;
}

/** A started visitor runtime (pushed to `runtimes` to destroy) with `Hello` sent, and its loaded calls on `media`. */
export async function callingVisitor(server: TestServer, runtimes: Runtime[], media = fakeMedia()) {
  const { runtime, id } = await startVisitor(server, 'Hello', { mediaDevices: media.devices, RTCPeerConnection: FakeRTC });
  runtimes.push(runtime);
  return { runtime, conversationId: id, calls: await runtime.calls(), media };
}
