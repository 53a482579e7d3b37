/**
 * The error envelope (contract `ErrorEnvelope`, codes widened by extensions.md §5) and the
 * Hono handlers that turn every failure into one: a thrown {@link ApiError} keeps its code;
 * anything else is a 500 `INTERNAL_ERROR` whose message says nothing about the internals.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorCode, ErrorEnvelope } from '../../../src/contract/extensions.ts';
import type { Logger } from '../log.ts';

/** A failure the caller should see, with its HTTP status and contract code. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details?: string[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export function errorEnvelope(error: ApiError): ErrorEnvelope {
  const body: ErrorEnvelope = { success: false, code: error.code, message: error.message };
  if (error.details && error.details.length > 0) body.details = error.details;
  return body;
}

/** `app.onError`: known errors as their envelope, unknown ones as an opaque 500 (logged). */
export function errorHandler(log: Logger) {
  return (error: Error, c: Context): Response => {
    if (error instanceof ApiError) {
      return c.json(errorEnvelope(error), error.status, error.headers);
    }
    log.error(`${c.req.method} ${c.req.path} failed`, error);
    const internal = new ApiError(500, 'INTERNAL_ERROR', 'The server failed to handle this request. Try again later.');
    return c.json(errorEnvelope(internal), 500);
  };
}

/** `app.notFound` for the API: a JSON envelope naming the route that does not exist. */
export function routeNotFound(c: Context): Response {
  const error = new ApiError(404, 'ROUTE_NOT_FOUND', `No endpoint ${c.req.method} ${c.req.path}.`);
  return c.json(errorEnvelope(error), 404);
}
