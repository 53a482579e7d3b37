/**
 * The reference server's rate limits (extensions.md §13): which buckets exist, what they are
 * keyed by, their generous defaults, and the `RATE_LIMIT_*` environment overrides.
 */

/** The buckets: three keyed by runtime session (token subject), two by client IP. */
export const RATE_LIMIT_NAMES = ['messages', 'uploads', 'sessions', 'requests', 'ai'] as const;
export type RateLimitName = (typeof RATE_LIMIT_NAMES)[number];

/**
 * A token bucket: up to `burst` requests at once, refilled at `perMinute` per minute.
 * @example { burst: 20, perMinute: 120 } // 20 at once, then 2 per second
 */
export interface RateLimitRule {
  /** Requests allowed back to back from a full bucket. */
  burst: number;
  /** Requests per minute the bucket refills (a steady rate above this is refused). */
  perMinute: number;
}

/** Every bucket's rule; `null` turns that bucket off. */
export type RateLimits = Record<RateLimitName, RateLimitRule | null>;

/** What each bucket counts and what it is keyed by. */
export const RATE_LIMIT_SCOPES: Record<RateLimitName, 'session' | 'ip'> = {
  messages: 'session',
  uploads: 'session',
  sessions: 'ip',
  requests: 'ip',
  ai: 'session',
};

/** Words for "Too many … : try again in N s". */
export const RATE_LIMIT_NOUNS: Record<RateLimitName, string> = {
  messages: 'messages',
  uploads: 'uploads',
  sessions: 'new sessions from this address',
  requests: 'requests from this address',
  ai: 'questions to the assistant',
};

/** Limits a person chatting never reaches; scripts and floods do. */
export function defaultRateLimits(): RateLimits {
  return {
    // Per session: a burst of 20 (a pasted list, an outbox flushing after a reconnect), then 2/s.
    messages: { burst: 20, perMinute: 120 },
    // Per session: 10 files dropped at once, then one every 2 s.
    uploads: { burst: 10, perMinute: 30 },
    // Per IP: new runtime sessions and console logins.
    sessions: { burst: 30, perMinute: 30 },
    // Per IP: everything a widget or the console calls.
    requests: { burst: 300, perMinute: 300 },
    // Per session: questions to the AI (each runs a search and stores two messages); a person
    // asks a few in a row, then rarely more than one every 5 s.
    ai: { burst: 10, perMinute: 12 },
  };
}

/** Every bucket off (tests that are not about limits). */
export function noRateLimits(): RateLimits {
  return { messages: null, uploads: null, sessions: null, requests: null, ai: null };
}

/**
 * Applies `RATE_LIMITS=off` (every bucket off) and then `RATE_LIMIT_<NAME>_BURST` /
 * `RATE_LIMIT_<NAME>_PER_MINUTE` (`<NAME>` is MESSAGES, UPLOADS, SESSIONS, REQUESTS or AI; a bucket
 * that was off starts from its default; `0` for either turns that bucket off).
 */
export function rateLimitsFromEnv(env: NodeJS.ProcessEnv, base: RateLimits = defaultRateLimits()): RateLimits {
  const toggle = env.RATE_LIMITS?.trim().toLowerCase() ?? '';
  if (toggle !== '' && toggle !== 'on' && toggle !== 'off') {
    throw new Error(`RATE_LIMITS must be on or off, got "${env.RATE_LIMITS}"`);
  }
  const limits: RateLimits = toggle === 'off' ? noRateLimits() : { ...base };
  for (const name of RATE_LIMIT_NAMES) {
    const prefix = `RATE_LIMIT_${name.toUpperCase()}`;
    const burst = readCount(env, `${prefix}_BURST`);
    const perMinute = readCount(env, `${prefix}_PER_MINUTE`);
    if (burst === undefined && perMinute === undefined) continue;
    const rule = { ...(limits[name] ?? defaultRateLimits()[name]) } as RateLimitRule;
    if (burst !== undefined) rule.burst = burst;
    if (perMinute !== undefined) rule.perMinute = perMinute;
    limits[name] = rule.burst === 0 || rule.perMinute === 0 ? null : rule;
  }
  return limits;
}

/** One line for the startup banner, e.g. `messages 20+120/min per session, …`. */
export function describeRateLimits(limits: RateLimits): string {
  const parts = RATE_LIMIT_NAMES.map((name) => {
    const rule = limits[name];
    return rule ? `${name} ${rule.burst}+${rule.perMinute}/min per ${RATE_LIMIT_SCOPES[name]}` : `${name} off`;
  });
  return parts.join(', ');
}

function readCount(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000) {
    throw new Error(`${name} must be an integer from 0 to 1000000, got "${raw}"`);
  }
  return n;
}
