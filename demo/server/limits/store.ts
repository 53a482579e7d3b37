/**
 * Where rate-limit counters live, behind a one-method interface so the scale-out work can move
 * them into the database. The in-memory store here is per server instance: behind a load
 * balancer with N instances a client gets up to N times the limit (an accepted approximation
 * until the counters are shared).
 */
import type { RateLimitRule } from './rules.ts';

/** The outcome of one {@link RateLimitStore.take}. */
export type TakeResult = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface RateLimitStore {
  /**
   * Takes one token from the bucket `key` (created full under `rule` when unknown).
   * A refused take changes nothing and says how long until a token is there.
   */
  take(key: string, rule: RateLimitRule): Promise<TakeResult>;
}

export interface MemoryStoreOptions {
  /** Milliseconds clock; tests pass a fake one. @default Date.now */
  now?: () => number;
  /** How often idle buckets are dropped. @default 60000 */
  sweepEveryMs?: number;
}

/** One token in bucket units: a rule refills `perMinute` units per millisecond, so all sums stay integers. */
const TOKEN = 60_000;

interface Bucket {
  /** Fill level in {@link TOKEN} units. */
  units: number;
  /** When `units` was last brought up to date. */
  at: number;
  rule: RateLimitRule;
}

/** Token buckets in a Map: exact integer arithmetic, no timers; full buckets are swept away. */
export function createMemoryRateLimitStore(options: MemoryStoreOptions = {}): RateLimitStore & { size(): number } {
  const now = options.now ?? Date.now;
  const sweepEveryMs = options.sweepEveryMs ?? 60_000;
  const buckets = new Map<string, Bucket>();
  let lastSweep = now();

  const refill = (bucket: Bucket, t: number) => {
    bucket.units = Math.min(bucket.rule.burst * TOKEN, bucket.units + Math.max(0, t - bucket.at) * bucket.rule.perMinute);
    bucket.at = t;
  };

  // A bucket that has refilled completely is the same as no bucket: dropping it bounds memory
  // to the clients active within about one refill period.
  const sweep = (t: number) => {
    lastSweep = t;
    for (const [key, bucket] of buckets) {
      refill(bucket, t);
      if (bucket.units >= bucket.rule.burst * TOKEN) buckets.delete(key);
    }
  };

  return {
    async take(key, rule) {
      const t = now();
      if (t - lastSweep >= sweepEveryMs) sweep(t);
      let bucket = buckets.get(key);
      if (!bucket) {
        bucket = { units: rule.burst * TOKEN, at: t, rule };
        buckets.set(key, bucket);
      } else {
        bucket.rule = rule;
        refill(bucket, t);
      }
      if (bucket.units >= TOKEN) {
        bucket.units -= TOKEN;
        return { allowed: true };
      }
      return { allowed: false, retryAfterMs: Math.ceil((TOKEN - bucket.units) / rule.perMinute) };
    },
    size: () => buckets.size,
  };
}
