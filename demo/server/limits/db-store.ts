/**
 * Rate-limit counters in the database, shared by every instance on it: the same token buckets as
 * the in-memory store (same integer units), each take one atomic upsert, so two instances
 * taking from one bucket at once never both get its last token.
 *
 * In front of it, per instance, the buckets this instance found empty: until the moment such a
 * bucket holds a token again (the `retryAfterMs` the database answered), a take is refused here
 * without a query. That is exact, not an approximation: other instances can only take tokens,
 * never add them, so the database would refuse too, with the same `retryAfterMs`. A flood the
 * limit refuses (one client's burst, a script) thus costs the database one upsert per bucket per
 * refill period instead of one per request, and the instances together still give out exactly
 * the limit (0 requests over it).
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
  // Bucket key → when it holds a token again (ms). Only refusals are kept here, never tokens.
  const emptyUntil = new Map<string, number>();
  return {
    async take(key, rule) {
      const t = now();
      if (t - lastSweep >= sweepEveryMs) {
        lastSweep = t;
        for (const [known, until] of emptyUntil) if (until <= t) emptyUntil.delete(known);
        db.query('DELETE FROM rate_limit_buckets WHERE at_ms < $1', [t - IDLE_MS]).catch((error: unknown) => options.onError?.('sweeping rate-limit buckets failed', error));
      }
      const until = emptyUntil.get(key);
      if (until !== undefined && t < until) return { allowed: false, retryAfterMs: until - t };
      emptyUntil.delete(key);
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
      // Whole milliseconds: one earlier, the bucket still lacks part of a token.
      const retryAfterMs = Math.ceil((TOKEN - Number(row.units)) / rule.perMinute);
      emptyUntil.set(key, t + retryAfterMs);
      return { allowed: false, retryAfterMs };
    },
  };
}
