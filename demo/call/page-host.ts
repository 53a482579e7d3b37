/**
 * What the call page's call runs on (a `CallHost`, src/calls/types.ts): the API client
 * (`src/http.ts`) and the realtime socket (`src/realtime.ts`) with the visitor session token the
 * call link gave (`POST /calls/link-session`). When that token expires mid-call, the page asks
 * for a fresh one with the same link token (valid 30 minutes from when the link was made).
 */
import { keepaliveRequest } from '../../src/calls/keepalive.ts';
import type { CallHost } from '../../src/calls/types.ts';
import type { CallLinkSession } from '../../src/contract/extensions.ts';
import { createHttp, type HttpClient } from '../../src/http.ts';
import { createRealtime, type RealtimeConnection } from '../../src/realtime.ts';

/** Exchanges the link token for the page's session (`CALL_LINK_INVALID`, `CONVERSATION_CLOSED` reject). */
export function openLinkSession(apiBase: string, linkToken: string): Promise<CallLinkSession> {
  return createHttp({ baseUrl: apiBase }).post<CallLinkSession>('calls/link-session', { token: linkToken });
}

export interface PageHost {
  readonly host: CallHost;
  readonly realtime: RealtimeConnection;
  /** Closes the socket (the page is leaving). */
  close(): void;
}

/** The API URL's socket: `realtime` resolved against it, `http` → `ws` (extensions.md §6). */
const socketUrl = (apiBase: string) => new URL('realtime', `${apiBase.replace(/\/$/, '')}/`).href.replace(/^http/, 'ws');

export function createPageHost(apiBase: string, linkToken: string, session: CallLinkSession): PageHost {
  let token = session.sessionToken;
  let renewing: Promise<string> | null = null;
  // One renewal at a time, and only when the rejected token is still the current one.
  const renew = (rejected: string | null) => {
    if (rejected !== token) return Promise.resolve(token);
    renewing ??= openLinkSession(apiBase, linkToken)
      .then((fresh) => (token = fresh.sessionToken))
      .finally(() => (renewing = null));
    return renewing;
  };
  const http: HttpClient = createHttp({ baseUrl: apiBase, getToken: async () => token, onAuthError: (_e, rejected) => renew(rejected) });
  const realtime = createRealtime({ url: socketUrl(apiBase), getToken: async () => token, onTokenRejected: (_code, rejected) => renew(rejected) });
  realtime.connect();
  const host: CallHost = {
    role: 'visitor',
    request: <T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, how?: { readonly keepalive?: boolean }) =>
      // A hang-up as the tab closes must outlive it.
      how?.keepalive
        ? keepaliveRequest<T>(apiBase, token, method, path, body)
        : method === 'GET'
          ? http.get<T>(path)
          : method === 'POST'
            ? http.post<T>(path, body)
            : http.patch<T>(path, body),
    send: (frame) => realtime.send(frame),
    onFrame: (listener) => realtime.onFrame(listener),
    onReady: (listener) => realtime.onReady(listener),
  };
  return { host, realtime, close: () => realtime.close() };
}
