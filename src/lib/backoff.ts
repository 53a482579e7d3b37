/**
 * Reconnect and resend delays: exponential with full jitter (AWS "Exponential Backoff And
 * Jitter"), so many clients dropped at once do not come back in lockstep.
 */
export interface BackoffOptions {
  /** Delay ceiling of the first retry, in ms. @default 500 */
  base?: number;
  /** Largest delay, in ms. @default 30_000 */
  cap?: number;
}

/** Delay before retry number `attempt` (0 for the first): uniform in `[0, min(cap, base·2^attempt))`. */
export function backoff(attempt: number, { base = 500, cap = 30_000 }: BackoffOptions = {}, random = Math.random): number {
  return Math.floor(random() * Math.min(cap, base * 2 ** Math.min(attempt, 30)));
}
