/**
 * A `CallHost` as the console (agent token) or the call page (visitor session token) builds
 * it: plain `fetch` and an own realtime socket, against the real server.
 */
import WebSocket from 'ws';
import type { ClientFrame, ServerFrame, SdkToken } from '../../../src/contract/extensions.ts';
import type { CallHost } from '../../../src/calls/types.ts';
import { RuntimeError } from '../../../src/errors.ts';
import type { TestServer } from '../../helpers/server.ts';

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
  const minted = (await (
    await fetch(`${server.baseUrl}/server/sdk-token/agent`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.serverApiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: 'agent-demo' }),
    })
  ).json()) as { data: SdkToken };
  return minted.data.token;
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
