/**
 * A tiny real HTTP server on port 0 whose answers each test scripts, for faults the reference
 * server cannot be made to produce on demand (a proxy's HTML 502, a Retry-After, a dropped
 * connection). Records every request it gets.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, vi } from 'vitest';
import { hooked } from '../../helpers/hooked.ts';

export interface Recorded {
  method: string;
  /** Path and query, without the `/api` prefix. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  /** Destroy the connection instead of answering (a network failure). */
  drop?: boolean;
}

export type Handler = (request: Recorded, index: number) => Reply | Promise<Reply>;

export interface FaultServer {
  /** `http://127.0.0.1:PORT/api` */
  baseUrl: string;
  requests: Recorded[];
  /** Sets how the next requests are answered. */
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export const ok = (data: unknown): Reply => ({ body: { success: true, data } });
export const fail = (status: number, code: string, message = `${code} from the fault server`, details?: string[]): Reply => ({
  status,
  body: { success: false, code, message, ...(details && { details }) },
});

export async function startFaultServer(): Promise<FaultServer> {
  const requests: Recorded[] = [];
  let handler: Handler = () => fail(404, 'ROUTE_NOT_FOUND');
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', async () => {
      const recorded = { method: req.method ?? 'GET', url: (req.url ?? '').replace(/^\/api/, ''), headers: req.headers, body };
      requests.push(recorded);
      const reply = await handler(recorded, requests.length - 1);
      if (reply.drop) return void req.socket.destroy();
      const text = typeof reply.body === 'string' ? reply.body : reply.body === undefined ? '' : JSON.stringify(reply.body);
      res.writeHead(reply.status ?? 200, {
        'content-type': typeof reply.body === 'string' ? 'text/html' : 'application/json',
        ...reply.headers,
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api`,
    requests,
    handle: (next) => void (handler = next),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A fault server for one file, as a stable stand-in ({@link hooked}); after each test the real
 * timers are back and the recorded requests are cleared, so each test reads (and indexes) only
 * its own.
 */
export function useFaultServer(): FaultServer {
  const server = hooked({ name: 'the fault server', open: startFaultServer, close: (started) => started.close() });
  afterEach(() => {
    vi.useRealTimers();
    server.requests.length = 0;
  });
  return server;
}

/** A port nothing listens on: connecting fails at once. */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/api`;
}

/** Lets pending I/O callbacks run (real `setImmediate`, untouched by fake timers that fake only `setTimeout`). */
export const tick = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Waits on real I/O turns until `check` holds, for use while `setTimeout` is faked (where
 * `vi.waitFor` would advance the fake clock itself). `performance.now` is never faked here.
 */
export async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`condition not reached within ${ms} ms`);
    await tick();
  }
}
