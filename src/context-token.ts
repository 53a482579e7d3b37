/**
 * Asks the site's `getContextToken` (`RuntimeOptions.getContextToken`) for a context token,
 * before each session minting. A lazily loaded chunk: pages without the callback never fetch it.
 *
 * Whatever goes wrong is the site's to fix, and trying again would only call its backend again
 * and again, so every failure is final (`retryable: false`) and names the callback: a throw or a
 * rejection (the visitor signed out, the backend answered 401), no answer within `timeoutMs`
 * (a hung backend must not hold the first-visit lock or the start), or anything but a non-empty
 * string (`undefined` from a misspelt field would otherwise start an anonymous visitor). A
 * Server API key (`sk_…`) is refused before any request, as `start()` refuses it in the options.
 */
import { RuntimeError } from './errors.ts';

/** How long the callback may take. */
export const CONTEXT_TOKEN_TIMEOUT_MS = 10_000;

/** The callback's context token, checked; throws a {@link RuntimeError} that names the callback. */
export async function askContextToken(get: () => string | Promise<string>, timeoutMs = CONTEXT_TOKEN_TIMEOUT_MS): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs)));
  let value: unknown;
  try {
    value = await Promise.race([Promise.resolve().then(get), late]);
  } catch (cause) {
    throw new RuntimeError('SDK_CONTEXT_TOKEN_INVALID', `Expected getContextToken() to give a context token, but it failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause, retryable: false });
  } finally {
    clearTimeout(timer);
  }
  if (typeof value !== 'string' || !value) {
    const received = value === '' ? 'an empty string' : value === null ? 'null' : typeof value;
    throw new RuntimeError('SDK_CONTEXT_TOKEN_INVALID', `Expected getContextToken() to give a context token (a non-empty string), received ${received}.`, { retryable: false });
  }
  // Not repeated in the message: it is a secret.
  if (value.startsWith('sk_')) throw new RuntimeError('SERVER_API_KEY_EXPOSED', 'Expected a context token from getContextToken(), received a secret Server API key.', { retryable: false });
  return value;
}
