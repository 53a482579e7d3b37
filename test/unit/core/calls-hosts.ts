/**
 * A `CallHost` as the console (agent token) or the call page (visitor session token) builds
 * it: plain `fetch` and an own realtime socket, against the real server.
 */
import WebSocket from 'ws';
import type { ServerFrame, SdkToken } from '../../../src/contract/extensions.ts';
import type { CallHost } from '../../../src/calls/types.ts';
import { RuntimeError } from '../../../src/errors.ts';
import type { TestServer } from '../../helpers/server.ts';

export interface TestCallHost extends CallHost {
  /** Every frame the agent's socket got. */
  readonly frames: ServerFrame[];
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
  return {
    role,
    ...media,
    frames,
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${server.baseUrl}/${path}`, {
        method,
        headers: { 'X-Ringnity-SDK-Session': token, ...(body !== undefined && { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const envelope = (await response.json()) as { success: boolean; data: T; code: RuntimeError['code']; message: string };
      if (!envelope.success) throw new RuntimeError(envelope.code, envelope.message, { status: response.status });
      return envelope.data;
    },
    send(frame) {
      if (ws.readyState !== WebSocket.OPEN) return false;
      ws.send(JSON.stringify(frame));
      return true;
    },
    onFrame(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => ws.close(),
  };
}
