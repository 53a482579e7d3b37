/**
 * Tenant bootstrap and the runtime session: a short-lived token kept in memory only, minted by
 * `POST sdk/session` in exchange for the visitor credential kept in storage (extensions.md §3),
 * renewed ahead of its expiry and on demand. One request in flight at a time; concurrent
 * callers share it.
 */
import type { CreateRuntimeSessionRequest, RuntimeBootstrap, RuntimeSession, VisitorIdentity } from './contract/extensions.ts';
import type { HttpClient } from './http.ts';
import type { Logger } from './lib/log.ts';
import type { RuntimeStorage } from './types.ts';

/** Which tenant: its public slug or its public widget key. */
export interface TenantRef {
  slug?: string;
  publicKey?: string;
}

/** Reads the tenant's bootstrap (`GET sdk/bootstrap`). */
export const fetchBootstrap = (http: HttpClient, tenant: TenantRef): Promise<RuntimeBootstrap> =>
  http.get<RuntimeBootstrap>('sdk/bootstrap', { searchParams: { slug: tenant.slug, apiKey: tenant.publicKey } });

export interface SessionOptions extends TenantRef {
  /** A client without a token (the session endpoint is what makes tokens). */
  http: HttpClient;
  /** Namespaced storage for the visitor credential. */
  storage: RuntimeStorage;
  visitor?: VisitorIdentity;
  contextToken?: string;
  log: Logger;
  /** Share of the token's lifetime after which it is renewed. @default 0.8 */
  refreshAt?: number;
}

export interface Session {
  /** A valid token, minting one first when there is none or it has expired. */
  getToken(): Promise<string>;
  /** Mints a new token now (after the server rejected the current one); concurrent callers share one request. */
  refresh(): Promise<string>;
  /** The visitor this session belongs to, once known. */
  readonly visitorId: string | null;
  /** Stops the renewal timer. */
  destroy(): void;
}

const CREDENTIAL_KEY = 'visitorCredential';

export function createSession(options: SessionOptions): Session {
  const { http, storage, log } = options;
  let token: string | null = null;
  let expiresAt = 0;
  let visitorId: string | null = null;
  let inFlight: Promise<string> | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let destroyed = false;

  async function mint(): Promise<string> {
    const visitorCredential = await storage.get<string>(CREDENTIAL_KEY);
    const body: CreateRuntimeSessionRequest = { slug: options.slug, apiKey: options.publicKey, visitor: options.visitor, contextToken: options.contextToken, visitorCredential };
    const session = await http.post<RuntimeSession>('sdk/session', body);
    if (session.visitorCredential && session.visitorCredential !== visitorCredential) {
      await storage.set(CREDENTIAL_KEY, session.visitorCredential);
    }
    const lifetime = session.expiresIn * 1000;
    token = session.sessionToken;
    visitorId = session.visitorId ?? null;
    // Trust our own clock with the lifetime rather than the server's `expiresAt`: clocks drift.
    expiresAt = Date.now() + lifetime;
    clearTimeout(timer);
    if (!destroyed) {
      timer = setTimeout(() => void refresh().catch((e: unknown) => log('session renewal failed', e)), lifetime * (options.refreshAt ?? 0.8));
    }
    log('session for visitor', visitorId, 'valid for', session.expiresIn, 's');
    return token;
  }

  function refresh(): Promise<string> {
    inFlight ??= mint().finally(() => (inFlight = null));
    return inFlight;
  }

  return {
    // While a renewal runs, wait for it: the old token may be the one just rejected.
    getToken: () => inFlight ?? (token && Date.now() < expiresAt ? Promise.resolve(token) : refresh()),
    refresh,
    get visitorId() {
      return visitorId;
    },
    destroy() {
      destroyed = true;
      clearTimeout(timer);
    },
  };
}
