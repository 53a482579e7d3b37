/**
 * Issue 8 item 4: a Server API key in a browser is a leaked secret. Any request that carries one
 * and has an `Origin` header is refused with `SERVER_API_KEY_EXPOSED`, does nothing, and the
 * answer never echoes the key.
 */
import { describe, expect, it } from 'vitest';
import type { Database } from '../../demo/server/db/database.ts';
import { readEnvConfig } from '../../demo/server/config.ts';
import { createServer } from '../../demo/server/app.ts';
import { useContractServer } from '../contract/support.ts';

let db: Database;

const { server, api } = useContractServer({ seed: async (database) => void (db = database) });

const count = async (table: string) => Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n);

function expectExposed(res: { status: number; body: { code?: string; message?: string } }, key = server.serverApiKey) {
  expect([res.status, res.body.code]).toEqual([403, 'SERVER_API_KEY_EXPOSED']);
  expect(res.body.message).toMatch(/rotate it/);
  expect(JSON.stringify(res.body)).not.toContain(key);
}

describe('a Server API key sent from a browser', () => {
  const browsers = ['https://evil.test', 'http://localhost:1', 'null'];

  it('is refused on /server/* from any origin (even an allowed one), and nothing is minted', async () => {
    const allowed = new URL(server.baseUrl).origin;
    for (const origin of [...browsers, allowed]) {
      for (const [path, body] of [
        ['/server/visitor-context-token', { visitor: { externalId: 'x-1' } }],
        ['/server/sdk-token/agent', { agentId: 'agent-demo' }],
      ] as const) {
        const res = await api.call('POST', path, { headers: { authorization: `Bearer ${server.serverApiKey}`, origin }, body });
        expectExposed(res);
        expect(res.body.data).toBeUndefined();
      }
    }
  });

  it('is refused on /server/* even when the key is wrong or oddly shaped (no key oracle for a page)', async () => {
    const res = await api.call('POST', '/server/visitor-context-token', {
      headers: { authorization: 'Bearer something-else', origin: 'https://evil.test' },
      body: { visitor: { externalId: 'x' } },
    });
    expectExposed(res, 'something-else');
  });

  it('still works from a backend (no Origin)', async () => {
    const res = await api.call('POST', '/server/visitor-context-token', {
      headers: { authorization: `Bearer ${server.serverApiKey}` },
      body: { visitor: { externalId: 'backend-1' } },
    });
    expect(res.status).toBe(201);
  });

  it('is refused as the public key of /sdk/bootstrap and /sdk/session, as a context token, and in the session header', async () => {
    const key = server.serverApiKey;
    const origin = new URL(server.baseUrl).origin;
    const visitors = await count('visitors');
    expectExposed(await api.call('GET', `/sdk/bootstrap?apiKey=${encodeURIComponent(key)}`, { headers: { origin } }));
    expectExposed(await api.call('POST', '/sdk/session', { headers: { origin }, body: { apiKey: key } }));
    // In a body it is a mistake even without Origin (a public field).
    expectExposed(await api.call('POST', '/sdk/session', { body: { apiKey: key } }));
    expectExposed(await api.call('POST', '/sdk/session', { headers: { origin }, body: { slug: 'acme', contextToken: key } }));
    expectExposed(await api.call('POST', '/sdk/session', { headers: { origin, 'X-Ringnity-SDK-Session': key }, body: { slug: 'acme' } }));
    expectExposed(await api.call('POST', '/sdk/session', { headers: { origin, authorization: `Bearer ${key}` }, body: { slug: 'acme' } }));
    expect(await count('visitors')).toBe(visitors);
  });

  // Needs `refuseServerKeyFromBrowser()` mounted API-wide in demo/server/http/api.ts (the lead's file).
  it('is refused on every other route too (a visitor route, an agent route)', async () => {
    const origin = new URL(server.baseUrl).origin;
    const key = server.serverApiKey;
    expectExposed(await api.call('GET', '/chat/visitor/availability', { headers: { origin, 'X-Ringnity-SDK-Session': key } }));
    expectExposed(await api.call('GET', '/agent-sdk/conversations', { headers: { origin, authorization: `Bearer ${key}` } }));
  });
});

describe('what a key in a URL or a weak configuration gets', () => {
  it('refuses a key in a query string without Origin too (an <img src>, a navigation, a link)', async () => {
    const key = server.serverApiKey;
    // Browsers send no Origin on no-cors GETs and navigations; a key in a URL has leaked anyway.
    expectExposed(await api.call('GET', `/sdk/bootstrap?apiKey=${encodeURIComponent(key)}`));
    expectExposed(await api.call('GET', `/chat/visitor/availability?k=${encodeURIComponent(key)}`, { headers: { 'sec-fetch-mode': 'no-cors' } }));
    expectExposed(await api.call('POST', `/server/visitor-context-token?key=${encodeURIComponent(key)}`, { headers: { authorization: `Bearer ${key}` }, body: { visitor: { externalId: 'q-1' } } }));
  });

  it('refuses to start with a Server API key that is not sk_ and 21+ characters, or a TOKEN_SECRET under 32 bytes', () => {
    for (const bad of ['mysupersecretkey123', 'sk_short', `pk_${'a'.repeat(30)}`, `sk_${'a'.repeat(20)}`, `sk_${'a'.repeat(25)} `]) {
      expect(() => readEnvConfig({ DEMO_SERVER_API_KEY: bad }), bad).toThrow(/DEMO_SERVER_API_KEY must be "sk_" followed by at least 21/);
    }
    expect(readEnvConfig({ DEMO_SERVER_API_KEY: `sk_${'a'.repeat(21)}` }).demoServerApiKey).toBe(`sk_${'a'.repeat(21)}`);
    for (const bad of ['secret', 'x'.repeat(31), 'é'.repeat(15)]) {
      expect(() => readEnvConfig({ TOKEN_SECRET: bad }), bad).toThrow(/TOKEN_SECRET must be at least 32 bytes/);
    }
    expect(readEnvConfig({ TOKEN_SECRET: 'x'.repeat(32) }).tokenSecret).toBe('x'.repeat(32));
    // The key is never echoed in the error.
    expect(() => readEnvConfig({ DEMO_SERVER_API_KEY: 'mysupersecretkey123' })).not.toThrow(/mysupersecretkey123/);
  });

  it('refuses a short tokenSecret given to createServer directly, before listening', async () => {
    await expect(createServer({ port: 0, dataDir: 'memory://', log: false, tokenSecret: 'secret' })).rejects.toThrow(/TOKEN_SECRET must be at least 32 bytes/);
  });
});
