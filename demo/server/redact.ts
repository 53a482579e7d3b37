/**
 * Removes what must never be written to a log: JWT-shaped strings (session, agent, context and
 * call-link tokens), Server API keys, `Bearer` and `Basic` credentials, the `sig` of signed
 * file links, and any other long random-looking run (a visitor credential is 32 base64url
 * characters, a push token longer still). Applied to whole serialised log lines, so a secret is
 * caught wherever it hides (a path, an error message, a stack).
 */

/** Three base64url parts, the first one a JSON header (`eyJ` is `{"`). */
const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
/** Server API keys (`sk_…`, also glued after `_` as in `key_sk_…`); public `pk_` keys are not secret. */
const SERVER_KEY = /(?<![A-Za-z0-9])sk_[A-Za-z0-9_-]{8,}/g;
/** An Authorization value, whatever its shape. */
const AUTHORIZATION = /\b((?:Bearer|Basic)\s+)[^\s"',;\\]+/gi;
/** The signature of a signed attachment link (`?exp=…&sig=…`), whatever its length. */
const SIGNATURE = /\b(sig=)[^\s"'&,;\\]+/gi;
/**
 * 32 or more base64url/hex characters in a row: visitor credentials (192 bits = 32), push
 * tokens, hashes. Ids stay readable: the longest (`aist_` and 22 characters) is 27.
 */
const LONG_RUN = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])/g;

export function redactSecrets(text: string): string {
  return text
    .replace(JWT, '[redacted token]')
    .replace(SERVER_KEY, '[redacted key]')
    .replace(AUTHORIZATION, '$1[redacted]')
    .replace(SIGNATURE, '$1[redacted]')
    .replace(LONG_RUN, '[redacted]');
}
