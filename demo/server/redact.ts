/**
 * Removes what must never be written to a log: JWT-shaped strings (session, agent, context and
 * call-link tokens), Server API keys and anything after `Bearer`. Applied to whole serialised
 * log lines, so a secret is caught wherever it hides (a path, an error message, a stack).
 */

/** Three base64url parts, the first one a JSON header (`eyJ` is `{"`). */
const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
/** Server API keys (`sk_…`) and public keys are not secret, but `sk_` ones are. */
const SERVER_KEY = /\bsk_[A-Za-z0-9_-]{8,}/g;
/** An Authorization value, whatever its shape. */
const BEARER = /\b(Bearer\s+)[^\s"',;]+/gi;

export function redactSecrets(text: string): string {
  return text.replace(JWT, '[redacted token]').replace(SERVER_KEY, '[redacted key]').replace(BEARER, '$1[redacted]');
}
