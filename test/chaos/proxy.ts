/**
 * A loopback TCP proxy of our own between clients and the reference server, for the chaos
 * suite. It carries HTTP and WebSocket traffic alike and classifies each connection from its
 * first bytes (a request head with `Upgrade: websocket` is `ws`, anything else `http`), so a
 * fault can hit one kind and spare the other.
 *
 * Faults are commands, not schedules: a scenario decides when to call them.
 * - `delay(ms)` holds every chunk (both directions) for `ms` before forwarding it, in order;
 * - `blackhole(true)` stops forwarding while both sockets stay open: a half-open connection.
 *   Bytes are held, not dropped, as TCP would retransmit them once the route is back, so a
 *   healed stream is never corrupted mid-frame;
 * - `reset()` destroys the current connections abruptly (RST to the client, no close frame);
 * - `refuse(true)` closes new connections as soon as they are classified: "offline";
 * - `cut()` is `reset()` + `refuse(true)`; `heal()` lifts every fault;
 * - `retarget(port)` sends new connections to another upstream port (a restarted server).
 * Playwright's `setOffline` does not cut open WebSockets, which is why this exists.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** What a connection carries, decided from its first bytes. */
export type TrafficKind = 'http' | 'ws';
const KINDS: readonly TrafficKind[] = ['http', 'ws'];

interface Faults {
  delayMs: number;
  blackhole: boolean;
  refuse: boolean;
}

/** What the proxy has done so far. */
export interface ProxyCounters {
  /** Connections classified and forwarded, per kind. */
  readonly connections: Readonly<Record<TrafficKind, number>>;
  /** Connections closed at once because their kind was refused. */
  readonly refused: number;
  /** Connections destroyed by `reset()`/`cut()`. */
  readonly resets: number;
  /** Connections open right now, per kind. */
  readonly open: Readonly<Record<TrafficKind, number>>;
  /**
   * Chunks held right now (by a delay or a blackhole), per direction: `toClient > 0` under a
   * delay means an answer has left the server and not yet reached its client.
   */
  readonly held: Readonly<{ toServer: number; toClient: number }>;
}

export interface ChaosProxy {
  /** `http://127.0.0.1:PORT`: put `/api` after it for a runtime's `baseUrl`. */
  readonly origin: string;
  readonly port: number;
  /** Holds every chunk of `kind` (both kinds when omitted) for `ms` before forwarding it. */
  delay(ms: number, kind?: TrafficKind): void;
  /** Stops (or resumes) forwarding bytes of `kind`; the sockets stay open. */
  blackhole(on: boolean, kind?: TrafficKind): void;
  /** Destroys the open connections of `kind` abruptly; answers how many. */
  reset(kind?: TrafficKind): number;
  /** New connections of `kind` are (or are no longer) closed as soon as they are classified. */
  refuse(on: boolean, kind?: TrafficKind): void;
  /** `reset(kind)` then `refuse(true, kind)`: the network is gone. */
  cut(kind?: TrafficKind): number;
  /** Lifts every fault of every kind (held bytes flow again). */
  heal(): void;
  /** New connections go to this upstream port from now on. */
  retarget(port: number): void;
  readonly counters: ProxyCounters;
  /**
   * The bytes held right now in one direction (by a delay or a blackhole), as text, one string
   * per connection that holds some (with one request at a time per connection: one message).
   */
  peek(direction: 'toServer' | 'toClient'): string[];
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
}

interface Pipe {
  direction: 'toServer' | 'toClient';
  /** Chunks (or the end of the stream, `null`) waiting, with when each may go. */
  queue: Array<{ data: Buffer | null; at: number }>;
  timer?: ReturnType<typeof setTimeout>;
  to: net.Socket;
}

interface Connection {
  kind: TrafficKind;
  client: net.Socket;
  upstream: net.Socket;
  pipes: Pipe[];
}

// A request head longer than this without its blank line is not HTTP we care about: call it http.
const MAX_HEAD = 16 * 1024;
const isUpgrade = (head: string) => /^upgrade:\s*websocket\s*$/im.test(head);

/** Starts a proxy on a random loopback port in front of `targetPort`. */
export async function startProxy(targetPort: number): Promise<ChaosProxy> {
  let target = targetPort;
  const faults: Record<TrafficKind, Faults> = {
    http: { delayMs: 0, blackhole: false, refuse: false },
    ws: { delayMs: 0, blackhole: false, refuse: false },
  };
  const live = new Set<Connection>();
  // Sockets not classified yet (no full request head so far).
  const pending = new Set<net.Socket>();
  const connections: Record<TrafficKind, number> = { http: 0, ws: 0 };
  let refused = 0;
  let resets = 0;
  const kindsOf = (kind?: TrafficKind) => (kind ? [kind] : KINDS);

  function drain(conn: Connection, pipe: Pipe) {
    clearTimeout(pipe.timer);
    pipe.timer = undefined;
    while (pipe.queue.length && !faults[conn.kind].blackhole && !pipe.to.destroyed) {
      const head = pipe.queue[0]!;
      const wait = head.at - Date.now();
      if (wait > 0) {
        pipe.timer = setTimeout(() => drain(conn, pipe), wait);
        return;
      }
      pipe.queue.shift();
      if (head.data) pipe.to.write(head.data);
      else pipe.to.end();
    }
  }

  function forward(conn: Connection, from: net.Socket, pipe: Pipe, first?: Buffer) {
    const push = (data: Buffer | null) => {
      // Order is kept even when the delay shrinks: a chunk never overtakes the one before it.
      pipe.queue.push({ data, at: Date.now() + faults[conn.kind].delayMs });
      drain(conn, pipe);
    };
    if (first) push(first);
    from.on('data', (chunk: Buffer) => push(chunk));
    from.on('end', () => push(null));
  }

  function open(client: net.Socket, head: Buffer) {
    pending.delete(client);
    client.removeAllListeners('data');
    client.pause();
    const kind: TrafficKind = isUpgrade(head.toString('latin1')) ? 'ws' : 'http';
    if (faults[kind].refuse) {
      refused++;
      client.resetAndDestroy();
      return;
    }
    connections[kind]++;
    const upstream = net.connect(target, '127.0.0.1');
    const conn: Connection = { kind, client, upstream, pipes: [] };
    const up: Pipe = { direction: 'toServer', queue: [], to: upstream };
    const down: Pipe = { direction: 'toClient', queue: [], to: client };
    conn.pipes.push(up, down);
    live.add(conn);
    // A graceful close travels through the pipe (its end is queued behind the data, so a delay
    // holds it too); an abrupt one (RST, an error) cuts the other side at once.
    const gone = () => {
      if (client.destroyed && upstream.destroyed) live.delete(conn);
    };
    client.on('close', (hadError) => {
      if (hadError) upstream.destroy();
      gone();
    });
    upstream.on('close', (hadError) => {
      if (hadError && !client.destroyed) client.resetAndDestroy();
      gone();
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroyed || client.resetAndDestroy());
    forward(conn, client, up, head);
    forward(conn, upstream, down);
    client.resume();
  }

  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    pending.add(client);
    client.on('error', () => pending.delete(client));
    client.on('close', () => pending.delete(client));
    let head = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      if (head.includes('\r\n\r\n') || head.length > MAX_HEAD) open(client, head);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  function reset(kind?: TrafficKind): number {
    let n = 0;
    for (const conn of [...live]) {
      if (kind && conn.kind !== kind) continue;
      live.delete(conn);
      for (const pipe of conn.pipes) clearTimeout(pipe.timer);
      conn.client.resetAndDestroy();
      conn.upstream.destroy();
      n++;
    }
    resets += n;
    return n;
  }
  const refuse = (on: boolean, kind?: TrafficKind) => {
    for (const k of kindsOf(kind)) faults[k].refuse = on;
  };
  const flowAgain = () => {
    for (const conn of live) for (const pipe of conn.pipes) drain(conn, pipe);
  };

  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    delay(ms, kind) {
      for (const k of kindsOf(kind)) faults[k].delayMs = ms;
    },
    blackhole(on, kind) {
      for (const k of kindsOf(kind)) faults[k].blackhole = on;
      if (!on) flowAgain();
    },
    reset,
    refuse,
    cut(kind) {
      refuse(true, kind);
      return reset(kind);
    },
    heal() {
      for (const k of KINDS) faults[k] = { delayMs: 0, blackhole: false, refuse: false };
      flowAgain();
    },
    retarget(next) {
      target = next;
    },
    get counters(): ProxyCounters {
      const openNow = { http: 0, ws: 0 };
      const held = { toServer: 0, toClient: 0 };
      for (const conn of live) {
        openNow[conn.kind]++;
        for (const pipe of conn.pipes) if (!pipe.to.destroyed) held[pipe.direction] += pipe.queue.filter((item) => item.data).length;
      }
      return { connections: { ...connections }, refused, resets, open: openNow, held };
    },
    peek(direction) {
      const held: string[] = [];
      for (const conn of live) {
        for (const pipe of conn.pipes) {
          const chunks = pipe.direction === direction ? pipe.queue.flatMap((item) => (item.data ? [item.data] : [])) : [];
          if (chunks.length) held.push(Buffer.concat(chunks).toString('latin1'));
        }
      }
      return held;
    },
    async close() {
      for (const socket of pending) socket.destroy();
      reset();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
