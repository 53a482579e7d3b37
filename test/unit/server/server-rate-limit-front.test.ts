/**
 * The per-instance front of the database rate-limit store (demo/server/limits/db-store.ts): a
 * bucket an instance found empty refuses there, without a query, until it holds a token again.
 * The bound it keeps: instances on one database together give out exactly what one bucket gives
 * (0 over the limit), with the same Retry-After, and a refused flood stops reaching the database.
 * PGlite, and PostgreSQL when TEST_DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Queryable } from '../../../demo/server/db/database.ts';
import { createDatabaseRateLimitStore } from '../../../demo/server/limits/db-store.ts';
import { createMemoryRateLimitStore } from '../../../demo/server/limits/store.ts';
import { clusterEngines } from './cluster-engines.ts';

// Each engine's database is this file's own (PostgreSQL: a fresh one), so keys need no run suffix.
const engines = clusterEngines('limits');
const opened: Database[] = [];
afterAll(() => Promise.all(opened.map((db) => db.close())));

describe.each(engines)('the refusal front on %s', (_name, open) => {
  // A token every 100 ms after a burst of 5.
  const rule = { burst: 5, perMinute: 600 };
  let db: Database;
  let upserts = 0;
  /** The database as the stores see it, counting their takes that reach it. */
  let counted: Queryable;
  beforeAll(async () => {
    db = await open();
    opened.push(db);
    counted = { ...db, query: (sql, params) => (sql.includes('INSERT INTO rate_limit_buckets') && upserts++, db.query(sql, params)) };
  }, 120_000);

  it('gives out, across two instances at any interleaving, exactly what one bucket gives, with the same Retry-After', async () => {
    let now = 1_000_000;
    const start = now;
    const instances = [createDatabaseRateLimitStore(counted, { now: () => now }), createDatabaseRateLimitStore(counted, { now: () => now })];
    // One bucket taken from in the same order at the same times: what the limit means.
    const reference = createMemoryRateLimitStore({ now: () => now });
    const key = 'messages:session:front';
    upserts = 0;
    let allowed = 0;
    const takes = 600;
    for (let i = 0; i < takes; i++) {
      now += (i * 7) % 23; // 0 to 22 ms apart: bursts and pauses, about three takes per token
      const instance = instances[(i * 5) % 3 === 0 ? 0 : 1]!;
      const expected = await reference.take(key, rule);
      expect(await instance.take(key, rule), `take ${i} at +${now - start} ms`).toEqual(expected);
      if (expected.allowed) allowed++;
    }
    // The limit itself: the burst plus what refilled meanwhile, and the run did reach it.
    expect(allowed).toBe(rule.burst + Math.floor(((now - start) * rule.perMinute) / 60_000));
    // Refused takes mostly stayed on the instance (each instance asks once per empty period).
    expect(upserts).toBeLessThan(takes / 2);
  });

  it('keeps a refused flood off the database until the bucket refills, then asks it again', async () => {
    let now = 2_000_000;
    const store = createDatabaseRateLimitStore(counted, { now: () => now });
    const key = 'requests:ip:203.0.113.9';
    for (let i = 0; i < rule.burst; i++) expect((await store.take(key, rule)).allowed).toBe(true);
    upserts = 0;
    now += 30;
    for (let i = 0; i < 1000; i++) expect(await store.take(key, rule)).toEqual({ allowed: false, retryAfterMs: 70 });
    expect(upserts).toBe(1);
    now += 69;
    expect(await store.take(key, rule)).toEqual({ allowed: false, retryAfterMs: 1 });
    expect(upserts).toBe(1);
    now += 1;
    expect(await store.take(key, rule)).toEqual({ allowed: true });
    expect(upserts).toBe(2);
  });

  it('never hands out a token another instance took meanwhile: the next take asks the database', async () => {
    let now = 3_000_000;
    const [a, b] = [createDatabaseRateLimitStore(counted, { now: () => now }), createDatabaseRateLimitStore(counted, { now: () => now })];
    const key = 'uploads:session:shared';
    for (let i = 0; i < rule.burst; i++) expect((await a.take(key, rule)).allowed).toBe(true);
    expect(await a.take(key, rule)).toEqual({ allowed: false, retryAfterMs: 100 });
    expect(await b.take(key, rule)).toEqual({ allowed: false, retryAfterMs: 100 });
    now += 100;
    // One token refilled: b gets it, and a, whose refusal ran out, hears from the database that it is gone.
    expect(await b.take(key, rule)).toEqual({ allowed: true });
    expect(await a.take(key, rule)).toEqual({ allowed: false, retryAfterMs: 100 });
  });
});
