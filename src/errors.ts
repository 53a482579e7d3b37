/**
 * The one error class of the runtime. Every failure a caller sees is a `RuntimeError` carrying
 * the contract's `ErrorCode`; ky errors, network failures and socket closes are converted here,
 * at the boundary, once.
 */
import type { ErrorCode } from './contract/extensions.ts';
import { isOffline } from './lib/env.ts';

/** Extra facts about a {@link RuntimeError}. */
export interface RuntimeErrorOptions {
  /** HTTP status of the answer, when there was one. */
  status?: number;
  /** One line per problem (`path: message`), as the server's envelope lists them. */
  details?: string[];
  /** Whether trying the same thing again later may succeed. @default derived from `code` and `status` */
  retryable?: boolean;
  /** The underlying error. */
  cause?: unknown;
  /** How long the server asked the caller to wait (`Retry-After`), in ms. */
  retryAfterMs?: number;
}

const TRANSIENT: readonly ErrorCode[] = ['NETWORK_ERROR', 'NETWORK_UNAVAILABLE', 'REALTIME_DISCONNECTED', 'RATE_LIMITED'];

/**
 * A failure of the runtime, with the contract's error `code`.
 * @example
 * try { await runtime.start() } catch (e) { if (isRuntimeError(e) && e.code === 'SDK_ORIGIN_NOT_ALLOWED') … }
 */
export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';
  declare readonly code: ErrorCode;
  declare readonly status?: number;
  declare readonly details?: string[];
  /** Whether trying again later may succeed (network trouble, rate limit, a server fault). */
  declare readonly retryable: boolean;
  /**
   * On `RATE_LIMITED` (and a 503 that said so): how long the server asked to wait before trying
   * again, in ms, from its `Retry-After` (capped at 30 s). Show "try again in N s".
   * @example if (e.code === 'RATE_LIMITED' && e.retryAfterMs) show(`Try again in ${Math.ceil(e.retryAfterMs / 1000)} s`)
   */
  declare readonly retryAfterMs?: number;

  constructor(code: ErrorCode, message: string, options: RuntimeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const { status, details, retryAfterMs } = options;
    this.code = code;
    if (status !== undefined) this.status = status;
    if (details) this.details = details;
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
    this.retryable = options.retryable ?? (TRANSIENT.includes(code) || (status !== undefined && (status >= 500 || status === 408)));
  }
}

/**
 * True for a {@link RuntimeError}, also one from another realm or bundle copy (an iframe, a
 * second copy of the package), which `instanceof` would miss.
 */
export function isRuntimeError(value: unknown): value is RuntimeError {
  return (
    value instanceof RuntimeError ||
    (typeof value === 'object' &&
      value !== null &&
      (value as { name?: unknown }).name === 'RuntimeError' &&
      typeof (value as { code?: unknown }).code === 'string')
  );
}

/**
 * Converts anything thrown below the runtime (a fetch `TypeError`, ky's `TimeoutError`, …)
 * into a `RuntimeError`; `what` names the operation, e.g. `GET sdk/bootstrap`.
 */
export function toRuntimeError(error: unknown, what: string): RuntimeError {
  if (isRuntimeError(error)) return error;
  const reason = error instanceof Error ? describe(error) : String(error);
  if (isOffline()) return new RuntimeError('NETWORK_UNAVAILABLE', `${what} could not run: the device is offline (${reason}).`, { cause: error });
  return new RuntimeError('NETWORK_ERROR', `Expected an answer to ${what}, but ${reason}.`, { cause: error });
}

/** A chunk of the core that could not load (offline, or replaced by a deploy): `Expected the <what> code to load, but …` (retryable). */
export const chunkError = (what: string, thrown: unknown): RuntimeError =>
  new RuntimeError('NETWORK_ERROR', `Expected the ${what} code to load, but ${thrown instanceof Error ? thrown.message : String(thrown)}.`, { cause: thrown });

// "fetch failed (ECONNREFUSED)": the interesting part of undici's errors is in `cause`.
function describe(error: Error): string {
  if (error.name === 'TimeoutError') return 'the request timed out';
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return `the request failed: ${error.message.replace(/\.$/, '')}${typeof code === 'string' ? ` (${code})` : ''}`;
}
