/**
 * Rate-limit counters in the database, shared by every instance on it: the same token buckets as
 * the in-memory store (same integer units), each take one atomic upsert, so two instances
 * taking from one bucket at once never both get its last token.
 */
import type { Queryable } from '../db/database.ts';
import type { RateLimitStore } from './store.ts';

/** One token in bucket units (as in store.ts): a rule refills `perMinute` units per millisecond. */
const TOKEN = 60_000;
/** A bucket untouched this long is full under any rule the server has: its row is deleted. */
const IDLE_MS = 60 * 60_000;

export interface DatabaseStoreOptions {
  /** Milliseconds clock (instances keep theirs in step with NTP). @default Date.now */
  now?: () => number;
  /** How often idle rows are deleted. @default 60000 */
  sweepEveryMs?: number;
  onError?(message: string, error: unknown): void;
}

export function createDatabaseRateLimitStore(db: Queryable, options: DatabaseStoreOptions = {}): RateLimitStore {
  const now = options.now ?? Date.now;
  const sweepEveryMs = options.sweepEveryMs ?? 60_000;
  let lastSweep = now();
  return {
    async take(key, rule) {
      const t = now();
      if (t - lastSweep >= sweepEveryMs) {
        lastSweep = t;
        db.query('DELETE FROM rate_limit_buckets WHERE at_ms < $1', [t - IDLE_MS]).catch((error: unknown) => options.onError?.('sweeping rate-limit buckets failed', error));
      }
      const full = rule.burst * TOKEN;
      // refilled = min(full, units + elapsed * perMinute); a take needs one TOKEN of it.
      const refilled = `LEAST($2::bigint, b.units + GREATEST(0, $3::bigint - b.at_ms) * $4::bigint)`;
      let row: { units: string | number; allowed: boolean } | undefined;
      try {
        [row] = await db.query<{ units: string | number; allowed: boolean }>(
          `INSERT INTO rate_limit_buckets AS b (key, units, at_ms, allowed) VALUES ($1, $2::bigint - $5::bigint, $3, true)
           ON CONFLICT (key) DO UPDATE SET
             units = CASE WHEN ${refilled} >= $5 THEN ${refilled} - $5 ELSE ${refilled} END,
             allowed = ${refilled} >= $5,
             at_ms = GREATEST(b.at_ms, $3::bigint)
           RETURNING units, allowed`,
          [key, full, t, rule.perMinute, TOKEN],
        );
      } catch (error) {
        // Fail open, as the in-memory store never fails: a database blip must not turn every
        // request into a 500 before it is even authenticated (the route itself still needs the
        // database, so an outage is not a way around the limits).
        options.onError?.(`rate limit: taking from a ${key.split(':')[0]} bucket failed; allowing`, error);
        return { allowed: true };
      }
      if (!row || row.allowed) return { allowed: true };
      return { allowed: false, retryAfterMs: Math.ceil((TOKEN - Number(row.units)) / rule.perMinute) };
    },
  };
}
