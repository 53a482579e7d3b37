/** A test WebSocket client that queues frames so tests can await the next one. */
import { afterAll, afterEach } from 'vitest';
import WebSocket from 'ws';
import type { ServerFrame } from '../../src/contract/extensions.ts';

export interface TestSocket {
  ws: WebSocket;
  /** Resolves with the next frame (optionally the next matching one). */
  next(match?: (frame: ServerFrame) => boolean): Promise<ServerFrame>;
  /** Resolves when the server closes the socket. */
  closed: Promise<{ code: number; reason: string }>;
  send(frame: unknown): void;
  close(): void;
}

export async function openSocket(baseUrl: string, headers: Record<string, string> = {}): Promise<TestSocket> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/realtime`, { headers });
  const queue: ServerFrame[] = [];
  const waiters: Array<{ match: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }> = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as ServerFrame;
    const i = waiters.findIndex((w) => w.match(frame));
    if (i >= 0) waiters.splice(i, 1)[0]?.resolve(frame);
    else queue.push(frame);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    closed,
    next(match = () => true) {
      const i = queue.findIndex(match);
      if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0] as ServerFrame);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    close: () => ws.close(),
  };
}

/** Opens a socket and authenticates; resolves after `ready`. */
export async function connect(baseUrl: string, token: string, headers: Record<string, string> = {}): Promise<TestSocket> {
  const socket = await openSocket(baseUrl, headers);
  socket.send({ type: 'auth', token });
  const ready = await socket.next();
  if (ready.type !== 'ready') throw new Error(`expected ready, got ${JSON.stringify(ready)}`);
  return socket;
}

/**
 * Sockets a test opens and must not outlive it: each socket handed to the returned `track` is
 * closed once the test ends (`afterEach`, pass or fail), or with `'suite'` once the tests of the
 * file (or of the `describe` it is called in) have run: for suites whose database snapshots must
 * not see one test's socket close land in the next. Call it after `useContractServer`, so
 * `'suite'` sockets close before the server does. `track` answers the socket it was given.
 * @example const track = trackSockets(); … const agentSocket = track(await connect(server.baseUrl, agent));
 */
export function trackSockets(until: 'test' | 'suite' = 'test'): (socket: TestSocket) => TestSocket {
  const open: TestSocket[] = [];
  (until === 'test' ? afterEach : afterAll)(() => {
    for (const socket of open.splice(0)) socket.close();
  });
  return (socket) => (open.push(socket), socket);
}
