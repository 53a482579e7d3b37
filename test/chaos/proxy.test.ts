/**
 * The chaos proxy itself: each fault does to real HTTP and WebSocket clients what the
 * scenarios rely on. The upstream is a tiny HTTP server that answers its port, with a `ws`
 * echo socket on it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { type ChaosProxy, startProxy } from './proxy.ts';

interface Upstream {
  port: number;
  close(): Promise<void>;
}

async function upstream(): Promise<Upstream> {
  const server = http.createServer((_, res) => res.end(String((server.address() as AddressInfo).port)));
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => socket.on('message', (data) => socket.send(String(data))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A connected echo socket through the proxy, with every message it got. */
async function echoSocket(proxy: ChaosProxy) {
  const ws = new WebSocket(`ws://127.0.0.1:${proxy.port}/`);
  const got: string[] = [];
  ws.on('message', (data) => got.push(String(data)));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, got, closed };
}

// A fresh connection per request, so each one meets the proxy's current faults.
const get = async (proxy: ChaosProxy) => (await fetch(`${proxy.origin}/`, { headers: { connection: 'close' } })).text();

let a: Upstream;
let b: Upstream;
let proxy: ChaosProxy;
beforeAll(async () => {
  [a, b] = await Promise.all([upstream(), upstream()]);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
});
afterEach(() => proxy?.close());

describe('chaos proxy', () => {
  it('forwards HTTP and WebSocket traffic and counts each kind', async () => {
    proxy = await startProxy(a.port);
    expect(await get(proxy)).toBe(String(a.port));
    const { ws, got } = await echoSocket(proxy);
    ws.send('hello');
    await expect.poll(() => got).toEqual(['hello']);
    expect(proxy.counters.connections).toEqual({ http: 1, ws: 1 });
    ws.close();
  });

  it('a reset closes an open WebSocket abruptly (no close frame: 1006)', async () => {
    proxy = await startProxy(a.port);
    const { closed } = await echoSocket(proxy);
    expect(proxy.reset('ws')).toBe(1);
    expect(await closed).toBe(1006);
    expect(proxy.counters.resets).toBe(1);
  });

  it('a blackhole stops bytes while the socket stays open, and held bytes flow after heal', async () => {
    proxy = await startProxy(a.port);
    const { ws, got } = await echoSocket(proxy);
    proxy.blackhole(true, 'ws');
    ws.send('into the void');
    // HTTP is spared: a full request/response through the same proxy completes while the
    // echo (a shorter round trip on an open socket) still has not come back.
    expect(await get(proxy)).toBe(String(a.port));
    expect(await get(proxy)).toBe(String(a.port));
    expect(got).toEqual([]);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    proxy.heal();
    await expect.poll(() => got).toEqual(['into the void']);
    ws.close();
  });

  it('refuse closes new connections at once ("offline") and heal lets them through again', async () => {
    proxy = await startProxy(a.port);
    proxy.refuse(true);
    await expect(get(proxy)).rejects.toThrow();
    await expect(echoSocket(proxy)).rejects.toThrow();
    expect(proxy.counters.refused).toBe(2);
    proxy.heal();
    expect(await get(proxy)).toBe(String(a.port));
  });

  it('cut drops what is open and refuses what comes, for one kind only', async () => {
    proxy = await startProxy(a.port);
    const { closed } = await echoSocket(proxy);
    proxy.cut('ws');
    expect(await closed).toBe(1006);
    await expect(echoSocket(proxy)).rejects.toThrow();
    expect(await get(proxy)).toBe(String(a.port));
  });

  it('delay holds each chunk for the given time', async () => {
    proxy = await startProxy(a.port);
    proxy.delay(300, 'http');
    const started = performance.now();
    expect(await get(proxy)).toBe(String(a.port));
    // Request and response are each held 300 ms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(590);
  });

  it('retarget sends new connections to another upstream behind the same address', async () => {
    proxy = await startProxy(a.port);
    expect(await get(proxy)).toBe(String(a.port));
    proxy.retarget(b.port);
    expect(await get(proxy)).toBe(String(b.port));
  });
});
