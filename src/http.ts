/**
 * The HTTP client of the runtime (and of the demo agent console): `fetch` with the `/api`
 * prefix, the `X-Ringnity-SDK-Session` header, per-attempt timeouts, a retry policy, and the
 * contract's envelope unwrapped, so callers get `data` or a {@link RuntimeError}.
 *
 * Why not ky (the first version used it): ky was 5.8 of the core's 12 KB gzip budget, and the
 * part we use (prefix, JSON, timeout, the retry policy below) is a page of code.
 *
 * Retry policy (issue 4): network errors and 408/429/5xx are retried on idempotent methods;
 * POST/PATCH only on 429/503 (not processed), since message sends are retried by the outbox
 * (safe through `clientMessageId`), not here. Never retried: 400/413/415/422 (validation),
 * 401 other than the one token renewal, 403 (e.g. `SDK_ORIGIN_NOT_ALLOWED`), 404, 409: the same
 * request gets the same answer. `Retry-After` on 429/503 is honoured but capped at 30 s (a
 * server asking for an hour must not freeze the UI) and surfaced: the error carries
 * `retryAfterMs` and `onRateLimited` hears every 429. Otherwise `0.3 s · 2^n` with full
 * jitter, at most 8 s.
 */
import type { ErrorCode } from './contract/extensions.ts';
import { RuntimeError, isRuntimeError, toRuntimeError } from './errors.ts';
import type { UploadRequest, UploadResponse, UploadTransport } from './types.ts';

/** Header carrying the runtime session (or agent) token, per the contract's `RuntimeBearer`. */
export const SESSION_HEADER = 'X-Ringnity-SDK-Session';

/** Options of {@link createHttp}. */
export interface HttpOptions {
  /**
   * API base URL including the `/api` prefix; request paths are relative to it.
   * @example 'http://localhost:8192/api'
   */
  baseUrl: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** The token to send as `X-Ringnity-SDK-Session`; `null` sends none. */
  getToken?: () => Promise<string | null>;
  /**
   * Called when the server answers `TOKEN_EXPIRED` or `SDK_SESSION_REQUIRED`, with the token the
   * rejected request carried. Renew the token (only if `rejected` is still the current one: a
   * request sent before a renewal finished must not start another) and resolve (anything but
   * `false`) to have the request sent once more with the current token; resolve `false` or
   * reject to fail it.
   */
  onAuthError?: (error: RuntimeError, rejected: string | null) => Promise<unknown>;
  /** Per-attempt timeout in ms, or `false` for none (uploads have none: their caller ends them). @default 10_000 */
  timeout?: number | false;
  /** Retries after the first attempt (network errors, 429, 5xx as the policy allows). @default 2 */
  retries?: number;
  /**
   * Called with a `RATE_LIMITED` error (its `retryAfterMs` says how long to wait) on every 429
   * answer, also one the client then waits out and repeats, so a UI can say "try again in N s".
   */
  onRateLimited?: (error: RuntimeError) => void;
}

/** Query string values; `undefined` ones are left out. */
export type SearchParams = Record<string, string | number | boolean | undefined>;

/** Options of one request. */
export interface RequestOptions {
  searchParams?: SearchParams;
  signal?: AbortSignal;
  /** Outlive the page (`fetch` keepalive): a call's hang-up sent on `pagehide`. */
  keepalive?: boolean;
}

/** Options of {@link HttpClient.upload}. */
export interface UploadOptions {
  signal: AbortSignal;
  onProgress(fraction: number): void;
  /** @default `fetch`, reporting progress 1 when the answer came */
  transport?: UploadTransport;
}

/** Typed calls returning the envelope's `data`. Paths have no leading slash, e.g. `sdk/bootstrap`. */
export interface HttpClient {
  get<T>(path: string, options?: RequestOptions): Promise<T>;
  post<T>(path: string, json?: unknown, options?: RequestOptions): Promise<T>;
  patch<T>(path: string, json?: unknown, options?: RequestOptions): Promise<T>;
  /** DELETE; `json` for the few endpoints whose DELETE carries a body (`/sdk/devices/push-token`). */
  del<T>(path: string, json?: unknown, options?: RequestOptions): Promise<T>;
  /** POSTs a multipart body (never retried: the transport reports progress once). */
  upload<T>(path: string, body: FormData, options: UploadOptions): Promise<T>;
}

const AUTH_CODES: readonly ErrorCode[] = ['TOKEN_EXPIRED', 'SDK_SESSION_REQUIRED'];
// Methods a repeat cannot harm; POST/PATCH are only repeated on 429/503 (not processed).
const IDEMPOTENT = ['GET', 'PUT', 'HEAD', 'DELETE', 'OPTIONS'];
const RETRY_STATUSES = [408, 429, 500, 502, 503, 504];
const UNPROCESSED = [429, 503];
const MAX_RETRY_AFTER = 30_000;

/** An answer, with the wait its `Retry-After` asked for (429/503 only). */
type Answer = UploadResponse & { retryAfterMs?: number };

/** `Retry-After` (seconds or an HTTP date) in ms, capped; `undefined` when absent or unreadable. */
function retryAfter(value?: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isNaN(seconds) ? Date.parse(value) - Date.now() : seconds * 1000;
  return Number.isNaN(ms) ? undefined : Math.min(MAX_RETRY_AFTER, Math.max(0, ms));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates a client over `baseUrl`. */
export function createHttp(options: HttpOptions): HttpClient {
  const { getToken, onAuthError, onRateLimited, timeout = 10_000, retries = 2 } = options;
  const base = options.baseUrl.replace(/\/?$/, '/');

  // Every answer, fetched or uploaded: the wait its `Retry-After` asked for (429/503 only), and each 429 reported.
  const heard = (answer: Answer, what: string): Answer => {
    if (UNPROCESSED.includes(answer.status)) answer.retryAfterMs = retryAfter(answer.retryAfter);
    if (answer.status === 429) onRateLimited?.(failure(answer, what)!);
    return answer;
  };

  // One attempt. Called through a wrapper: a bare `window.fetch` passed in would throw "Illegal invocation".
  async function attempt(method: string, url: string, init: RequestInit, signal?: AbortSignal): Promise<Response> {
    // Already cancelled: an `abort` listener added now would never fire.
    signal?.throwIfAborted();
    const controller = new AbortController();
    // Not for a multipart upload: a big file on a slow link takes longer than any fixed limit, and
    // `fetch` reports no progress to tell a slow upload from a stalled one. The caller's signal
    // ends it (the upload stage's deadline, attachments.ts).
    const timer = timeout && !(init.body instanceof FormData) && setTimeout(() => controller.abort(), timeout);
    signal?.addEventListener('abort', () => controller.abort());
    try {
      return await (options.fetch ?? fetch)(url, { ...init, method, signal: controller.signal });
    } catch (error) {
      if (controller.signal.aborted && !signal?.aborted) throw Object.assign(new Error('timed out'), { name: 'TimeoutError' });
      throw error;
    } finally {
      clearTimeout(timer || undefined);
    }
  }

  // Attempts until an answer that is not worth repeating, or the retry limit.
  async function send(method: string, url: string, init: RequestInit, what: string, signal?: AbortSignal): Promise<Answer> {
    for (let n = 0; ; n++) {
      let wait = Math.min(8_000, 300 * 2 ** n * Math.random());
      try {
        const response = await attempt(method, url, init, signal);
        const { status } = response;
        const answer = heard({ status, body: await response.text(), retryAfter: response.headers.get('retry-after') }, what);
        if (n >= retries || !(IDEMPOTENT.includes(method) ? RETRY_STATUSES : UNPROCESSED).includes(status)) return answer;
        wait = answer.retryAfterMs ?? wait;
      } catch (error) {
        if (n >= retries || !IDEMPOTENT.includes(method) || (error as Error).name === 'TimeoutError' || signal?.aborted) throw error;
      }
      await sleep(wait);
    }
  }

  async function request<T>(method: string, path: string, json: unknown, opts: RequestOptions & Partial<UploadOptions> & { form?: FormData } = {}, renewed = false): Promise<T> {
    const what = `${method} ${path}`;
    let token: string | null = null;
    try {
      token = getToken ? await getToken() : null;
      const headers: Record<string, string> = token ? { [SESSION_HEADER]: token } : {};
      const url = new URL(path, base);
      for (const [key, value] of Object.entries(opts.searchParams ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
      let answer: UploadResponse;
      if (opts.transport) {
        answer = heard(await opts.transport({ url: url.href, headers, body: opts.form!, signal: opts.signal!, onProgress: opts.onProgress! } satisfies UploadRequest), what);
      } else {
        if (json !== undefined) headers['content-type'] = 'application/json';
        // The options ride along into `fetch`'s init (it reads `keepalive`, ignores the rest; `signal` is replaced by attempt's).
        answer = await send(method, url.href, { ...opts, headers, body: opts.form ?? (json === undefined ? undefined : JSON.stringify(json)) }, what, opts.signal);
        opts.onProgress?.(1);
      }
      return settle<T>(answer, what);
    } catch (thrown) {
      const error = toRuntimeError(thrown, what);
      if (renewed || !onAuthError || !AUTH_CODES.includes(error.code)) throw error;
      // A renewal that failed with its own RuntimeError (e.g. the network) explains more than
      // the expired token; anything else keeps the original auth error.
      const again = await onAuthError(error, token).catch((failure: unknown) => {
        throw isRuntimeError(failure) ? failure : error;
      });
      if (again === false) throw error;
      return request<T>(method, path, json, opts, true);
    }
  }

  return {
    get: (path, opts) => request('GET', path, undefined, opts),
    post: (path, json, opts) => request('POST', path, json, opts),
    patch: (path, json, opts) => request('PATCH', path, json, opts),
    del: (path, json, opts) => request('DELETE', path, json, opts),
    // Not retried by `send` (a POST): a failed upload is the visitor's to retry.
    upload: (path, form, opts) => request('POST', path, undefined, { ...opts, form }),
  };
}

/**
 * Unwraps an answer: `{success:true,data}` → `data`; anything else throws {@link failure}'s error.
 */
function settle<T>(answer: Answer, what: string): T {
  const error = failure(answer, what);
  if (error) throw error;
  const body = answer.body ? (JSON.parse(answer.body) as { success?: unknown; data?: unknown }) : undefined;
  return (body?.success === true ? body.data : body) as T;
}

/**
 * The error an answer stands for, or `null` for a success: the error envelope → its
 * `RuntimeError`; an error that is not our envelope (a proxy's HTML page, an empty 502) → a
 * `RuntimeError` saying what came instead.
 */
function failure({ status, body: text, retryAfterMs }: Answer, what: string): RuntimeError | null {
  let body: { success?: unknown; code?: ErrorCode; message?: string; details?: string[] } | undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: reported below.
  }
  if (body?.success === false && body.code) {
    return new RuntimeError(body.code, body.message ?? `${what} failed with ${body.code}.`, { status, details: body.details, retryAfterMs });
  }
  if (status < 300 && (body || !text)) return null;
  const code: ErrorCode = status === 429 ? 'RATE_LIMITED' : status === 404 ? 'ROUTE_NOT_FOUND' : status > 501 && status < 505 ? 'NETWORK_ERROR' : 'INTERNAL_ERROR';
  const received = text ? JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text) : 'an empty body';
  return new RuntimeError(code, `Expected a JSON envelope from ${what}, received HTTP ${status} with ${received}.`, { status, retryAfterMs });
}
