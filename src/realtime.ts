/**
 * The realtime socket (extensions.md §6) as an explicit state machine behind a small public
 * `status` signal. Generic over the token, so the visitor runtime and the agent console share it.
 *
 *   idle ─connect→ opening ─ready→ open ─drop→ waiting ─timer/online/visible/pageshow→ opening …
 *   open ─pagehide→ waiting (socket closed cleanly, no timer)
 *   any ─close()→ closed
 *
 * `opening` covers getting a token, opening the socket, sending `auth` and waiting for `ready`.
 *
 * Liveness: a ping every `heartbeatMs`; any frame within `pongTimeoutMs` proves the socket
 * alive, silence declares it dead (a half-open socket, traffic black-holed: found within
 * heartbeat + timeout = 35 s by default). A hidden tab's timers are throttled (Chrome: once a
 * minute), so silence there proves nothing: no verdict while hidden; becoming visible (or
 * `online`) sends a probe ping at once and reconnects if no frame comes within `PROBE_MS`.
 *
 * Reconnects after a drop wait a full-jitter delay over a growing window starting at 10 s:
 * when a server restarts, every client it had comes back spread over 10 s (≈ 10 % a second)
 * instead of in one burst. Local signals (`online`, visible, `pageshow`) skip the wait, and
 * a renewed token (4001/4002) or a slow consumer (4008), which concern one client, retry fast.
 */
import { signal, type ReadonlySignal } from '@preact/signals-core';
import { CLOSE_SLOW_CONSUMER, CLOSE_TOKEN_EXPIRED, CLOSE_TOKEN_INVALID, type ClientFrame, type ServerFrame } from './contract/extensions.ts';
import { RuntimeError, isRuntimeError } from './errors.ts';
import { backoff, type BackoffOptions } from './lib/backoff.ts';
import { createEmitter } from './lib/emitter.ts';
import { isOffline, isPageVisible, onPage } from './lib/env.ts';
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
  /** Ping interval (also the longest wait for `ready` after `auth`). @default 25_000 */
  heartbeatMs?: number;
  /**
   * How long a ping may go without any frame coming back before a visible page declares the
   * socket dead. @default Math.min(10_000, heartbeatMs)
   */
  pongTimeoutMs?: number;
  /**
   * Reconnect delays: uniform in `[0, min(cap, base·2^n))` for the n-th attempt. The 10 s first
   * window spreads a whole server's clients over 10 s after a restart.
   * @default { base: 10_000, cap: 30_000 }
   */
  backoff?: BackoffOptions;
  /**
   * Failures that stop or degrade the connection: `REALTIME_DISCONNECTED` (not back after a few
   * attempts), `NETWORK_UNAVAILABLE` (the device went offline), a fatal token error.
   */
  onError?: (error: RuntimeError) => void;
  /**
   * Whether the visitor can see a page this connection serves, for liveness: silence is only a
   * verdict while true (a hidden page's timers are throttled). A shared socket's leader passes
   * "this page or any other tab is visible". @default the page's own visibility
   */
  isVisible?: () => boolean;
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
  /**
   * Something changed that makes trying now worthwhile (a page became visible, the device came
   * back online): a waiting socket tries at once, an open one is probed. The connection hears
   * its own page's events; this is for news from elsewhere (another tab).
   */
  wake(): void;
}

// Consecutive failed attempts after which the outage is reported (the socket keeps trying).
const REPORT_AFTER = 3;
// How long a probe (on becoming visible or online) may go unanswered.
const PROBE_MS = 3_000;
// Close codes about this one client: reconnect soon, no herd to spread.
const PERSONAL: readonly number[] = [CLOSE_TOKEN_INVALID, CLOSE_TOKEN_EXPIRED, CLOSE_SLOW_CONSUMER];
const QUICK: BackoffOptions = { base: 1_000 };

/** The WebSocket constructor to use, or a `RuntimeError` saying how to provide one. */
export function requireWebSocket(given?: WebSocketFactory): WebSocketFactory {
  const found = given ?? (globalThis as { WebSocket?: WebSocketFactory }).WebSocket;
  if (found) return found;
  throw new RuntimeError('REALTIME_DISCONNECTED', 'Expected a WebSocket implementation, received none: pass `WebSocket` (under Node, from `ws`) or turn realtime off.', {
    retryable: false,
  });
}

export function createRealtime(options: RealtimeOptions): RealtimeConnection {
  const { url, getToken, heartbeatMs = 25_000, isVisible = isPageVisible } = options;
  const pongTimeoutMs = options.pongTimeoutMs ?? Math.min(10_000, heartbeatMs);
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
  // A frame came since the last ping (or since `auth` was sent).
  let alive = false;
  // The token the socket last authenticated with.
  let authToken = '';
  let unlisten: (() => void) | undefined;

  // While not connected, an offline device shows as `offline`, whatever the machine is doing.
  const setStatus = (next: RuntimeStatus) => {
    status.value = next === 'reconnecting' && isOffline() ? 'offline' : next;
  };
  // Drops the socket (its late events are ignored from now on) and every timer.
  const abandon = (code?: number) => {
    generation++;
    clearTimeout(retryTimer);
    clearTimeout(heartbeatTimer);
    socket?.close(code);
    socket = null;
  };
  // #endregion

  // #region opening
  async function open() {
    abandon();
    const mine = generation;
    const current = () => mine === generation;
    phase = 'opening';
    try {
      const token = (authToken = await getToken());
      if (!current()) return;
      const ws = (socket = new (requireWebSocket(options.WebSocket))(url));
      ws.addEventListener('open', () => {
        if (!current()) return;
        ws.send(JSON.stringify({ type: 'auth', token } satisfies ClientFrame));
        // No `ready` within a pong timeout: the socket is as good as dead.
        alive = false;
        heartbeatTimer = setTimeout(verdict, pongTimeoutMs);
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
  // Any frame counts as a sign of life; silence after a ping means the socket is dead even if
  // the OS has not noticed (a laptop lid, a NAT timeout, a black-holed route).
  function ping(wait = pongTimeoutMs) {
    clearTimeout(heartbeatTimer);
    alive = false;
    send({ type: 'ping', t: Date.now() });
    heartbeatTimer = setTimeout(() => verdict(wait === PROBE_MS), wait);
  }

  function verdict(probe = false) {
    if (alive) heartbeatTimer = setTimeout(() => ping(), Math.max(0, heartbeatMs - pongTimeoutMs));
    // Hidden: timers run late and in batches, so silence proves nothing; ask again later, and
    // at once when the tab is visible again.
    else if (!isVisible()) heartbeatTimer = setTimeout(() => ping(), heartbeatMs);
    else {
      log('realtime: no answer, the socket is dead');
      // A failed probe is this page's own news (it just woke up): come back fast.
      void dropped(0, probe);
    }
  }

  // Something changed under us (back online, visible again): a waiting socket tries now, an
  // open one proves it is alive within a few seconds.
  function wake() {
    if (phase === 'waiting') void open();
    else if (phase === 'open') ping(PROBE_MS);
  }
  // #endregion

  // #region dropping and reconnecting
  async function dropped(code: number, quick = PERSONAL.includes(code)) {
    abandon();
    const mine = generation;
    log('realtime: closed', code);
    phase = 'waiting';
    setStatus('reconnecting');
    if ((code === CLOSE_TOKEN_INVALID || code === CLOSE_TOKEN_EXPIRED) && options.onTokenRejected) {
      await options.onTokenRejected(code, authToken).catch(log);
      if (mine !== generation) return;
    }
    retry(quick);
  }

  function retry(quick = false) {
    phase = 'waiting';
    setStatus('reconnecting');
    if (++attempt === REPORT_AFTER) {
      options.onError?.(new RuntimeError('REALTIME_DISCONNECTED', `Expected the socket at ${url} to reconnect, but ${attempt} attempts failed; still trying.`));
    }
    retryTimer = setTimeout(open, backoff(attempt - 1, quick ? QUICK : (options.backoff ?? { base: 10_000 })));
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
    abandon(1000);
    unlisten?.();
    status.value = 'closed';
  }

  return {
    status,
    connect() {
      if (phase !== 'idle' && phase !== 'closed') return;
      requireWebSocket(options.WebSocket);
      attempt = 0;
      status.value = 'connecting';
      unlisten = onPage({
        wake,
        offline() {
          options.onError?.(new RuntimeError('NETWORK_UNAVAILABLE', `Expected a network for the socket at ${url}, but the device is offline; reconnecting when it is back.`));
          if (phase === 'open') ping(PROBE_MS);
          else setStatus('reconnecting');
        },
        // Leaving, maybe into the back/forward cache: close cleanly (an open socket keeps a
        // page out of that cache) and wait, without a timer, for `pageshow`.
        hide() {
          if (phase === 'closed') return;
          abandon(1000);
          phase = 'waiting';
          setStatus('reconnecting');
        },
        restore() {
          if (phase !== 'waiting') return;
          attempt = 0;
          void open();
        },
      });
      void open();
    },
    close,
    onFrame: (listener) => events.on('frame', listener),
    onReady: (listener) => events.on('ready', listener),
    send,
    wake,
  };
}
