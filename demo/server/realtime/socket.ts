/**
 * The realtime WebSocket at `/api/realtime` (extensions.md §6): auth in the first frame,
 * ping/pong, server pings that drop dead sockets, close codes, and a bounded send buffer.
 */
import { jsonDepth, MAX_JSON_DEPTH } from '../http/json-depth.ts';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServerFrame } from '../../../src/contract/extensions.ts';
import { CLOSE_CODES } from '../../../src/contract/extensions.ts';
import { isOriginAllowed } from '../auth/origin.ts';
import { isTokenOriginOk } from '../auth/origin-binding.ts';
import { isOwnOrigin } from '../calls/own-origin.ts';
import type { TokenClaims } from '../auth/tokens.ts';
import type { Deps } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { findAgent } from '../store/agents.ts';
import { findTypingParty } from '../store/conversations.ts';
import { findTenantById } from '../store/tenants.ts';
import { findVisitorById } from '../store/visitors.ts';
import type { Subscriber } from './hub.ts';
import { createUpgradeGate, refuseUpgrade } from './upgrade-gate.ts';

export const REALTIME_PATH = '/api/realtime';
/** A socket whose unsent data exceeds this is closed with 4008 rather than buffered without end. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Frames are small JSON; anything bigger is a misbehaving client. */
const MAX_FRAME_BYTES = 16 * 1024;
/** Conversations per socket whose party check is remembered for typing frames. */
const MAX_TYPING_PARTIES = 100;

export interface Realtime {
  /** The http server's `upgrade` listener. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every socket with `code` and stops the heartbeat. */
  close(code: number, reason: string): void;
  /** Drops every socket still open (a client that never answered the close), at shutdown's end. */
  terminate(): void;
}

export function createRealtime(deps: Deps): Realtime {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const alive = new WeakMap<WebSocket, boolean>();
  const gate = createUpgradeGate(deps);
  // Open sockets per `role:tenant:subject` on this instance: one visitor or agent cannot hold
  // an unbounded number (each costs memory, a heartbeat and a share of every broadcast).
  const perSubject = new Map<string, number>();

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, deps.config.realtimePingIntervalMs);
  heartbeat.unref();

  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    const origin = request.headers.origin;
    const host = request.headers.host;
    let subscriber: Subscriber | undefined;
    let authStarted = false;
    /** The per-subject count this socket holds (set once it is ready). */
    let countedAs: string | undefined;
    let expiryTimer: NodeJS.Timeout | undefined;
    // Typing frames are checked against the database; a chain keeps them in arrival order.
    let typingChain = Promise.resolve();
    const parties = new Map<string, { visitorId: string; name: string | null; assignedAgentId: string | null }>();

    const send = (frame: ServerFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const fail = (closeCode: number, code: ServerFrame & { type: 'error' }) => {
      send(code);
      ws.close(closeCode, code.message.slice(0, 120));
    };

    // The socket lives no longer than its token, unless the client sends a renewed one in time.
    const armExpiry = (exp: number) => {
      clearTimeout(expiryTimer);
      const msLeft = exp * 1000 - Date.now();
      expiryTimer = setTimeout(() => {
        fail(CLOSE_CODES.tokenExpired, { type: 'error', code: 'TOKEN_EXPIRED', message: 'The token expired. Refresh it and reconnect.' });
      }, Math.min(Math.max(msLeft, 0), 2 ** 31 - 1));
    };
    const refused = (error: unknown) => {
      const expired = error instanceof ApiError && error.code === 'TOKEN_EXPIRED';
      const code = error instanceof ApiError ? error.code : 'SDK_SESSION_REQUIRED';
      const message = error instanceof ApiError ? error.message : 'The token is not valid.';
      if (!(error instanceof ApiError)) deps.log.error('realtime auth failed', error);
      fail(expired ? CLOSE_CODES.tokenExpired : CLOSE_CODES.tokenInvalid, { type: 'error', code, message });
    };
    // A renewed token replaces the socket's one only for the same subject: a socket never
    // changes hands (the hub subscription is keyed by it).
    const reauthenticate = (current: Subscriber, token: string) => {
      void authenticate(deps, token, origin, host).then(
        (claims) => {
          if (ws.readyState !== ws.OPEN) return;
          const role = claims.typ === 'agent' ? 'agent' : 'visitor';
          const same = claims.tid === current.tenantId && claims.sub === current.subject && role === current.role;
          if (!same || callScopeOf(claims) !== current.callScope) {
            fail(CLOSE_CODES.tokenInvalid, {
              type: 'error',
              code: 'SDK_SESSION_REQUIRED',
              message: `The new token is not for this socket's ${current.role}; open a new socket for it.`,
            });
            return;
          }
          armExpiry(claims.exp);
          send({ type: 'auth.renewed', expiresAt: new Date(claims.exp * 1000).toISOString() });
        },
        refused,
      );
    };

    const authTimer = setTimeout(() => {
      fail(CLOSE_CODES.authTimeout, { type: 'error', code: 'SDK_SESSION_REQUIRED', message: 'Send {"type":"auth","token":…} as the first frame.' });
    }, deps.config.realtimeAuthTimeoutMs);

    ws.on('message', (data, isBinary) => {
      alive.set(ws, true);
      const frame = isBinary ? undefined : parseFrame(data.toString());
      if (!frame) {
        fail(CLOSE_CODES.authTimeout, { type: 'error', code: 'VALIDATION_FAILED', message: 'Frames must be JSON objects with a "type".' });
        return;
      }
      if (!authStarted) {
        authStarted = true;
        clearTimeout(authTimer);
        if (frame.type !== 'auth' || typeof frame.token !== 'string') {
          fail(CLOSE_CODES.authTimeout, { type: 'error', code: 'SDK_SESSION_REQUIRED', message: 'The first frame must be {"type":"auth","token":…}.' });
          return;
        }
        void authenticate(deps, frame.token, origin, host).then(
          (claims) => {
            if (ws.readyState !== ws.OPEN) return;
            const key = `${claims.typ}:${claims.tid}:${claims.sub}`;
            const open = perSubject.get(key) ?? 0;
            if (open >= deps.config.realtimeMaxSocketsPerSubject) {
              fail(CLOSE_CODES.slowConsumer, {
                type: 'error',
                code: 'RATE_LIMITED',
                message: `Too many open sockets for this ${claims.typ}: at most ${deps.config.realtimeMaxSocketsPerSubject}. Close one first.`,
              });
              return;
            }
            perSubject.set(key, open + 1);
            countedAs = key;
            const callScope = callScopeOf(claims);
            subscriber = {
              role: claims.typ === 'agent' ? 'agent' : 'visitor',
              tenantId: claims.tid,
              subject: claims.sub,
              ...(callScope !== undefined ? { callScope } : {}),
              send(text) {
                if (ws.readyState !== ws.OPEN) return;
                if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
                  ws.close(CLOSE_CODES.slowConsumer, 'Too slow: reconnect and resume from seq');
                  return;
                }
                ws.send(text);
              },
              close(code, reason) {
                ws.close(code, reason);
              },
              conversationChanged(conversation) {
                // A closed or reassigned conversation is checked again on the next typing frame.
                const party = parties.get(conversation.conversationId);
                if (party && (conversation.status !== 'open' || (conversation.assignedAgentId ?? null) !== party.assignedAgentId)) {
                  parties.delete(conversation.conversationId);
                }
              },
            };
            deps.hub.add(subscriber);
            armExpiry(claims.exp);
            send({ type: 'ready', role: subscriber.role, subject: claims.sub, serverTime: new Date().toISOString() });
          },
          refused,
        );
        return;
      }
      if (frame.type === 'auth') {
        // In-band re-auth after a token renewal (extensions.md §6). Before `ready` the first
        // auth is still being checked: a second one then is dropped.
        if (subscriber && typeof frame.token === 'string') reauthenticate(subscriber, frame.token);
        return;
      }
      if (frame.type === 'ping') {
        send({ type: 'pong', t: typeof frame.t === 'number' ? frame.t : 0 });
      }
      // A call-link socket (extensions.md §15) sends call signals and pings, nothing else.
      if (subscriber?.callScope !== undefined && frame.type !== 'call.signal') return;
      if (frame.type === 'typing' && subscriber && typeof frame.conversationId === 'string' && typeof frame.typing === 'boolean') {
        const who = subscriber;
        const { conversationId, typing } = frame;
        typingChain = typingChain
          .then(async () => {
            let party = parties.get(conversationId);
            if (!party) {
              party = await findTypingParty(deps.db, who, conversationId);
              // Not a party (foreign, unknown or closed): dropped without a word, like any stray frame.
              if (!party) return;
              if (parties.size >= MAX_TYPING_PARTIES) parties.clear();
              parties.set(conversationId, party);
            }
            deps.typing.update(
              { role: who.role, tenantId: who.tenantId, subject: who.subject, ...(party.name ? { name: party.name } : {}) },
              { conversationId, visitorId: party.visitorId },
              typing,
              ws,
            );
          })
          .catch((error: unknown) => deps.log.error('typing frame failed', error));
      }
      if (frame.type === 'call.signal' && subscriber) {
        // extensions.md §15: only between the parties of an answered call; anything else is dropped.
        deps.calls.signal(subscriber, frame.callId, frame.signal);
      }
      // Other frame types are ignored so newer clients can talk to this server.
    });

    ws.on('close', () => {
      clearTimeout(authTimer);
      clearTimeout(expiryTimer);
      if (countedAs !== undefined) {
        const left = (perSubject.get(countedAs) ?? 1) - 1;
        if (left > 0) perSubject.set(countedAs, left);
        else perSubject.delete(countedAs);
      }
      if (subscriber) {
        deps.hub.remove(subscriber);
        deps.typing.disconnected(ws);
      }
    });
    ws.on('error', () => ws.terminate());
  });

  return {
    handleUpgrade(request, socket, head) {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname !== REALTIME_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      // A client that hangs up while the gate waits must not crash the process.
      socket.on('error', () => socket.destroy());
      gate(request).then(
        (refusal) => {
          if (socket.destroyed) return;
          if (refusal) refuseUpgrade(socket, refusal);
          else wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
        },
        (error: unknown) => {
          deps.log.error('realtime upgrade check failed', error);
          refuseUpgrade(socket, new ApiError(500, 'INTERNAL_ERROR', 'The server failed to handle this request. Try again later.'));
        },
      );
    },
    close(code, reason) {
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.close(code, reason);
      wss.close();
    },
    terminate() {
      for (const ws of wss.clients) ws.terminate();
    },
  };
}

interface IncomingFrame {
  type: string;
  token?: unknown;
  t?: unknown;
  conversationId?: unknown;
  typing?: unknown;
  callId?: unknown;
  signal?: unknown;
}

function parseFrame(text: string): IncomingFrame | undefined {
  // Frames are relayed (call signals), so a deeply nested one is refused like a deep HTTP body.
  if (jsonDepth(text) > MAX_JSON_DEPTH) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string') {
      return value as { type: string };
    }
  } catch {
    // fall through: not JSON
  }
  return undefined;
}

/** The conversation a call-scoped session's socket is kept to (extensions.md §15); undefined for any other token. */
function callScopeOf(claims: TokenClaims): string | undefined {
  return claims.scope === 'call' ? claims.conv : undefined;
}

/**
 * Verifies the auth frame's token: a live visitor (from an allowed origin; a call-scoped one
 * also from the server's own, where its call page is served) or agent (from the server's own
 * origin, or without `Origin`).
 */
async function authenticate(deps: Deps, token: string, origin: string | undefined, host: string | undefined): Promise<TokenClaims> {
  const claims = await deps.tokens.verify(token);
  const invalidToken = (message: string) => new ApiError(401, 'SDK_SESSION_REQUIRED', message);
  const tenant = await findTenantById(deps.db, claims.tid);
  if (!tenant) throw invalidToken('The session no longer exists.');
  if (claims.typ === 'visitor') {
    if (claims.scope !== undefined && (claims.scope !== 'call' || typeof claims.conv !== 'string')) throw invalidToken('This token cannot open the realtime socket.');
    const own = claims.scope === 'call' && isOwnOrigin(origin, host);
    if (!own && !isOriginAllowed(origin, tenant.allowed_origins)) {
      throw new ApiError(403, 'SDK_ORIGIN_NOT_ALLOWED', `The origin ${origin} is not on ${tenant.name}'s allowed domains.`);
    }
    // Browsers always send `Origin` on a WebSocket handshake, so a bound token needs it to match.
    if (!isTokenOriginOk(claims.org, { origin, host, fetchSite: undefined })) {
      throw new ApiError(403, 'SDK_ORIGIN_NOT_ALLOWED', `This session was started on ${claims.org} and cannot open a socket from ${origin ?? 'a client without an Origin header'}.`);
    }
    if (!(await findVisitorById(deps.db, tenant.id, claims.sub))) throw invalidToken('The session no longer exists.');
    return claims;
  }
  if (claims.typ === 'agent') {
    // The console is served by this server: an agent token is only used from its own origin (or
    // from a client without a browser's `Origin`), so a page elsewhere that got hold of one
    // cannot open the tenant's whole event stream from the visitor's browser (review L6).
    if (origin !== undefined && !isOwnOrigin(origin, host)) {
      throw new ApiError(403, 'SDK_ORIGIN_NOT_ALLOWED', `An agent socket can only be opened from this server's own origin, not from ${origin.slice(0, 100)}.`);
    }
    if (!(await findAgent(deps.db, tenant.id, { agentId: claims.sub }))) throw invalidToken('The agent no longer exists.');
    return claims;
  }
  throw invalidToken('A context token cannot open the realtime socket.');
}
