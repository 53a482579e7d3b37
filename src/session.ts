/**
 * Tenant bootstrap and the runtime session: a short-lived token kept in memory only, minted by
 * `POST sdk/session` in exchange for the visitor credential kept in storage (extensions.md §3),
 * renewed ahead of its expiry and on demand. One request in flight at a time; concurrent
 * callers share it.
 *
 * A first visit (no credential stored) makes the visitor under a Web Lock per tenant, re-reading
 * storage inside it: tabs that start together wait for the first one's credential and use it,
 * so they are one visitor with one conversation. Without Web Locks (Safari before 15.4, Node)
 * each such tab makes its own visitor and the last one stored is kept (the others' tabs stay
 * those visitors until they reload).
 */
import type { CreateRuntimeSessionRequest, RuntimeBootstrap, RuntimeSession, VisitorIdentity } from './contract/extensions.ts';
import type { HttpClient } from './http.ts';
import type { Logger } from './lib/log.ts';
import { exclusive, pageLocks, type LockManagerLike } from './lib/locks.ts';
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
  /** Asked for a fresh context token before every minting (`RuntimeOptions.getContextToken`). */
  getContextToken?: () => string | Promise<string>;
  log: Logger;
  /**
   * Share of the token's lifetime after which it is renewed. The lifetime counted is a second
   * short of `expiresIn`: the server's expiry is in whole seconds, so a token may die up to 1 s
   * early (it matters for short-lived tokens only).
   * @default 0.8
   */
  refreshAt?: number;
  /** Every newly minted token (the open socket is told, extensions.md §6 "Token renewal"). */
  onToken?: (token: string) => void;
  /** Web Locks, for one visitor per first visit. @default navigator.locks when it exists; `null`: none */
  locks?: LockManagerLike | null;
}

export interface Session {
  /** A valid token, minting one first when there is none or it has expired. */
  getToken(): Promise<string>;
  /**
   * Mints a new token now; concurrent callers share one request. With `rejected` (the token the
   * server refused), only when that is still the current one: otherwise the current one is newer.
   */
  refresh(rejected?: string | null): Promise<string>;
  /** Whether a visitor credential is stored (a returning visitor); storage failures say no. */
  hasCredential(): Promise<boolean>;
  /** The visitor the current token is for (`undefined` before the first). */
  visitorId(): string | undefined;
  /** Stops the renewal timer. */
  destroy(): void;
}

const CREDENTIAL_KEY = 'visitorCredential';

export function createSession(options: SessionOptions): Session {
  const { http, storage, log } = options;
  let token: string | null = null;
  let expiresAt = 0;
  // The credential also kept here: blocked storage (private mode, a denied IndexedDB) then
  // means one visitor per page load rather than a new one on every renewal.
  let credential: string | undefined;
  let visitorId: string | undefined;
  let inFlight: Promise<string> | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let destroyed = false;

  // A storage failure counts as "no credential", never as a failed start.
  const stored = () =>
    storage.get<string>(CREDENTIAL_KEY).catch((e: unknown) => {
      log('session: storage', e);
      return undefined;
    });

  async function mint(): Promise<string> {
    // Each minting needs a valid context token (a verified visitor is resumed only with one,
    // extensions.md §3), and a session outlives the context token it was minted with: so the
    // site's backend is asked for a fresh one every time, the first time too (a token given
    // with the page may have expired while the chat was closed). No reading of the token's
    // `exp` to skip a call: the page's clock may be hours off. Asked before the first-visit
    // lock, so a slow backend never holds up the other tabs.
    const contextToken = options.getContextToken ? await (await import('./context-token.ts')).askContextToken(options.getContextToken) : options.contextToken;
    if ((credential ??= await stored())) return open(contextToken);
    return exclusive(pageLocks(options.locks), `ringnity:${options.slug ?? options.publicKey}:credential`, async () => {
      credential ??= await stored();
      return open(contextToken);
    });
  }

  async function open(contextToken?: string): Promise<string> {
    const visitorCredential = credential;
    const body: CreateRuntimeSessionRequest = { slug: options.slug, apiKey: options.publicKey, visitor: options.visitor, contextToken, visitorCredential };
    const session = await http.post<RuntimeSession>('sdk/session', body);
    // Not after shutdown(): it removed the stored credential, and a late answer must not bring it back.
    if (!destroyed && session.visitorCredential && session.visitorCredential !== visitorCredential) {
      credential = session.visitorCredential;
      await storage.set(CREDENTIAL_KEY, credential).catch((e: unknown) => log('session: storage', e));
    }
    const lifetime = session.expiresIn * 1000;
    token = session.sessionToken;
    visitorId = session.visitorId;
    // Trust our own clock with the lifetime rather than the server's `expiresAt`: clocks drift.
    expiresAt = Date.now() + lifetime;
    clearTimeout(timer);
    if (!destroyed) {
      const renewIn = Math.max(lifetime * 0.4, (lifetime - 1000) * (options.refreshAt ?? 0.8));
      timer = setTimeout(() => void refresh().catch((e: unknown) => log('session renewal failed', e)), renewIn);
    }
    // Terse: the core is at its size budget (the visitor and the lifetime in s say it all).
    log('session', session.visitorId, session.expiresIn);
    options.onToken?.(token);
    return token;
  }

  const valid = () => (token && Date.now() < expiresAt ? token : null);

  function refresh(rejected?: string | null): Promise<string> {
    const current = valid();
    // Rejected with a token older than the held one: a renewal already happened, use it.
    if (!inFlight && current && rejected !== undefined && rejected !== current) return Promise.resolve(current);
    inFlight ??= mint().finally(() => (inFlight = null));
    return inFlight;
  }

  return {
    // While a renewal runs, wait for it: the old token may be the one just rejected.
    getToken: () => inFlight ?? (valid() ? Promise.resolve(token!) : refresh()),
    refresh,
    visitorId: () => visitorId,
    hasCredential: async () => !!(credential ?? (await stored())),
    destroy() {
      destroyed = true;
      clearTimeout(timer);
    },
  };
}
