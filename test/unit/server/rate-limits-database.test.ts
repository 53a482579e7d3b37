/**
 * Rate-limit buckets in the database (several instances, one limit): the same arithmetic as the
 * in-memory store, and two stores on one database (two instances) share each bucket, also when
 * they take from it at the same time. PGlite, and PostgreSQL when TEST_DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../demo/server/db/database.ts';
import { openDatabase } from '../../../demo/server/db/open.ts';
import { createDatabaseRateLimitStore } from '../../../demo/server/limits/db-store.ts';

const url = process.env.TEST_DATABASE_URL;
const engines: Array<[string, () => Promise<Database>]> = [['PGlite', () => openDatabase({ dataDir: 'memory://' })]];
if (url) engines.push(['PostgreSQL', () => openDatabase({ dataDir: 'memory://', databaseUrl: url })]);
const opened: Database[] = [];
afterAll(() => Promise.all(opened.map((db) => db.close())));
// Keys of their own per run: the PostgreSQL database is shared with other test files.
const run = `${process.pid}-${Date.now()}`;

describe.each(engines)('database token buckets on %s', (_name, open) => {
  const messages = { burst: 20, perMinute: 120 };
  let db: Database;
  // A first run after a migration change builds PGlite's template (seconds): not inside a test's time.
  beforeAll(async () => {
    db = await open();
    opened.push(db);
  }, 120_000);

  it('allows a full burst, then refills at the steady rate, shared by two instances', async () => {
    let now = 1_000_000;
    const a = createDatabaseRateLimitStore(db, { now: () => now });
    const b = createDatabaseRateLimitStore(db, { now: () => now });
    const key = `messages:s1:${run}`;
    for (let i = 0; i < 20; i++) expect(await (i % 2 ? a : b).take(key, messages)).toEqual({ allowed: true });
    expect(await a.take(key, messages)).toEqual({ allowed: false, retryAfterMs: 500 });
    expect(await b.take(key, messages)).toEqual({ allowed: false, retryAfterMs: 500 });
    now += 499;
    expect(await b.take(key, messages)).toEqual({ allowed: false, retryAfterMs: 1 });
    now += 1;
    expect(await a.take(key, messages)).toEqual({ allowed: true });
    now += 60_000;
    for (let i = 0; i < 20; i++) expect((await b.take(key, messages)).allowed).toBe(true);
    expect((await a.take(key, messages)).allowed).toBe(false);
  });

  it('gives out a bucket of 5 exactly 5 times when 40 takes race on two instances', async () => {
    const now = () => 5_000_000;
    const stores = [createDatabaseRateLimitStore(db, { now }), createDatabaseRateLimitStore(db, { now })];
    const key = `sessions:ip:${run}`;
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => stores[i % 2]!.take(key, { burst: 5, perMinute: 1 })));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
  });

  it('fails open when the database errors: the take is allowed and logged without the client key', async () => {
    const errors: string[] = [];
    const broken: Database = { ...db, query: () => Promise.reject(new Error('connection reset')) };
    const store = createDatabaseRateLimitStore(broken, { onError: (message) => void errors.push(message) });
    expect(await store.take(`requests:ip:203.0.113.7-${run}`, messages)).toEqual({ allowed: true });
    expect(errors).toEqual(['rate limit: taking from a requests bucket failed; allowing']);
  });
});
