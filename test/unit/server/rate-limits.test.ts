/** The token buckets behind the server's rate limits, and how they are configured from the environment. */
import { describe, expect, it } from 'vitest';
import { readEnvConfig } from '../../../demo/server/config.ts';
import { defaultRateLimits } from '../../../demo/server/limits/rules.ts';
import { createMemoryRateLimitStore } from '../../../demo/server/limits/store.ts';

describe('memory token buckets', () => {
  const messages = { burst: 20, perMinute: 120 };

  it('allows a full burst at once, then refills at the steady rate', async () => {
    let now = 0;
    const store = createMemoryRateLimitStore({ now: () => now });
    for (let i = 0; i < 20; i++) expect(await store.take('s1', messages)).toEqual({ allowed: true });
    expect(await store.take('s1', messages)).toEqual({ allowed: false, retryAfterMs: 500 });
    now = 499;
    expect(await store.take('s1', messages)).toEqual({ allowed: false, retryAfterMs: 1 });
    now = 500;
    expect(await store.take('s1', messages)).toEqual({ allowed: true });
    // 10 s idle refills 20 tokens, but never more than the burst.
    now = 60_000;
    for (let i = 0; i < 20; i++) expect((await store.take('s1', messages)).allowed).toBe(true);
    expect((await store.take('s1', messages)).allowed).toBe(false);
  });

  it('keeps buckets apart by key, and a refused take costs nothing', async () => {
    let now = 0;
    const rule = { burst: 1, perMinute: 20 };
    const store = createMemoryRateLimitStore({ now: () => now });
    expect((await store.take('a', rule)).allowed).toBe(true);
    expect((await store.take('b', rule)).allowed).toBe(true);
    for (let i = 0; i < 5; i++) expect(await store.take('a', rule)).toEqual({ allowed: false, retryAfterMs: 3000 });
    now = 3000;
    expect((await store.take('a', rule)).allowed).toBe(true);
  });

  it('is exact with rates that do not divide a second (no float drift)', async () => {
    let now = 0;
    const rule = { burst: 1, perMinute: 7 };
    const store = createMemoryRateLimitStore({ now: () => now });
    for (let i = 0; i < 7; i++) {
      expect((await store.take('k', rule)).allowed).toBe(true);
      const refused = await store.take('k', rule);
      expect(refused.allowed).toBe(false);
      now += refused.allowed ? 0 : refused.retryAfterMs;
    }
    expect(now).toBeGreaterThanOrEqual(60_000);
    expect(now).toBeLessThanOrEqual(60_007);
  });

  it('forgets buckets that refilled, so idle clients hold no memory', async () => {
    let now = 0;
    const store = createMemoryRateLimitStore({ now: () => now, sweepEveryMs: 60_000 });
    for (let i = 0; i < 1000; i++) await store.take(`ip:${i}`, { burst: 30, perMinute: 30 });
    expect(store.size()).toBe(1000);
    now = 61_000;
    await store.take('ip:new', { burst: 30, perMinute: 30 });
    expect(store.size()).toBe(1);
  });
});

describe('rate limits from the environment', () => {
  it('uses the generous defaults when nothing is set', () => {
    expect(readEnvConfig({}).rateLimits).toEqual({
      messages: { burst: 20, perMinute: 120 },
      uploads: { burst: 10, perMinute: 30 },
      sessions: { burst: 30, perMinute: 30 },
      requests: { burst: 300, perMinute: 300 },
      ai: { burst: 10, perMinute: 12 },
    });
    expect(readEnvConfig({}).trustProxy).toBe(false);
  });

  it('overrides one number of one bucket, turns one off with 0, and all off with RATE_LIMITS=off', () => {
    const config = readEnvConfig({ RATE_LIMIT_MESSAGES_BURST: '50', RATE_LIMIT_UPLOADS_PER_MINUTE: '0', RATE_LIMIT_TRUST_PROXY: '1' });
    expect(config.rateLimits.messages).toEqual({ burst: 50, perMinute: 120 });
    expect(config.rateLimits.uploads).toBeNull();
    expect(config.rateLimits.requests).toEqual(defaultRateLimits().requests);
    expect(config.trustProxy).toBe(true);
    expect(readEnvConfig({ RATE_LIMITS: 'off' }).rateLimits).toEqual({ messages: null, uploads: null, sessions: null, requests: null, ai: null });
    // Off, then one bucket back on from its default.
    expect(readEnvConfig({ RATE_LIMITS: 'off', RATE_LIMIT_SESSIONS_BURST: '5' }).rateLimits.sessions).toEqual({ burst: 5, perMinute: 30 });
  });

  it('refuses values it cannot use, naming the variable', () => {
    expect(() => readEnvConfig({ RATE_LIMIT_MESSAGES_BURST: 'lots' })).toThrow('RATE_LIMIT_MESSAGES_BURST must be an integer from 0 to 1000000, got "lots"');
    expect(() => readEnvConfig({ RATE_LIMITS: 'maybe' })).toThrow('RATE_LIMITS must be on or off, got "maybe"');
    expect(() => readEnvConfig({ RATE_LIMIT_TRUST_PROXY: 'sure' })).toThrow('RATE_LIMIT_TRUST_PROXY must be 1 or 0');
  });
});
