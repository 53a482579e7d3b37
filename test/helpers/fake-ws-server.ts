/**
 * A real `ws` server on port 0 that plays the realtime protocol (extensions.md §6) the way each
 * test scripts it, for faults the reference server will not produce on demand: a socket that
 * goes silent, a close with a given code, a refused token. Both ends are real sockets.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientFrame, ServerFrame } from '../../src/contract/extensions.ts';
import { hooked } from './hooked.ts';

/** One client connection as the server sees it. */
export interface FakeConnection {
  /** Frames the client sent, parsed. */
  readonly frames: ClientFrame[];
  /** The request path and query the client connected to. */
  readonly url: string;
  send(frame: ServerFrame | string): void;
  close(code: number, reason?: string): void;
  /** Drops the TCP connection without a close frame. */
  terminate(): void;
  /** Resolves with the close code when the connection ends. */
  readonly closed: Promise<number>;
}

/** What the server does with an `auth` frame. */
export type AuthReply = 'ready' | 'silent' | { close: number };

export interface FakeWsServer {
  /** `ws://127.0.0.1:PORT/api/realtime` */
  url: string;
  readonly connections: FakeConnection[];
  /** Decides the answer to each `auth` frame. @default always 'ready' */
  onAuth: (token: string, connection: FakeConnection) => AuthReply;
  /** Answer `ping` with `pong`. @default true */
  answerPings: boolean;
  /** Resolves with the `n`-th connection (1-based) once it exists. */
  connection(n: number): Promise<FakeConnection>;
  close(): Promise<void>;
}

export async function startFakeWsServer(): Promise<FakeWsServer> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const waiters: Array<() => void> = [];
  const server: FakeWsServer = {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/api/realtime`,
    connections: [],
    onAuth: () => 'ready',
    answerPings: true,
    async connection(n) {
      while (server.connections.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
      return server.connections[n - 1]!;
    },
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };

  wss.on('connection', (socket: WebSocket, request) => {
    const frames: ClientFrame[] = [];
    const connection: FakeConnection = {
      frames,
      url: request.url ?? '',
      send: (frame) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
      close: (code, reason) => socket.close(code, reason),
      terminate: () => socket.terminate(),
      closed: new Promise((resolve) => socket.once('close', resolve)),
    };
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ClientFrame;
      frames.push(frame);
      if (frame.type === 'ping' && server.answerPings) connection.send({ type: 'pong', t: frame.t });
      if (frame.type !== 'auth') return;
      const reply = server.onAuth(frame.token, connection);
      if (reply === 'ready') connection.send({ type: 'ready', role: 'visitor', subject: 'vis_1', serverTime: new Date().toISOString() });
      else if (reply !== 'silent') connection.close(reply.close);
    });
    server.connections.push(connection);
    for (const wake of waiters.splice(0)) wake();
  });
  return server;
}

/**
 * A fresh fake server for every test of the file, as a stable stand-in ({@link hooked}): setting
 * a field (`server.answerPings = false`) reaches the current test's server. It closes after the
 * file's own `afterEach` hooks, so what a test opened is closed first.
 */
export function useFakeWsServer(): FakeWsServer {
  return hooked({ name: 'the fake ws server', open: startFakeWsServer, close: (server) => server.close(), per: 'test' });
}
