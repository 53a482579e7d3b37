/**
 * The HTTP client of the runtime (and of the demo agent console): ky with the `/api` prefix,
 * the `X-Ringnity-SDK-Session` header, a retry policy, and the contract's envelope unwrapped, so
 * callers get `data` or a {@link RuntimeError}.
 */
import ky, { type HTTPError, type KyInstance, type RetryOptions } from 'ky';
import type { ErrorCode } from './contract/extensions.ts';
import { RuntimeError, isRuntimeError, toRuntimeError } from './errors.ts';

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
   * Called when the server answers `TOKEN_EXPIRED` or `SDK_SESSION_REQUIRED`. Renew the token
   * and resolve (anything but `false`) to have the request sent once more with the new token;
   * resolve `false` or reject to fail it.
   */
  onAuthError?: (error: RuntimeError) => Promise<unknown>;
  /** Per-attempt timeout in ms, or `false` for none. @default 10_000 */
  timeout?: number | false;
  /** Retries after the first attempt (network errors, 429, 5xx as the policy allows). @default 2 */
  retries?: number;
}

/** Query string values; `undefined` ones are left out. */
export type SearchParams = Record<string, string | number | boolean | undefined>;

/** Options of one request. */
export interface RequestOptions {
  searchParams?: SearchParams;
  signal?: AbortSignal;
}

/** Typed calls returning the envelope's `data`. Paths have no leading slash, e.g. `sdk/bootstrap`. */
export interface HttpClient {
  get<T>(path: string, options?: RequestOptions): Promise<T>;
  post<T>(path: string, json?: unknown, options?: RequestOptions): Promise<T>;
  patch<T>(path: string, json?: unknown, options?: RequestOptions): Promise<T>;
  del<T>(path: string, options?: RequestOptions): Promise<T>;
}

const AUTH_CODES: readonly ErrorCode[] = ['TOKEN_EXPIRED', 'SDK_SESSION_REQUIRED'];

/** Creates a client over `baseUrl`. */
export function createHttp(options: HttpOptions): HttpClient {
  const { getToken, onAuthError } = options;
  const retry: RetryOptions = {
    limit: options.retries ?? 2,
    // ky's default statuses (408, 413 only with Retry-After, 429, 5xx) and Retry-After handling
    // (429, 503), clamped so a send never waits an hour. POST and PATCH are listed so 429 and
    // 503 (not processed) retry them too; `unsafe` below keeps the rest to idempotent methods.
    methods: ['get', 'put', 'head', 'delete', 'options', 'post', 'patch'],
    maxRetryAfter: 60_000,
    backoffLimit: 8_000,
    jitter: true,
  };
  const unsafe: RetryOptions = {
    ...retry,
    shouldRetry: ({ error }) => ([429, 503].includes((error as { response?: Response }).response?.status ?? 0) ? undefined : false),
  };
  const api: KyInstance = ky.create({
    prefixUrl: options.baseUrl,
    timeout: options.timeout ?? 10_000,
    retry,
    // Called through a wrapper: a bare `window.fetch` passed in would throw "Illegal invocation".
    ...(options.fetch && { fetch: (input, init) => options.fetch!(input, init) }),
  });

  async function request<T>(method: string, path: string, json: unknown, opts: RequestOptions = {}, renewed = false): Promise<T> {
    const what = `${method.toUpperCase()} ${path}`;
    try {
      const token = getToken && (await getToken());
      const response = await api(path, {
        method,
        json,
        searchParams: opts.searchParams,
        signal: opts.signal,
        headers: token ? { [SESSION_HEADER]: token } : {},
        retry: method === 'post' || method === 'patch' ? unsafe : retry,
      }).catch((error: unknown) => {
        // An HTTPError carries the server's envelope: read it like any answer.
        if ((error as HTTPError).name === 'HTTPError') return (error as HTTPError).response;
        throw error;
      });
      return await settle<T>(response, what);
    } catch (thrown) {
      const error = toRuntimeError(thrown, what);
      if (renewed || !onAuthError || !AUTH_CODES.includes(error.code)) throw error;
      // A renewal that failed with its own RuntimeError (e.g. the network) explains more than
      // the expired token; anything else keeps the original auth error.
      const again = await onAuthError(error).catch((failure: unknown) => {
        throw isRuntimeError(failure) ? failure : error;
      });
      if (again === false) throw error;
      return request<T>(method, path, json, opts, true);
    }
  }

  return {
    get: (path, opts) => request('get', path, undefined, opts),
    post: (path, json, opts) => request('post', path, json, opts),
    patch: (path, json, opts) => request('patch', path, json, opts),
    del: (path, opts) => request('delete', path, undefined, opts),
  };
}

/**
 * Unwraps an answer: `{success:true,data}` → `data`; the error envelope → its `RuntimeError`;
 * an error that is not our envelope (a proxy's HTML page, an empty 502) → a `RuntimeError`
 * saying what came instead.
 */
async function settle<T>(response: Response, what: string): Promise<T> {
  const { status, ok } = response;
  const text = await response.text();
  let body: { success?: unknown; data?: unknown; code?: ErrorCode; message?: string; details?: string[] } | undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: reported below.
  }
  if (body?.success === false && body.code) {
    throw new RuntimeError(body.code, body.message ?? `${what} failed with ${body.code}.`, { status, details: body.details });
  }
  if (ok && (body || !text)) return (body?.success === true ? body.data : body) as T;
  const code: ErrorCode = status === 429 ? 'RATE_LIMITED' : status === 404 ? 'ROUTE_NOT_FOUND' : status > 501 && status < 505 ? 'NETWORK_ERROR' : 'INTERNAL_ERROR';
  const received = text ? JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text) : 'an empty body';
  throw new RuntimeError(code, `Expected a JSON envelope from ${what}, received HTTP ${status} with ${received}.`, { status });
}
