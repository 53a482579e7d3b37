import { describe, expect, it, vi } from 'vitest';
import { createHttp } from '../../../src/http.ts';
import { createLogger } from '../../../src/lib/log.ts';
import { createSession, fetchBootstrap } from '../../../src/session.ts';
import { createMemoryStorage, namespaced } from '../../../src/storage.ts';
import type { RuntimeStorage } from '../../../src/types.ts';
import { fail, ok, until, useFaultServer } from './fault-server.ts';
import { lockHub } from './tabs-fakes.ts';

const server = useFaultServer();
let minted = 0;

/** Answers `sdk/session` like the reference server: a new token each time, a credential for new visitors. */
function issueSessions(expiresIn = 900) {
  minted = 0;
  server.handle((request) => {
    if (!request.url.startsWith('/sdk/session')) return fail(404, 'ROUTE_NOT_FOUND');
    const sent = JSON.parse(request.body) as { visitorCredential?: string };
    minted++;
    return ok({
      sessionToken: `token-${minted}`,
      expiresIn,
      visitorId: 'vis_1',
      visitorCredential: sent.visitorCredential ?? 'cred-new',
    });
  });
}

const sessionOver = (storage: RuntimeStorage = createMemoryStorage(), extra = {}) =>
  createSession({ http: createHttp({ baseUrl: server.baseUrl }), storage, slug: 'acme', log: createLogger(), ...extra });
const sessionRequests = () => server.requests.filter((r) => r.url === '/sdk/session');

describe('runtime session', () => {
  it('makes one session request for many concurrent callers', async () => {
    issueSessions();
    const session = sessionOver();
    const tokens = await Promise.all(Array.from({ length: 8 }, () => session.getToken()));
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
    expect(sessionRequests()).toHaveLength(1);
    await session.getToken();
    expect(sessionRequests()).toHaveLength(1);
    session.destroy();
  });

  it('keeps the visitor credential in namespaced storage and sends it on the next page load', async () => {
    issueSessions();
    const raw = createMemoryStorage();
    const first = sessionOver(namespaced(raw, 'acme'), { visitor: { name: 'Ada' } });
    await first.getToken();
    expect(JSON.parse(sessionRequests()[0]!.body)).toEqual({ slug: 'acme', visitor: { name: 'Ada' } });
    expect(await raw.get('acme:visitorCredential')).toBe('cred-new');
    first.destroy();

    const reloaded = sessionOver(namespaced(raw, 'acme'));
    await reloaded.getToken();
    expect(JSON.parse(sessionRequests()[1]!.body)).toMatchObject({ visitorCredential: 'cred-new' });
    reloaded.destroy();
  });

  it('renews the token at 80 % of its lifetime (less the second its whole-second expiry may lose), before it expires', async () => {
    issueSessions(100);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const session = sessionOver();
    expect(await session.getToken()).toBe('token-1');
    await until(() => spy.mock.calls.some((call) => call[1] === 79_200));
    vi.advanceTimersByTime(79_199);
    expect(sessionRequests()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    await until(() => minted === 2);
    await until(() => spy.mock.calls.filter((call) => call[1] === 79_200).length === 2);
    expect(await session.getToken()).toBe('token-2');
    session.destroy();
  });

  it('mints a new token when the held one has expired (the renewal timer never ran, e.g. a sleeping laptop)', async () => {
    issueSessions(60);
    vi.useFakeTimers({ toFake: ['Date'] });
    const session = sessionOver();
    expect(await session.getToken()).toBe('token-1');
    vi.setSystemTime(Date.now() + 61_000);
    expect(await session.getToken()).toBe('token-2');
    session.destroy();
  });

  it('renews on demand, and callers during the renewal get the new token', async () => {
    issueSessions();
    const session = sessionOver();
    await session.getToken();
    const renewal = session.refresh();
    const during = session.getToken();
    expect(await renewal).toBe('token-2');
    expect(await during).toBe('token-2');
    expect(sessionRequests()).toHaveLength(2);
    session.destroy();
  });

  it('tries again on the next call after a failed session request', async () => {
    server.handle(() => fail(503, 'SDK_SESSION_FAILED', 'down'));
    const session = createSession({ http: createHttp({ baseUrl: server.baseUrl, retries: 0 }), storage: createMemoryStorage(), slug: 'acme', log: createLogger() });
    await expect(session.getToken()).rejects.toMatchObject({ code: 'SDK_SESSION_FAILED' });
    issueSessions();
    await expect(session.getToken()).resolves.toBe('token-1');
    session.destroy();
  });
});

describe('renewal after a rejection', () => {
  it('mints once for many requests rejected with the old token, also those rejected after the renewal finished', async () => {
    minted = 0;
    let release!: () => void;
    const late = new Promise<void>((resolve) => (release = resolve));
    let rejected = 0;
    server.handle(async (request) => {
      if (request.url.startsWith('/sdk/session')) return ok({ sessionToken: `token-${++minted}`, expiresIn: 900, visitorId: 'vis_1', visitorCredential: 'cred' });
      if (request.headers['x-ringnity-sdk-session'] !== 'token-1') return ok({ fine: true });
      // The first rejection starts the renewal; the others come back only once it is done.
      if (rejected++ > 0) await late;
      return fail(401, 'TOKEN_EXPIRED');
    });
    const session = sessionOver();
    const http = createHttp({ baseUrl: server.baseUrl, getToken: session.getToken, onAuthError: (_, token) => session.refresh(token) });
    await session.getToken();
    const calls = Array.from({ length: 5 }, () => http.get('chat/visitor/tickets/open'));
    await until(() => minted === 2 && rejected === 5);
    expect(await session.getToken()).toBe('token-2');
    release();
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 5 }, () => ({ fine: true })));
    expect(sessionRequests()).toHaveLength(2);
    session.destroy();
  });

  it('gives the held token, without minting, when the rejected one is older (a socket closed with 4002 after a renewal)', async () => {
    issueSessions();
    const session = sessionOver();
    await session.getToken();
    expect(await session.refresh()).toBe('token-2');
    expect(await session.refresh('token-1')).toBe('token-2');
    expect(await session.refresh('token-2')).toBe('token-3');
    expect(sessionRequests()).toHaveLength(3);
    session.destroy();
  });
});

describe('a first visit in several tabs at once', () => {
  /** Like the reference server: each request without a credential is a new visitor. */
  function issueVisitors() {
    let visitors = 0;
    server.handle((request) => {
      const sent = JSON.parse(request.body) as { visitorCredential?: string };
      const n = sent.visitorCredential ? Number(sent.visitorCredential.slice(5)) : ++visitors;
      return ok({ sessionToken: `token-${n}-${Math.random()}`, expiresIn: 900, visitorId: `vis_${n}`, visitorCredential: `cred-${n}` });
    });
  }
  /** Three tabs of one browser (one storage), each with its own session. */
  const threeTabs = (locks: () => ReturnType<ReturnType<typeof lockHub>['tab']>['locks'] | null) => {
    const storage = namespaced(createMemoryStorage(), 'acme');
    return Array.from({ length: 3 }, () => sessionOver(storage, { locks: locks() }));
  };

  it('makes one visitor: the first tab creates the credential under a lock, the others read it', async () => {
    issueVisitors();
    const hub = lockHub();
    const tabs = threeTabs(() => hub.tab().locks);
    await Promise.all(tabs.map((t) => t.getToken()));
    expect(new Set(tabs.map((t) => t.visitorId()))).toEqual(new Set(['vis_1']));
    const sent = sessionRequests().map((r) => (JSON.parse(r.body) as { visitorCredential?: string }).visitorCredential);
    expect(sent).toEqual([undefined, 'cred-1', 'cred-1']);
    for (const t of tabs) t.destroy();
  });

  it('makes one visitor per tab without Web Locks (the last credential stored wins)', async () => {
    issueVisitors();
    const tabs = threeTabs(() => null);
    await Promise.all(tabs.map((t) => t.getToken()));
    expect(new Set(tabs.map((t) => t.visitorId())).size).toBe(3);
    for (const t of tabs) t.destroy();
  });

  it('lets the next tab try when the first one’s request failed', async () => {
    server.handle(() => fail(503, 'SDK_SESSION_FAILED', 'down'));
    const hub = lockHub();
    const storage = namespaced(createMemoryStorage(), 'acme');
    const tab = () => createSession({ http: createHttp({ baseUrl: server.baseUrl, retries: 0 }), storage, slug: 'acme', log: createLogger(), locks: hub.tab().locks });
    const first = tab();
    await expect(first.getToken()).rejects.toMatchObject({ code: 'SDK_SESSION_FAILED' });
    issueVisitors();
    const second = tab();
    expect(await second.getToken()).toMatch(/^token-1-/);
    first.destroy();
    second.destroy();
  });
});

describe('blocked storage', () => {
  const broken: RuntimeStorage = {
    get: () => Promise.reject(new DOMException('The operation is insecure.', 'SecurityError')),
    set: () => Promise.reject(new DOMException('The operation is insecure.', 'SecurityError')),
    del: () => Promise.reject(new DOMException('The operation is insecure.', 'SecurityError')),
  };

  it('counts as no credential: a session is minted, and renewals stay the same visitor', async () => {
    issueSessions();
    const session = sessionOver(broken);
    expect(await session.hasCredential()).toBe(false);
    await expect(session.getToken()).resolves.toBe('token-1');
    await session.refresh();
    expect(sessionRequests().map((r) => (JSON.parse(r.body) as { visitorCredential?: string }).visitorCredential)).toEqual([undefined, 'cred-new']);
    session.destroy();
  });
});

describe('bootstrap', () => {
  it('asks by slug or by public key', async () => {
    server.handle(() => ok({ tenant: { clientId: 'c' }, services: [] }));
    const http = createHttp({ baseUrl: server.baseUrl });
    await fetchBootstrap(http, { slug: 'acme' });
    await fetchBootstrap(http, { publicKey: 'pk_1' });
    expect(server.requests.map((r) => r.url)).toEqual(['/sdk/bootstrap?slug=acme', '/sdk/bootstrap?apiKey=pk_1']);
  });
});
