/**
 * The realtime socket (extensions.md §6) as an explicit state machine behind a small public
 * `status` signal. Generic over the token, so the visitor runtime and the agent console share it.
 *
 *   idle ─connect→ opening ─ready→ open ─drop→ waiting ─timer/online/visible→ opening …
 *   any ─close()→ closed
 *
 * `opening` covers getting a token, opening the socket, sending `auth` and waiting for `ready`.
 */
import { signal, type ReadonlySignal } from '@preact/signals-core';
import { CLOSE_CODES, type ClientFrame, type ServerFrame } from './contract/extensions.ts';
import { RuntimeError, isRuntimeError } from './errors.ts';
import { backoff, type BackoffOptions } from './lib/backoff.ts';
import { createEmitter } from './lib/emitter.ts';
import { isOffline, onWake } from './lib/env.ts';
import { createLogger, type Logger } from './lib/log.ts';
import type { RuntimeStatus, WebSocketFactory, WebSocketLike } from './types.ts';

/** Options of {@link createRealtime}. */
export interface RealtimeOptions {
  /**
   * Absolute `ws:`/`wss:` URL of the socket.
   * @example 'wss://api.ringnity.com/api/realtime'
   */
  url: string;
  /** The token for the `auth` frame; called before every (re)connect. */
  getToken: () => Promise<string>;
  /**
   * The server closed with 4001 (invalid) or 4002 (expired) the socket authenticated with
   * `rejected`: get a fresh token before reconnecting (none needed if the held one is newer).
   */
  onTokenRejected?: (code: 4001 | 4002, rejected: string) => Promise<unknown>;
  /** The WebSocket constructor. @default globalThis.WebSocket (Node 20 has none: pass `ws`'s) */
  WebSocket?: WebSocketFactory;
  /** Ping interval; a socket silent for a whole interval after a ping is treated as dead. @default 25_000 */
  heartbeatMs?: number;
  /** Reconnect delays. @default { base: 500, cap: 30_000 } */
  backoff?: BackoffOptions;
  /** Failures that stop or degrade the connection (`REALTIME_DISCONNECTED`, a fatal token error). */
  onError?: (error: RuntimeError) => void;
  log?: Logger;
}

/** One realtime connection. */
export interface RealtimeConnection {
  readonly status: ReadonlySignal<RuntimeStatus>;
  /** Opens the socket (no-op while open or opening). Throws a `RuntimeError` when there is no WebSocket. */
  connect(): void;
  /** Closes the socket and stops every timer and listener; `connect()` may open it again. */
  close(): void;
  /** Every server frame except `ready` and `pong`. */
  onFrame(listener: (frame: ServerFrame) => void): () => void;
  /** After every accepted `auth`: the first connect and each reconnect (resume from here). */
  onReady(listener: () => void): () => void;
  /**
   * Sends a frame when the socket is ready; returns whether it was sent. An `auth` frame hands
   * the open socket a renewed token (extensions.md §6 "Token renewal").
   */
  send(frame: ClientFrame): boolean;
}

// Consecutive failed attempts after which the outage is reported (the socket keeps trying).
const REPORT_AFTER = 5;

/** The WebSocket constructor to use, or a `RuntimeError` saying how to provide one. */
export function requireWebSocket(given?: WebSocketFactory): WebSocketFactory {
  const found = given ?? (globalThis as { WebSocket?: WebSocketFactory }).WebSocket;
  if (found) return found;
  throw new RuntimeError('REALTIME_DISCONNECTED', 'Expected a WebSocket implementation, received none: pass `WebSocket` (under Node, from `ws`) or turn realtime off.', {
    retryable: false,
  });
}

export function createRealtime(options: RealtimeOptions): RealtimeConnection {
  const { url, getToken, heartbeatMs = 25_000 } = options;
  const log = options.log ?? createLogger();
  const status = signal<RuntimeStatus>('idle');
  const events = createEmitter<{ frame: ServerFrame; ready: undefined }>();

  // #region state
  let phase: 'idle' | 'opening' | 'open' | 'waiting' | 'closed' = 'idle';
  let socket: WebSocketLike | null = null;
  // Bumped whenever a socket is abandoned, so its late events are ignored.
  let generation = 0;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let heartbeatTimer: ReturnType<typeof setTimeout> | undefined;
  let alive = false;
  // The token the socket last authenticated with.
  let authToken = '';
  let unwake: (() => void) | undefined;

  // While not connected, an offline device shows as `offline`, whatever the machine is doing.
  const setStatus = (next: RuntimeStatus) => {
    status.value = next === 'reconnecting' && isOffline() ? 'offline' : next;
  };
  // #endregion

  // #region opening
  async function open() {
    clearTimeout(retryTimer);
    const mine = ++generation;
    const current = () => mine === generation;
    phase = 'opening';
    try {
      const token = (authToken = await getToken());
      if (!current()) return;
      const ws = (socket = new (requireWebSocket(options.WebSocket))(url));
      ws.addEventListener('open', () => {
        if (!current()) return;
        ws.send(JSON.stringify({ type: 'auth', token } satisfies ClientFrame));
        alive = true;
        heartbeatTimer = setTimeout(beat, heartbeatMs);
      });
      ws.addEventListener('message', (event) => current() && receive(event.data));
      ws.addEventListener('close', (event) => current() && dropped(event.code));
      // Needed: `ws` throws on an 'error' event nobody listens to. A 'close' always follows.
      ws.addEventListener('error', () => undefined);
    } catch (error) {
      if (!current()) return;
      // An unknown tenant or a refused origin will not heal by retrying.
      if (isRuntimeError(error) && !error.retryable) {
        close();
        return options.onError?.(error);
      }
      log('realtime: open failed', error);
      retry();
    }
  }

  function receive(data: unknown) {
    alive = true;
    let frame: ServerFrame;
    try {
      frame = JSON.parse(String(data)) as ServerFrame;
    } catch {
      return;
    }
    if (frame.type === 'ready') {
      phase = 'open';
      attempt = 0;
      setStatus('connected');
      events.emit('ready', undefined);
    } else if (frame.type !== 'pong' && frame.type !== 'auth.renewed') {
      events.emit('frame', frame);
    }
  }
  // #endregion

  // #region heartbeat
  // Any frame counts as a sign of life; a whole interval of silence after a ping means the
  // socket is dead even if the OS has not noticed (a laptop lid, a NAT timeout).
  function beat() {
    if (!alive) {
      socket?.close();
      return dropped(0);
    }
    alive = false;
    send({ type: 'ping', t: Date.now() });
    heartbeatTimer = setTimeout(beat, heartbeatMs);
  }
  // #endregion

  // #region dropping and reconnecting
  async function dropped(code: number) {
    const mine = ++generation;
    socket = null;
    clearTimeout(heartbeatTimer);
    log('realtime: closed', code);
    phase = 'waiting';
    setStatus('reconnecting');
    if ((code === CLOSE_CODES.tokenInvalid || code === CLOSE_CODES.tokenExpired) && options.onTokenRejected) {
      await options.onTokenRejected(code, authToken).catch(log);
      if (mine !== generation) return;
    }
    retry();
  }

  function retry() {
    phase = 'waiting';
    setStatus('reconnecting');
    if (++attempt === REPORT_AFTER) {
      options.onError?.(new RuntimeError('REALTIME_DISCONNECTED', `Expected the socket at ${url} to reconnect, but ${attempt} attempts failed; still trying.`));
    }
    retryTimer = setTimeout(open, backoff(attempt - 1, options.backoff));
  }
  // #endregion

  function send(frame: ClientFrame): boolean {
    const ok = phase === 'open' && socket?.readyState === 1;
    if (ok) socket!.send(JSON.stringify(frame));
    if (ok && frame.type === 'auth') authToken = frame.token;
    return ok;
  }

  function close() {
    phase = 'closed';
    generation++;
    clearTimeout(retryTimer);
    clearTimeout(heartbeatTimer);
    socket?.close(1000);
    socket = null;
    unwake?.();
    status.value = 'closed';
  }

  return {
    status,
    connect() {
      if (phase !== 'idle' && phase !== 'closed') return;
      requireWebSocket(options.WebSocket);
      attempt = 0;
      status.value = 'connecting';
      // Back online or back on the tab: try now instead of waiting out the backoff.
      unwake = onWake(
        () => phase === 'waiting' && void open(),
        () => phase !== 'open' && setStatus('reconnecting'),
      );
      void open();
    },
    close,
    onFrame: (listener) => events.on('frame', listener),
    onReady: (listener) => events.on('ready', listener),
    send,
  };
}
