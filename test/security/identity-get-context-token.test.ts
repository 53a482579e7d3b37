/**
 * Issue 8 items 3 and 4, the runtime's side: a verified visitor stays verified past its first
 * context token (`getContextToken` is asked again for every session minting), and the SDK
 * refuses to start with a Server API key before anything goes on the network.
 */
import { describe, expect, it, vi } from 'vitest';
import { createRuntime, isRuntimeError } from '../../src/index.ts';
import { createHttp } from '../../src/http.ts';
import { createLogger } from '../../src/lib/log.ts';
import { createSession } from '../../src/session.ts';
import { createMemoryStorage } from '../../src/storage.ts';
import { forgeToken, useContractServer } from '../contract/support.ts';


  // Sessions of 2 s: the renewal (at 80 % of the lifetime) comes within a test.
const { server, api } = useContractServer({ sessionTtlSeconds: 2, log: false });

/** What the site's backend does for its signed-in user: mint a context token with the Server API key. */
async function backendMint(externalId: string): Promise<string> {
  const res = await api.call('POST', '/server/visitor-context-token', {
    headers: { authorization: `Bearer ${server.serverApiKey}` },
    body: { visitor: { externalId, name: 'Kari' } },
  });
  return res.body.data.token as string;
}

const sessionFor = (extra: Parameters<typeof createSession>[0] extends infer O ? Partial<O> : never) =>
  createSession({ http: createHttp({ baseUrl: server.baseUrl }), storage: createMemoryStorage(), slug: 'acme', log: createLogger(), locks: null, ...extra });

describe('getContextToken', () => {
  it('is asked again for each renewal, so the verified visitor is resumed, not replaced', async () => {
    const getContextToken = vi.fn(() => backendMint('kari-1'));
    const session = sessionFor({ getContextToken });
    try {
      await session.getToken();
      const visitor = session.visitorId();
      expect(getContextToken).toHaveBeenCalledTimes(1);
      // The renewal timer (before the session expires) mints again, with a fresh context token.
      await vi.waitFor(() => expect(getContextToken).toHaveBeenCalledTimes(2), { timeout: 5000, interval: 50 });
      await vi.waitFor(() => expect(session.visitorId()).toBeDefined());
      const renewed = await session.getToken();
      expect(session.visitorId()).toBe(visitor);
      const me = await api.call('POST', '/chat/visitor/sessions', { token: renewed, body: {} });
      expect(me.body.data).toMatchObject({ verified: true });
    } finally {
      session.destroy();
    }
  });

  it('replaces a context token that expired while the page was open (a static one fails with TOKEN_EXPIRED)', async () => {
    const stale = await forgeToken(server, { typ: 'context', tid: 'client_acme', sub: 'kari-2' }, -3600);
    const without = sessionFor({ contextToken: stale });
    const refused = await without.getToken().catch((e: unknown) => e);
    expect(isRuntimeError(refused) && refused.code).toBe('TOKEN_EXPIRED');
    without.destroy();

    const getContextToken = vi.fn(() => backendMint('kari-2'));
    const fresh = sessionFor({ contextToken: stale, getContextToken });
    try {
      expect(await fresh.getToken()).toMatch(/^ey/);
      expect(getContextToken).toHaveBeenCalledTimes(1);
    } finally {
      fresh.destroy();
    }
  });
});

describe('a Server API key given to the SDK', () => {
  for (const field of ['publicKey', 'contextToken'] as const) {
    it(`as ${field}: start() fails with SERVER_API_KEY_EXPOSED before any request, without repeating the key`, async () => {
      const fetch = vi.fn(globalThis.fetch);
      const runtime = createRuntime({ baseUrl: server.baseUrl, slug: field === 'publicKey' ? undefined : 'acme', [field]: server.serverApiKey, fetch, realtime: false, storage: createMemoryStorage() });
      try {
        const error = await runtime.start().catch((e: unknown) => e);
        expect(isRuntimeError(error) && error.code).toBe('SERVER_API_KEY_EXPOSED');
        expect((error as Error).message).toMatch(/secret Server API key/);
        expect((error as Error).message).not.toContain(server.serverApiKey);
        expect(fetch).not.toHaveBeenCalled();
        expect(runtime.error.value?.code).toBe('SERVER_API_KEY_EXPOSED');
      } finally {
        runtime.destroy();
      }
    });
  }
});

describe('a getContextToken that goes wrong', () => {
  /** Starts a runtime with `getContextToken`; answers the start's error, the error events and the session requests. */
  async function startWith(getContextToken: () => string | Promise<string>) {
    const fetch = vi.fn(globalThis.fetch);
    const runtime = createRuntime({ baseUrl: server.baseUrl, slug: 'acme', getContextToken, fetch, realtime: false, storage: createMemoryStorage() });
    const events: unknown[] = [];
    runtime.on('error', (e) => void events.push(e));
    try {
      const error = await runtime.start().catch((e: unknown) => e);
      const sessions = fetch.mock.calls.filter(([url]) => String(url instanceof Request ? url.url : url).includes('sdk/session'));
      return { error: isRuntimeError(error) ? error : undefined, events, sessions, sent: JSON.stringify(fetch.mock.calls.map(([url, init]) => [String(url), String(init?.body ?? '')])), stuck: runtime.error.value };
    } finally {
      runtime.destroy();
    }
  }

  it('throws (the visitor signed out on the site): a final SDK_CONTEXT_TOKEN_INVALID naming the callback, no visitor made', async () => {
    const { error, events, sessions, stuck } = await startWith(() => {
      throw new Error('backend said 401');
    });
    expect([error?.code, error?.retryable]).toEqual(['SDK_CONTEXT_TOKEN_INVALID', false]);
    expect(error?.message).toMatch(/getContextToken\(\).*backend said 401/);
    expect(events).toEqual([error]);
    // Final: the widget shows it rather than retrying (and calling the site's backend) forever.
    expect(stuck).toBe(error);
    expect(sessions).toEqual([]);
  });

  it('gives undefined (a misspelt field): an error, never a silent anonymous visitor', async () => {
    const { error, sessions } = await startWith(() => (({ tokn: 'x' }) as { token?: string }).token as string);
    expect([error?.code, error?.retryable]).toEqual(['SDK_CONTEXT_TOKEN_INVALID', false]);
    expect(error?.message).toContain('received undefined');
    expect(sessions).toEqual([]);
  });

  it('gives the Server API key: refused before it goes out, and not repeated', async () => {
    const { error, sessions, sent } = await startWith(() => server.serverApiKey);
    expect(error?.code).toBe('SERVER_API_KEY_EXPOSED');
    expect(error?.message).not.toContain(server.serverApiKey);
    expect(sessions).toEqual([]);
    expect(sent).not.toContain(server.serverApiKey);
  });

  it('answers after shutdown: the late session does not store a visitor credential again', async () => {
    const storage = createMemoryStorage();
    let answer: ((token: string) => void) | undefined;
    const session = createSession({
      http: createHttp({ baseUrl: server.baseUrl }),
      storage,
      slug: 'acme',
      log: createLogger(),
      locks: null,
      getContextToken: () => new Promise<string>((resolve) => (answer = resolve)),
    });
    const minted = session.getToken();
    await vi.waitFor(() => expect(answer).toBeDefined());
    // shutdown() while the site's backend is still answering: it has just removed the storage.
    session.destroy();
    answer!(await backendMint('kari-late'));
    await minted;
    await expect(storage.get('visitorCredential')).resolves.toBeUndefined();
  });
});
