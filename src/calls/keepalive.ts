/**
 * A hang-up as the page goes away (`pagehide`): a JSON request sent with `fetch`'s `keepalive`,
 * which the browser finishes after the page is gone (an ordinary request would be cancelled).
 * For the `CallHost`s that know their token (the call page, the agent console); the runtime's
 * goes through its HTTP client.
 */
import { RuntimeError } from '../errors.ts';
import { SESSION_HEADER } from '../http.ts';

/** Sends `method path` with `body` and `keepalive`; resolves with the envelope's `data`. */
export async function keepaliveRequest<T>(baseUrl: string, token: string | null, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl.replace(/\/$/, '')}/${path}`, {
    method,
    keepalive: true,
    headers: { ...(token && { [SESSION_HEADER]: token }), ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const envelope = (await response.json()) as { success?: boolean; data: T; code?: RuntimeError['code']; message?: string };
  if (!envelope.success) throw new RuntimeError(envelope.code ?? 'INTERNAL_ERROR', envelope.message ?? `${method} ${path} failed`, { status: response.status });
  return envelope.data;
}
